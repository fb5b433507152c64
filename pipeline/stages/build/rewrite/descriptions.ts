import type { KaggleMetadata } from '../../../sources/shapes.ts';

const placeholder = '[no description]';

/**
 * Natural descriptions of the named columns, from the main file's column list in the Kaggle
 * metadata, else from the "Columns & descriptions" section the crawler appends to the
 * description (`name: text` lines). Columns without a usable description are left out.
 */
export function columnDescriptions(
  metadata: KaggleMetadata,
  mainTable: string,
  names: readonly string[],
): Map<string, string> {
  const found = new Map<string, string>();
  const file = (metadata.info.data ?? []).find(
    (f) => f.name === mainTable || mainTable.endsWith(`/${f.name}`),
  );
  for (const column of file?.columns ?? []) {
    const text = column.description?.trim();
    if (text && text !== placeholder && names.includes(column.name)) found.set(column.name, oneLine(text));
  }
  const section = crawledSection(metadata.info.description ?? '');
  for (const name of names) {
    if (found.has(name)) continue;
    const line = section.find((l) => l.startsWith(`${name}:`));
    const text = line?.slice(name.length + 1).trim();
    if (text && text !== placeholder) found.set(name, oneLine(text));
  }
  return found;
}

function crawledSection(description: string): string[] {
  const marker = '=== Columns & descriptions ===';
  const start = description.indexOf(marker);
  if (start === -1) return [];
  const rest = description.slice(start + marker.length);
  const end = rest.indexOf('\n===');
  return (end === -1 ? rest : rest.slice(0, end)).split('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
