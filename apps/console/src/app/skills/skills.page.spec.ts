import { describe, expect, it } from 'vitest';
import { draftBody, type SkillDraft } from './skills.page';

const DRAFT: SkillDraft = {
  name: ' my-tool ',
  description: 'Does something useful',
  version: '1.0.0',
  riskLevel: 'high',
  timeoutMs: '2000',
  fetchHosts: 'api.example.com, hooks.example.com:8443',
  inputSchema: '{"type":"object","properties":{"query":{"type":"string"}}}',
  handler: 'module.exports = async () => 1;',
};

describe('draftBody', () => {
  it('turns the form into the install body', () => {
    expect(draftBody(DRAFT)).toEqual({
      manifest: {
        name: 'my-tool',
        description: 'Does something useful',
        version: '1.0.0',
        inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
        riskLevel: 'high',
        timeoutMs: 2000,
        permissions: { fetch: ['api.example.com', 'hooks.example.com:8443'] },
      },
      handler: 'module.exports = async () => 1;',
    });
  });

  it('leaves out an empty time limit and fetch list, and refuses a schema that is not JSON', () => {
    const body = draftBody({ ...DRAFT, timeoutMs: ' ', fetchHosts: '' });
    expect(typeof body === 'object' && body.manifest).not.toHaveProperty('timeoutMs');
    expect(typeof body === 'object' && body.manifest).not.toHaveProperty('permissions');
    expect(draftBody({ ...DRAFT, inputSchema: '{type: object}' })).toBe('The input schema is not valid JSON.');
  });
});
