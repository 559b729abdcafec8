import type { AgentGroupResponseDto } from '@loop-gateway/api-client';
import { describe, expect, it } from 'vitest';
import { agentGroup as group } from '../../testing/fixtures';
import type { AbstractControl } from '@angular/forms';
import { type GroupFormValue, groupFormValue, groupRequestBody, hostList } from './group-form';

const edit = (original: AgentGroupResponseDto, changes: Partial<GroupFormValue>) =>
  groupRequestBody({ ...groupFormValue(original), ...changes }, original);

describe('groupRequestBody', () => {
  it('leaves the API key out when it is kept', () => {
    const body = edit(group(), {});
    expect(body).not.toHaveProperty('apiKey');
    expect(body).toEqual({
      name: 'Support',
      systemPrompt: 'You help customers.',
      skills: ['web_browse', 'http_request'],
      trustedDestinations: ['api.example.com'],
      budgetMaxTokensDay: 10_000,
      budgetMaxTokensMonth: null,
      contextWindowTokens: null,
      channelStyles: { telegram: 'Short lines.' },
    });
  });

  it('sends a replaced key, trimmed', () => {
    expect(edit(group(), { apiKeyAction: 'replace', apiKey: '  sk-ant-new-key  ' }).apiKey).toBe('sk-ant-new-key');
  });

  it('sends null to remove the key, only when the group has one', () => {
    const removed = edit(group({ hasApiKey: true }), { apiKeyAction: 'remove' });
    expect(removed).toHaveProperty('apiKey', null);
    expect(edit(group({ hasApiKey: false }), { apiKeyAction: 'remove' })).not.toHaveProperty('apiKey');
  });

  it('ignores a typed key unless "replace" is chosen', () => {
    expect(edit(group(), { apiKeyAction: 'keep', apiKey: 'sk-ant-typed' })).not.toHaveProperty('apiKey');
  });

  it('maps empty fields to the defaults: null prompt, no caps, no styles', () => {
    const body = edit(group(), {
      systemPrompt: '   ',
      budgetDay: null,
      budgetMonth: null,
      styles: { telegram: ' ', whatsapp: '', email: '', mattermost: '' },
      skills: [],
    });
    expect(body).toMatchObject({
      systemPrompt: null,
      budgetMaxTokensDay: null,
      budgetMaxTokensMonth: null,
      contextWindowTokens: null,
      channelStyles: {},
      skills: [],
    });
  });

  it('sends the model only when it was changed; empty goes back to DEFAULT_MODEL', () => {
    expect(edit(group(), {})).not.toHaveProperty('model');
    expect(edit(group(), { model: ' claude-haiku-4-5 ' }).model).toBe('claude-haiku-4-5');
    expect(edit(group(), { model: '' })).toHaveProperty('model', null);
  });

  it('sends the chosen skills once each', () => {
    expect(edit(group(), { skills: ['web_browse', 'http_request', 'web_browse'] }).skills).toEqual([
      'web_browse',
      'http_request',
    ]);
  });

  it('sends trusted destinations as a list, and checks each entry', () => {
    expect(
      edit(group(), { trustedDestinations: 'api.example.com, hooks.example.com:8443\n*.corp.example' }),
    ).toHaveProperty('trustedDestinations', ['api.example.com', 'hooks.example.com:8443', '*.corp.example']);
    expect(edit(group(), { trustedDestinations: '' })).toHaveProperty('trustedDestinations', []);
    const check = (value: string) => hostList({ value } as AbstractControl<string>);
    expect(check('api.example.com, 127.0.0.1:8080 [::1]:9000 host:*')).toBeNull();
    expect(check('')).toBeNull();
    expect(check('https://api.example.com')).toEqual({ hosts: true });
  });

  it('sends isDefault only to make a group the default (never false)', () => {
    expect(edit(group(), { isDefault: true })).toHaveProperty('isDefault', true);
    expect(edit(group({ isDefault: true }), { isDefault: true })).not.toHaveProperty('isDefault');
    expect(edit(group(), { isDefault: false })).not.toHaveProperty('isDefault');
  });

  it('for a new group sends only what was filled in', () => {
    const body = groupRequestBody({
      ...groupFormValue(),
      name: ' Sales ',
      apiKeyAction: 'replace',
      apiKey: 'sk-ant-sales',
      budgetMonth: 1_000_000,
    });
    expect(body).toEqual({
      name: 'Sales',
      apiKey: 'sk-ant-sales',
      skills: [],
      trustedDestinations: [],
      budgetMaxTokensDay: null,
      budgetMaxTokensMonth: 1_000_000,
      contextWindowTokens: null,
      channelStyles: {},
    });
    expect(groupRequestBody({ ...groupFormValue(), name: 'X', apiKeyAction: 'remove' })).not.toHaveProperty('apiKey');
  });
});

describe('groupFormValue', () => {
  it('fills the form from a group, never with a key', () => {
    expect(groupFormValue(group())).toMatchObject({
      name: 'Support',
      apiKeyAction: 'keep',
      apiKey: '',
      skills: ['web_browse', 'http_request'],
      styles: { telegram: 'Short lines.', whatsapp: '', email: '', mattermost: '' },
    });
  });

  it('takes the group’s own context window, and sends an emptied one as null', () => {
    const value = groupFormValue(group({ contextWindowTokens: 60_000 }));
    expect(value.contextWindow).toBe(60_000);
    expect(groupRequestBody(value, group()).contextWindowTokens).toBe(60_000);
    expect(groupRequestBody({ ...value, contextWindow: null }, group()).contextWindowTokens).toBeNull();
  });
});
