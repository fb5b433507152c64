import { z } from 'zod';
import { configSchema } from './schema.ts';

/** The JSON Schema of the YAML config (input side: every key optional), for editor support. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
