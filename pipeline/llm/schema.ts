import { z } from 'zod';

export interface ProviderSchema {
  /** JSON Schema of what the model must write, without the $schema marker providers do not want. */
  json: Record<string, unknown>;
  /** True when OpenAI strict mode accepts it: every object closed, every property required. */
  strict: boolean;
}

/**
 * The model writes the schema's input side (its answer is parsed, defaults and transforms
 * applied afterwards). Objects are closed: extra keys would be stripped anyway, and closed
 * objects are what strict structured output needs.
 */
export function providerSchema(schema: z.ZodType): ProviderSchema {
  const { $schema: _marker, ...json } = closeObjects(
    z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }),
  ) as Record<string, unknown>;
  return { json, strict: isStrictCompatible(json) };
}

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, closeObjects(value)]));
  if (out.type === 'object' && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function isStrictCompatible(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(isStrictCompatible);
  if (node === null || typeof node !== 'object') return true;
  const record = node as Record<string, unknown>;
  const properties = record.properties;
  if (properties !== null && typeof properties === 'object') {
    const keys = Object.keys(properties);
    const required = Array.isArray(record.required) ? record.required : [];
    if (record.additionalProperties !== false) return false;
    if (!keys.every((key) => required.includes(key))) return false;
  }
  return Object.values(record).every(isStrictCompatible);
}
