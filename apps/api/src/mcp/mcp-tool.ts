import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { createHash } from 'node:crypto';
import type { RiskLevel, Tool, ToolContext, ToolResult } from '../tools/tool.js';
import { imageExtension, type ScreenshotStore } from '../tools/web-browse/screenshot-store.js';

/** `<server>__<tool>`: the name the agent, group allowlists and approval rules use. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}__${tool}`;
}

/**
 * A tool of an MCP server as a Tool in the registry. Calls pass the executor like every tool; a call
 * acts (needs approval by default) unless the server marks the tool `readOnlyHint`. What the server
 * returns is outside content, so it reaches the model marked untrusted.
 */
export class McpTool implements Tool {
  readonly name: string;
  /** The server it comes from (listed as source `mcp` by /api/skills). */
  readonly mcpServer: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly riskLevel: RiskLevel;
  readonly version: string | undefined;
  readonly revision: string;
  readonly readOnly: boolean;
  readonly acts?: (input: unknown) => boolean;
  readonly actsWhen?: string;

  constructor(
    readonly serverName: string,
    readonly definition: McpToolDefinition,
    private readonly client: () => Client | null,
    private readonly screenshots: ScreenshotStore,
    serverVersion: string | undefined,
  ) {
    this.name = mcpToolName(serverName, definition.name);
    this.mcpServer = serverName;
    const title = definition.annotations?.title ?? definition.title;
    this.description =
      [title, definition.description].filter(Boolean).join(': ') || `${definition.name} (MCP server ${serverName})`;
    this.inputSchema = definition.inputSchema as Record<string, unknown>;
    this.readOnly = definition.annotations?.readOnlyHint === true;
    this.riskLevel = this.readOnly ? 'low' : definition.annotations?.destructiveHint === false ? 'medium' : 'high';
    this.version = serverVersion;
    this.revision = createHash('sha256')
      .update(JSON.stringify([serverName, serverVersion ?? null, definition]))
      .digest('hex')
      .slice(0, 16);
    if (!this.readOnly) {
      this.acts = () => true;
      this.actsWhen = 'every call (the MCP server does not mark the tool read-only)';
    }
  }

  async execute(input: unknown, context: Pick<ToolContext, 'signal'>): Promise<ToolResult> {
    const client = this.client();
    if (!client) {
      return { content: `The MCP server "${this.serverName}" is not connected right now.`, isError: true };
    }
    const args = typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {};
    const result = await client.callTool(
      { name: this.definition.name, arguments: args as Record<string, unknown> },
      undefined,
      { signal: context.signal, timeout: 10 * 60_000 },
    );
    const parts: string[] = [];
    for (const item of (result.content ?? []) as McpContent[]) parts.push(await this.present(item));
    if (parts.length === 0 && result.structuredContent !== undefined)
      parts.push(JSON.stringify(result.structuredContent));
    return { content: parts.join('\n\n') || '(no content)', isError: result.isError === true, untrusted: true };
  }

  /** One content block as text: images go to the screenshot store (the operator sees them), resources as text. */
  private async present(item: McpContent): Promise<string> {
    switch (item.type) {
      case 'text':
        return item.text;
      case 'image': {
        const bytes = Buffer.from(item.data, 'base64');
        const extension = imageExtension(item.mimeType);
        if (extension) {
          const id = await this.screenshots.save(bytes, extension);
          return `[image: ${item.mimeType}, saved as ${id} (the operator can see it in the console)]`;
        }
        return `[image: ${item.mimeType}, ${bytes.length} bytes, not shown]`;
      }
      case 'audio':
        return `[audio: ${item.mimeType}, not shown]`;
      case 'resource': {
        const { resource } = item;
        if (typeof resource.text === 'string') return `Resource ${resource.uri}:\n${resource.text}`;
        return `[resource ${resource.uri}: ${resource.mimeType ?? 'binary'}, not shown]`;
      }
      case 'resource_link':
        return `Resource link: ${item.uri}${item.name ? ` (${item.name})` : ''}`;
      default:
        return `[${String((item as { type: unknown }).type)} content, not shown]`;
    }
  }
}

type McpContent =
  | { type: 'text'; text: string }
  | { type: 'image'; data: string; mimeType: string }
  | { type: 'audio'; data: string; mimeType: string }
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; blob?: string } }
  | { type: 'resource_link'; uri: string; name?: string };
