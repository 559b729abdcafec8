import type { ApprovalEvent } from './run-format';
import { describe, expect, it } from 'vitest';
import { isFinished, originLabel, statusAfterApproval } from './run-format';

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
const resolved = (status: 'approved' | 'rejected' | 'timed_out' | 'withdrawn'): ApprovalEvent => ({
  event: 'approval:resolved',
  payload: {
    approvalId: 'ap1',
    runId: 'r1',
    status,
    decidedBy: status === 'approved' || status === 'rejected' ? 'admin' : null,
  },
  timestamp: at,
});

describe('run statuses', () => {
  it('does not count a waiting run as finished, and counts a cancelled one', () => {
    expect(isFinished('waiting')).toBe(false);
    expect(isFinished('running')).toBe(false);
    expect(['completed', 'failed', 'refused', 'cancelled'].every(isFinished)).toBe(true);
  });

  it('makes a run wait on a held call and go on after any decision, never touching a finished run', () => {
    expect(statusAfterApproval('running', required)).toBe('waiting');
    expect(statusAfterApproval('waiting', resolved('approved'))).toBe('running');
    expect(statusAfterApproval('waiting', resolved('timed_out'))).toBe('running');
    expect(statusAfterApproval('waiting', resolved('withdrawn'))).toBe('waiting'); // its run's cancel says the rest
    expect(statusAfterApproval('running', resolved('rejected'))).toBe('running');
    expect(statusAfterApproval('completed', required)).toBe('completed');
  });
});

describe('originLabel', () => {
  it('names a sub-agent’s role and the run that spawned it', () => {
    expect(originLabel({ kind: 'a2a', ref: 'agent-1', role: 'coder', parentRunId: '1a2b3c4d-5e6f' })).toBe(
      'Coder sub-agent of run 1a2b3c4d',
    );
    expect(originLabel({ kind: 'a2a' })).toBe('Agent (A2A)');
    expect(originLabel({ kind: 'channel', channelType: 'telegram' })).toBe('Telegram');
  });
});
