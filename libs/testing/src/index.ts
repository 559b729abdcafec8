export * from './gateway-process.js';
export * from './claude/index.js';
export * from './mcp/mcp-servers.js';
