import type { ApprovalEvent } from './run-format';
import { describe, expect, it } from 'vitest';
import { isFinished, statusAfterApproval } from './run-format';

const at = '2026-01-01T12:00:00.000Z';
const required: ApprovalEvent = {
  event: 'approval:required',
  payload: {
    approvalId: 'ap1',
    runId: 'r1',
    toolName: 'run_script',
    input: {},
    reason: 'run_script acts on the world (every call)',
    expiresAt: at,
  },
  timestamp: at,
};
const resolved = (status: 'approved' | 'rejected' | 'timed_out'): ApprovalEvent => ({
  event: 'approval:resolved',
  payload: { approvalId: 'ap1', runId: 'r1', status, decidedBy: status === 'timed_out' ? null : 'admin' },
  timestamp: at,
});

describe('run statuses', () => {
  it('does not count a run awaiting approval as finished', () => {
    expect(isFinished('awaiting_approval')).toBe(false);
    expect(isFinished('running')).toBe(false);
    expect(['completed', 'failed', 'refused'].every(isFinished)).toBe(true);
  });

  it('makes a run wait on a held call and go on after any decision, never touching a finished run', () => {
    expect(statusAfterApproval('running', required)).toBe('awaiting_approval');
    expect(statusAfterApproval('awaiting_approval', resolved('approved'))).toBe('running');
    expect(statusAfterApproval('awaiting_approval', resolved('timed_out'))).toBe('running');
    expect(statusAfterApproval('running', resolved('rejected'))).toBe('running');
    expect(statusAfterApproval('completed', required)).toBe('completed');
  });
});
