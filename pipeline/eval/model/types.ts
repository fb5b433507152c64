import type { CallFailure } from '../../llm/retry.ts';
import type { ModelSettings } from '../../llm/sdk.ts';
import type { ToolProtocol } from '../tool.ts';
import type { ModelTurn, TranscriptMessage } from '../transcript.ts';

/** An agent-under-test provider: one tool-calling turn through the provider's official SDK. */
export interface AgentModelClient {
  readonly protocol: ToolProtocol;
  /** Where requests go, for error messages. */
  readonly endpoint: string;
  turn(
    messages: readonly TranscriptMessage[],
    tools: readonly unknown[],
    signal?: AbortSignal,
  ): Promise<ModelTurn>;
  classify(error: unknown): CallFailure;
}

/** An agent client is configured as a drafting provider is, less the batch and structured-output settings. */
export type AgentClientSettings = ModelSettings;
