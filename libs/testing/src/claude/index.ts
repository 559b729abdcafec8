export { LocalClaude } from './local-claude.js';
export { estimateInputTokens, estimateOutputTokens, systemText } from './protocol.js';
export type * from './types.js';
