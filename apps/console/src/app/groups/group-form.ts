import type { AbstractControl, ValidationErrors } from '@angular/forms';
import type { AgentGroupCreateDtoWritable, AgentGroupResponseDto, ChannelStylesDto } from '@loop-gateway/api-client';

/** The create/update body the gateway accepts (`apiKey` is write-only: a new key, or null to remove it). */
export type GroupRequestBody = AgentGroupCreateDtoWritable;

/** What happens to the group's own API key on save. */
export type ApiKeyAction = 'keep' | 'replace' | 'remove';

export const CHANNEL_STYLE_KEYS = ['telegram', 'whatsapp', 'email', 'mattermost'] as const;
export type ChannelStyleKey = (typeof CHANNEL_STYLE_KEYS)[number];

/** The form as the operator fills it in. */
export interface GroupFormValue {
  name: string;
  model: string;
  systemPrompt: string;
  apiKeyAction: ApiKeyAction;
  apiKey: string;
  /** Skill names chosen from the gateway's skills; empty: every enabled skill. */
  skills: string[];
  /** Hosts (host, host:port, *.domain), separated by commas, spaces or new lines. */
  trustedDestinations: string;
  budgetDay: number | null;
  budgetMonth: number | null;
  /** The model's context window in tokens; empty: the built-in table or CONTEXT_WINDOW_TOKENS. */
  contextWindow: number | null;
  styles: Record<ChannelStyleKey, string>;
  isDefault: boolean;
}

/** Roughly the gateway's rule for a host entry: host, host:port, host:*, *.domain, [IPv6]:port. */
const HOST_ENTRY =
  /^(?:(?:\*\.)?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::(?:\d{1,5}|\*))?$|^[0-9a-f:]+:[0-9a-f:]*$/i;

/** Validates a list of host entries separated by commas, spaces or new lines (`hosts` error). */
export function hostList(control: AbstractControl<string>): ValidationErrors | null {
  return list(control.value).every((entry) => HOST_ENTRY.test(entry)) ? null : { hosts: true };
}

/** Same rule as the gateway: a model id such as claude-sonnet-4-6. */
export const MODEL_ID_PATTERN = /^[\w.:-]{1,100}$/;

/** The form for a new group, or filled in from an existing one (the key itself is never known). */
export function groupFormValue(group?: AgentGroupResponseDto): GroupFormValue {
  return {
    name: group?.name ?? '',
    model: group?.model ?? '',
    systemPrompt: group?.systemPrompt ?? '',
    apiKeyAction: 'keep',
    apiKey: '',
    skills: [...(group?.skills ?? [])],
    trustedDestinations: group?.trustedDestinations.join(', ') ?? '',
    budgetDay: group?.budgetMaxTokensDay ?? null,
    budgetMonth: group?.budgetMaxTokensMonth ?? null,
    contextWindow: group?.contextWindowTokens ?? null,
    styles: {
      telegram: group?.channelStyles.telegram ?? '',
      whatsapp: group?.channelStyles.whatsapp ?? '',
      email: group?.channelStyles.email ?? '',
      mattermost: group?.channelStyles.mattermost ?? '',
    },
    isDefault: group?.isDefault ?? false,
  };
}

/**
 * The request body for POST (no `original`) or PUT /api/agent-groups/:id. Empty fields mean "the
 * default": no own prompt, DEFAULT_MODEL, no cap. The API key is only sent when it is replaced or
 * removed; the model only when it was changed (the gateway reports DEFAULT_MODEL for a group without
 * one, and sending that back would pin it).
 */
export function groupRequestBody(value: GroupFormValue, original?: AgentGroupResponseDto): GroupRequestBody {
  const systemPrompt = value.systemPrompt.trim() || null;
  const model = value.model.trim();
  const body: GroupRequestBody = {
    name: value.name.trim(),
    skills: [...new Set(value.skills)],
    trustedDestinations: list(value.trustedDestinations),
    budgetMaxTokensDay: value.budgetDay ?? null,
    budgetMaxTokensMonth: value.budgetMonth ?? null,
    contextWindowTokens: value.contextWindow ?? null,
    channelStyles: channelStyles(value.styles),
  };
  if (original) {
    body.systemPrompt = systemPrompt;
    if (model !== original.model) body.model = model || null;
    if (value.isDefault && !original.isDefault) body.isDefault = true;
  } else {
    if (systemPrompt) body.systemPrompt = systemPrompt;
    if (model) body.model = model;
    if (value.isDefault) body.isDefault = true;
  }
  if (value.apiKeyAction === 'replace') body.apiKey = value.apiKey.trim();
  else if (value.apiKeyAction === 'remove' && original?.hasApiKey) body.apiKey = null;
  return body;
}

/** Entries separated by commas, spaces or new lines, without duplicates. */
function list(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

function channelStyles(styles: Record<ChannelStyleKey, string>): ChannelStylesDto {
  const result: ChannelStylesDto = {};
  for (const key of CHANNEL_STYLE_KEYS) {
    const text = styles[key].trim();
    if (text) result[key] = text;
  }
  return result;
}
