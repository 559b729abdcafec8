import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyCreateDto, ApiKeyCreatedResponseDto, ApiKeyResponseDto } from './dto/api-key.dto.js';
import type { ApiKey } from './entities/api-key.entity.js';
import type { AuthContext } from './session.service.js';
import { API_KEY_PREFIX, hashToken, newApiKeyToken, sameHash } from './session-token.js';

const TOKEN_HINT_LENGTH = API_KEY_PREFIX.length + 4;
/** last_used_at/ip are written at most this often per key (and when the address changes). */
const TOUCH_INTERVAL_MS = 60_000;

/** API keys: created by an operator, shown once, stored as SHA-256, checked on every request. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  async create(body: ApiKeyCreateDto, auth: AuthContext): Promise<ApiKeyCreatedResponseDto> {
    const now = this.clock.now();
    const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw new BadRequestException('expiresAt must be in the future');
    }
    const token = newApiKeyToken();
    const key: ApiKey = {
      id: randomUUID(),
      name: body.name.trim() || body.name,
      tokenHash: hashToken(token),
      tokenHint: token.slice(0, TOKEN_HINT_LENGTH),
      scope: body.scope ?? 'full',
      rateLimitPerMinute: body.rateLimitPerMinute ?? null,
      userId: auth.userId,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      lastUsedIp: null,
    };
    await this.keys.insert(key);
    return { ...toResponse(key), key: token };
  }

  async list(): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.list()).map(toResponse);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.keys.delete(id))) throw new NotFoundException(`API key ${id} not found`);
  }

  /** The caller behind an API key, or null when it is unknown, deleted or expired. */
  async authenticate(token: string, ip: string): Promise<AuthContext | null> {
    if (!token.startsWith(API_KEY_PREFIX) || token.length > 100) return null;
    const hash = hashToken(token);
    const key = await this.keys.findByTokenHash(hash);
    if (!key?.user || !sameHash(key.tokenHash, hash)) return null;
    const now = this.clock.now();
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return null;
    const stale = !key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS;
    const address = ip.slice(0, 64);
    if (stale || key.lastUsedIp !== address) await this.keys.touch(key.id, now, address);
    return {
      sessionId: null,
      apiKey: { id: key.id, scope: key.scope, rateLimitPerMinute: key.rateLimitPerMinute },
      userId: key.user.id,
      username: key.user.username,
      role: key.user.role,
    };
  }
}

function toResponse(key: ApiKey): ApiKeyResponseDto {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    tokenHint: key.tokenHint,
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp,
  };
}
