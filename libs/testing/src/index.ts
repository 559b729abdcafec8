export * from './gateway-process.js';
