export type { CachedLlmClient } from './client.ts';
export { createLlmClient, type LlmClientOptions } from './create.ts';
export { LlmCallError, LlmInvalidResponse } from './errors.ts';
export type { UsageRecord } from './ledger.ts';
export type * from './types.ts';
