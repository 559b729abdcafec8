import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { withCacheControl } from '../prompt-cache.js';
import { MessagesClient } from './messages-client.js';
import { ModelCallError, ModelProvider, type ModelRequest, type ModelResponse } from './model-provider.js';

/**
 * Claude through the Messages API, streamed (messages-client.ts): retries with exponential backoff
 * (honouring retry-after) on 429, 529 and connection errors, a timeout per attempt, cancellation
 * with the run. The key goes with each request; it never appears in errors or logs.
 */
@Injectable()
export class AnthropicProvider extends ModelProvider {
  private readonly client: MessagesClient;

  constructor(config: AppConfig) {
    super();
    this.client = new MessagesClient({
      baseUrl: config.anthropicBaseUrl,
      maxRetries: config.modelMaxRetries,
      timeoutMs: config.modelTimeoutMs,
    });
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
    const body = JSON.stringify({
      model: request.model,
      ...(prompt.system.length > 0 ? { system: prompt.system } : {}),
      max_tokens: request.maxTokens,
      messages: prompt.messages,
      ...(prompt.tools.length > 0 ? { tools: prompt.tools } : {}),
      stream: true,
    });
    const message = await this.client.stream(request.apiKey, body, options);
    const content: ModelResponse['content'] = [];
    for (const block of message.content) {
      if (block.type === 'text') content.push({ type: 'text', text: block.text as string });
      else if (block.type === 'tool_use') {
        content.push({ type: 'tool_use', id: block.id as string, name: block.name as string, input: block.input });
      }
    }
    return {
      content,
      stopReason: message.stop_reason ?? 'end_turn',
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheCreationTokens: message.usage.cache_creation_input_tokens ?? 0,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
      },
    };
  }
}
