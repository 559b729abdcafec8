import { type ApprovalDto, approveApproval, rejectApproval } from '@loop-gateway/api-client';
import type { Client } from '@loop-gateway/api-client/client';
import { apiErrorMessage } from '../core/api/api-error';

export type Decision = 'approve' | 'reject';

/** What a person decided on a held call, with an optional comment (a rejection's is told to the agent). */
export interface ApprovalDecision {
  decision: Decision;
  comment: string;
}

export type DecisionOutcome =
  | { approval: ApprovalDto; error: null; conflict: false }
  /** conflict: someone (or the timeout) decided first (409). */
  | { approval: null; error: string; conflict: boolean };

/** POST /api/approvals/:id/approve or /reject; the gateway records who decided and when. */
export async function decideApproval(
  api: Client,
  id: string,
  { decision, comment }: ApprovalDecision,
): Promise<DecisionOutcome> {
  const text = comment.trim();
  const options = { client: api, path: { id }, body: text ? { comment: text } : {} };
  const { data, error, response } =
    decision === 'approve' ? await approveApproval(options) : await rejectApproval(options);
  if (data) return { approval: data, error: null, conflict: false };
  const conflict = response?.status === 409;
  const fallback = conflict
    ? 'This call was already decided.'
    : `The call could not be ${decision === 'approve' ? 'approved' : 'rejected'}.`;
  return { approval: null, error: apiErrorMessage(error, fallback), conflict };
}
