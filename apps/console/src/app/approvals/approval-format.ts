import type { ApprovalDto } from '@loop-gateway/api-client';

export type TimeoutAction = ApprovalDto['timeoutAction'];

/** 45 s, 14 min 5 s, 2 h 30 min, 3 d 4 h: a span of time, to the precision a person needs. */
export function spellSeconds(total: number): string {
  const seconds = Math.max(0, Math.round(total));
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return two(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  if (seconds < 86_400) return two(Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'min');
  return two(Math.floor(seconds / 86_400), 'd', Math.floor((seconds % 86_400) / 3600), 'h');
}

/** What the exfiltration guard holds, in a sentence, for the rules page (EXFILTRATION_GUARD). */
export function exfiltrationNote(mode: 'taint' | 'strict' | 'off', trusted: string[]): string {
  if (mode === 'off') return 'The exfiltration guard is off: reading calls are never held for where they go.';
  const when = mode === 'strict' ? 'Always' : 'Once a run has read untrusted content';
  const list = trusted.length > 0 ? trusted.join(', ') : 'none besides the groups’ own';
  return (
    `${when}, http_request and web_browse calls to hosts that are not trusted destinations are held, ` +
    `whatever the rules below say (trusted destinations: ${list}).`
  );
}

/** What the gateway does with a held call nobody decided on in time. */
export function timeoutOutcome(action: TimeoutAction): string {
  return action === 'approve' ? 'approved automatically' : 'rejected automatically';
}

/** "Rejected automatically in 14 min 5 s", or, once the time is up, what is happening now. */
export function timeLeft(approval: Pick<ApprovalDto, 'expiresAt' | 'timeoutAction'>, now: number): string {
  const seconds = Math.ceil((Date.parse(approval.expiresAt) - now) / 1000);
  const outcome = timeoutOutcome(approval.timeoutAction);
  if (seconds <= 0) return `Time is up: being ${outcome}`;
  return `${outcome.charAt(0).toUpperCase()}${outcome.slice(1)} in ${spellSeconds(seconds)}`;
}

/** Who decided on a call, or what became of it: "Approved by admin", "Timed out: rejected automatically". */
export function decisionLabel(approval: Pick<ApprovalDto, 'status' | 'decidedBy' | 'timeoutAction'>): string {
  switch (approval.status) {
    case 'pending':
      return 'Waiting for approval';
    case 'approved':
      return `Approved by ${approval.decidedBy ?? 'someone'}`;
    case 'rejected':
      return `Rejected by ${approval.decidedBy ?? 'someone'}`;
    case 'timed_out':
      return `Timed out: ${timeoutOutcome(approval.timeoutAction)}`;
    case 'withdrawn':
      return 'Withdrawn: the run was cancelled';
  }
}
