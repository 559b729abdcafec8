export { LocalClaude } from './local-claude.js';
export { estimateInputTokens, estimateOutputTokens } from './protocol.js';
export type * from './types.js';
