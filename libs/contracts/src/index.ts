export * from './events.js';
export * from './ws.js';
