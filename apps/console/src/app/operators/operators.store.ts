import { Injectable, inject, signal } from '@angular/core';
import {
  type OperatorCreateDtoWritable,
  type OperatorResponseDto,
  type SessionResponseDto,
  changePassword,
  createOperator,
  deleteOperator,
  listOperators,
  listSessions,
  revokeSession,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';

/**
 * The operators page's state: who may use the console (admins change things, viewers only look),
 * and the signed-in operator's own sessions. Provided by the page.
 */
@Injectable()
export class OperatorsStore {
  private readonly api = inject(API_CLIENT);

  private readonly operatorList = signal<readonly OperatorResponseDto[]>([]);
  private readonly sessionList = signal<readonly SessionResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);

  readonly operators = this.operatorList.asReadonly();
  readonly sessions = this.sessionList.asReadonly();
  readonly error = this.problem.asReadonly();

  async load(): Promise<void> {
    const [operators, sessions] = await Promise.all([
      listOperators({ client: this.api }),
      listSessions({ client: this.api }),
    ]);
    if (!operators.data || !sessions.data) {
      this.problem.set(apiErrorMessage(operators.error ?? sessions.error, 'The operators could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.operatorList.set(operators.data);
    this.sessionList.set(sessions.data);
  }

  /** null when added, else the gateway's reason. */
  async add(body: OperatorCreateDtoWritable): Promise<string | null> {
    const { data, error } = await createOperator({ client: this.api, body });
    if (!data) return apiErrorMessage(error, 'The operator could not be added.');
    this.operatorList.update((list) => [...list, data]);
    return null;
  }

  async remove(operator: OperatorResponseDto): Promise<string | null> {
    const { error, response } = await deleteOperator({ client: this.api, path: { id: operator.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The operator could not be deleted.');
    this.operatorList.update((list) => list.filter((o) => o.id !== operator.id));
    return null;
  }

  /** How many other sessions ended, or the gateway's reason. */
  async changePassword(currentPassword: string, newPassword: string): Promise<number | string> {
    const { data, error } = await changePassword({ client: this.api, body: { currentPassword, newPassword } });
    if (!data) return apiErrorMessage(error, 'The password could not be changed.');
    await this.load();
    return data.endedSessions;
  }

  async revoke(session: SessionResponseDto): Promise<string | null> {
    const { error, response } = await revokeSession({ client: this.api, path: { id: session.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The session could not be ended.');
    this.sessionList.update((list) => list.filter((s) => s.id !== session.id));
    return null;
  }
}
