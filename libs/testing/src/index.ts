export * from './gateway-process.js';
export * from './claude/index.js';
export * from './mattermost/fake-mattermost.js';
export * from './mcp/mcp-servers.js';
export * from './zip.js';
