/**
 * JSON with object keys in insertion order (Maps for column-keyed objects, since a plain
 * object would hoist integer-like column names such as "2019" to the front), indented with
 * 4 spaces like the published all_metadata.json files. Deterministic for equal inputs.
 */
export type OrderedJson =
  | string
  | number
  | boolean
  | null
  | readonly OrderedJson[]
  | ReadonlyMap<string, OrderedJson>
  | { readonly [key: string]: OrderedJson };

export function formatOrderedJson(value: OrderedJson): string {
  return `${render(value, '')}\n`;
}

function render(value: OrderedJson, indent: string): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to JSON`);
    return JSON.stringify(value);
  }
  const inner = `${indent}    `;
  if (isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + render(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries: [string, OrderedJson][] =
    value instanceof Map ? [...value.entries()] : Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner)}`).join(',\n')}\n${indent}}`;
}

function isArray(value: unknown): value is readonly OrderedJson[] {
  return Array.isArray(value);
}
