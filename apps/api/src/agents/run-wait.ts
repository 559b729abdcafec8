import { Injectable } from '@nestjs/common';

/**
 * What a `waiting` run waits for, stored with it. The run frees its place in the queue and resumes
 * (`RunsService.resume`) when that is done: a human's decision on a held call (`approval`), or the
 * answers of the agents it delegated to (`agents`, the a2a module: the runs it waits for). A remote
 * agent adds its own kind here.
 */
export type RunWait = { kind: 'approval'; approvalId: string } | { kind: 'agents'; runIds: string[] };

/** The waits of several tool calls of one turn as one: delegations in parallel wait for all their runs. */
export function combineWaits(waits: RunWait[]): RunWait {
  const approval = waits.find((wait) => wait.kind === 'approval');
  if (approval) return approval;
  return { kind: 'agents', runIds: waits.flatMap((wait) => (wait.kind === 'agents' ? wait.runIds : [])) };
}

/** What a kind of wait does when its run is cancelled: withdraw what the run waited for. */
export interface RunWaitKind {
  readonly kind: RunWait['kind'];
  /** Withdraws everything of this kind the run waits for (or was about to wait for). */
  withdraw(runId: string): Promise<void>;
}

/** The kinds of wait, registered by the modules that own them (the approvals module registers `approval`). */
@Injectable()
export class RunWaits {
  private readonly kinds = new Map<RunWait['kind'], RunWaitKind>();

  register(kind: RunWaitKind): void {
    this.kinds.set(kind.kind, kind);
  }

  /**
   * Withdraws what a cancelled run waits for. Every kind is asked, not only the stored one: a run
   * cancelled on its way to pausing has created its approval but not yet stored that it waits.
   */
  async withdraw(runId: string): Promise<void> {
    for (const kind of this.kinds.values()) await kind.withdraw(runId);
  }
}
