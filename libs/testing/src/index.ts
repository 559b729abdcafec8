export * from './gateway-process.js';
export * from './claude/index.js';
