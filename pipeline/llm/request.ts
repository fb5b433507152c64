import { hashValue } from '../util/hash.ts';
import { providerSchema } from './schema.ts';
import type { ChatMessage, CompleteRequest, UsageLabels } from './types.ts';

export type ProviderName = 'openai' | 'anthropic';

/** A request with everything a provider needs, and the hash that names its cached answer. */
export interface PreparedRequest {
  hash: string;
  provider: ProviderName;
  model: string;
  template: string;
  templateVersion: string;
  schemaName: string;
  messages: ChatMessage[];
  jsonSchema: Record<string, unknown>;
  strict: boolean;
  labels: UsageLabels;
}

const schemaNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

export function prepareRequest(
  provider: ProviderName,
  model: string,
  request: CompleteRequest<unknown>,
): PreparedRequest {
  if (!schemaNamePattern.test(request.schemaName)) {
    throw new Error(`schemaName ${JSON.stringify(request.schemaName)} must be 1-64 letters, digits, _ or -`);
  }
  const schema = providerSchema(request.schema);
  const messages = request.messages.map(({ role, content }) => ({ role, content }));
  const hash = hashValue({
    provider,
    model,
    template: request.template,
    template_version: request.templateVersion,
    schema_name: request.schemaName,
    schema: schema.json,
    messages,
  });
  return {
    hash,
    provider,
    model,
    template: request.template,
    templateVersion: request.templateVersion,
    schemaName: request.schemaName,
    messages,
    jsonSchema: schema.json,
    strict: schema.strict,
    labels: request.labels ?? {},
  };
}
