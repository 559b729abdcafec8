import type { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { ApprovalRulesRepository } from './approval-rules.repository.js';
import { ApprovalRulesService, matches } from './approval-rules.service.js';
import type { ApprovalRule } from './entities/approval-rule.entity.js';
import type { ExfiltrationGuard } from './exfiltration-guard.js';

describe('auto-approve patterns', () => {
  const input = { method: 'POST', url: 'https://hooks.example.com/a/b', body: { n: 1 } };

  it('needs every named field to match its glob', () => {
    expect(matches({ method: 'POST', url: 'https://hooks.example.com/*' }, input)).toBe(true);
    expect(matches({ method: 'POST', url: 'https://hooks.example.org/*' }, input)).toBe(false);
    expect(matches({ method: 'GET' }, input)).toBe(false);
    expect(matches({ missing: '*' }, input)).toBe(false);
  });

  it('matches whole values, treats other characters literally and compares non-strings as JSON', () => {
    expect(matches({ url: 'https://hooks.example.com/' }, input)).toBe(false);
    expect(matches({ url: 'https://hooks?example.com/*' }, input)).toBe(false);
    expect(matches({ url: 'https://hooks.example.com/a/(b)' }, { url: 'https://hooks.example.com/a/(b)' })).toBe(true);
    expect(matches({ body: '{"n":1}' }, input)).toBe(true);
    expect(matches({ script: 'echo *' }, { script: 'echo hi\nrm -rf /' })).toBe(true);
    expect(matches({ method: '*' }, 'not an object')).toBe(false);
  });
});

describe('approval policy with the exfiltration guard', () => {
  const tool: Tool = {
    name: 'http_request',
    description: '',
    inputSchema: {},
    riskLevel: 'medium',
    acts: (input) => (input as { method?: string }).method === 'POST',
    actsWhen: 'methods other than GET and HEAD',
    execute: async () => ({ content: '' }),
  };
  const context = { conversationId: 'c1' } as ToolContext;
  const config = { approvalTimeoutMs: 900_000, approvalTimeoutAction: 'approve' } as AppConfig;

  function service(rule: ApprovalRule | null, hold: string | null): ApprovalRulesService {
    const rules = { find: async () => rule } as unknown as ApprovalRulesRepository;
    const guard = { holdReason: async () => hold } as unknown as ExfiltrationGuard;
    return new ApprovalRulesService(rules, {} as ToolRegistry, config, {} as Clock, guard);
  }

  it('keeps the defaults when the guard does not hold', async () => {
    expect(await service(null, null).policy(tool, { method: 'GET' }, context)).toMatchObject({
      required: false,
      reason: 'reading call',
    });
  });

  it('holds a reading call the guard holds, high risk, rejected on timeout', async () => {
    expect(await service(null, 'the run has read untrusted content (x)').policy(tool, {}, context)).toEqual({
      required: true,
      reason: 'the run has read untrusted content (x)',
      riskLevel: 'high',
      timeoutMs: 900_000,
      timeoutAction: 'reject',
    });
  });

  it('is not lifted by a rule that needs no approval or auto-approves, and names both reasons', async () => {
    const rule: ApprovalRule = {
      toolName: 'http_request',
      riskLevel: 'low',
      requireApproval: true,
      timeoutSeconds: 60,
      timeoutAction: 'approve',
      autoApprove: { url: '*' },
      updatedAt: new Date(),
    };
    expect(await service(rule, 'held (x)').policy(tool, { url: 'https://a.example/' }, context)).toMatchObject({
      required: true,
      reason: 'held (x)',
      timeoutMs: 60_000,
      timeoutAction: 'reject',
    });
    const always = { ...rule, autoApprove: {} };
    expect((await service(always, 'held (x)').policy(tool, { url: 'https://a.example/' }, context)).reason).toBe(
      'held (x); also the approval rule for http_request',
    );
    const never = { ...rule, requireApproval: false };
    expect((await service(never, 'held (x)').policy(tool, {}, context)).required).toBe(true);
  });
});
