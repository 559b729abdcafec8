import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { withCacheControl } from '../prompt-cache.js';
import { ModelCallError, ModelProvider, type ModelRequest, type ModelResponse } from './model-provider.js';

type AnthropicSdk = typeof import('@anthropic-ai/sdk');

/**
 * Claude through the official SDK: streaming, one client per API key, the SDK's retries with
 * exponential backoff (honouring retry-after) on 429, 529 and connection errors, a timeout per call.
 * The SDK loads once the gateway listens (`warmUp`), not during start (start time): loading it with
 * the first call instead would stall the event loop for a few hundred ms just as runs start coming.
 */
@Injectable()
export class AnthropicProvider extends ModelProvider {
  private readonly clients = new Map<string, Anthropic>();
  private sdk: Promise<AnthropicSdk> | null = null;

  constructor(private readonly config: AppConfig) {
    super();
  }

  override async warmUp(): Promise<void> {
    await this.loadSdk().catch(() => undefined); // a failure shows at the first call
  }

  private loadSdk(): Promise<AnthropicSdk> {
    return (this.sdk ??= import('@anthropic-ai/sdk'));
  }

  async call(
    request: ModelRequest,
    options: { onText?: (delta: string) => void; signal?: AbortSignal } = {},
  ): Promise<ModelResponse> {
    if (!request.apiKey) {
      throw new ModelCallError('No Anthropic API key: set ANTHROPIC_API_KEY or give the agent group its own key', null);
    }
    const prompt =
      request.promptCache === false
        ? {
            system: request.system ? [{ type: 'text' as const, text: request.system }] : [],
            tools: request.tools,
            messages: request.messages,
          }
        : withCacheControl(request.system, request.tools, request.messages);
    const { default: Sdk } = await this.loadSdk();
    const stream = this.client(Sdk, request.apiKey).messages.stream(
      {
        model: request.model,
        ...(prompt.system.length > 0 ? { system: prompt.system } : {}),
        max_tokens: request.maxTokens,
        messages: prompt.messages as Anthropic.MessageParam[],
        ...(prompt.tools.length > 0 ? { tools: prompt.tools as Anthropic.Tool[] } : {}),
      },
      { signal: options.signal },
    );
    if (options.onText) stream.on('text', options.onText);
    try {
      const message = await stream.finalMessage();
      return {
        content: message.content
          .filter((block) => block.type === 'text' || block.type === 'tool_use')
          .map((block) =>
            block.type === 'text'
              ? { type: 'text' as const, text: block.text }
              : { type: 'tool_use' as const, id: block.id, name: block.name, input: block.input },
          ),
        stopReason: message.stop_reason ?? 'end_turn',
        usage: {
          inputTokens: message.usage.input_tokens,
          outputTokens: message.usage.output_tokens,
          cacheCreationTokens: message.usage.cache_creation_input_tokens ?? 0,
          cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        },
      };
    } catch (error) {
      if (error instanceof Sdk.APIError) {
        throw new ModelCallError(
          `Model call failed (${error.status ?? 'no status'}): ${describe(error)}`,
          error.status ?? null,
        );
      }
      throw error;
    }
  }

  private client(Sdk: AnthropicSdk['default'], apiKey: string): Anthropic {
    let client = this.clients.get(apiKey);
    if (!client) {
      client = new Sdk({
        apiKey,
        baseURL: this.config.anthropicBaseUrl,
        maxRetries: this.config.modelMaxRetries,
        timeout: this.config.modelTimeoutMs,
      });
      this.clients.set(apiKey, client);
    }
    return client;
  }
}

function describe(error: InstanceType<typeof Anthropic.APIError>): string {
  const body = error.error as { error?: { message?: string } } | undefined;
  return body?.error?.message ?? error.message;
}
