import type { TaskRow } from './exports.ts';

/** The JSON-LD context recommended by the Croissant 1.0 specification (appendix 1). */
const context = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  dct: 'http://purl.org/dc/terms/',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
};

const fieldTypes: Record<keyof TaskRow, string> = {
  id: 'sc:Text',
  task: 'sc:Text',
  split: 'sc:Text',
  variant: 'sc:Text',
  task_type: 'sc:Text',
  variant_kind: 'sc:Text',
  question: 'sc:Text',
  needed_files: 'sc:Text',
  license: 'sc:Text',
  open_license: 'sc:Boolean',
  last_updated: 'sc:Text',
  title: 'sc:Text',
};

export interface CroissantInput {
  name: string;
  version: string;
  description: string;
  url: string;
  datePublished: string;
  licenses: string[];
  /** Relative path -> sha256 and size, for every distributed file. */
  files: { path: string; sha256: string; bytes: number }[];
}

function mime(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.jsonl')) return 'application/jsonlines';
  if (path.endsWith('.csv')) return 'text/csv';
  if (path.endsWith('.parquet')) return 'application/x-parquet';
  if (path.endsWith('.sqlite')) return 'application/vnd.sqlite3';
  if (path.endsWith('.md')) return 'text/markdown';
  return 'text/plain';
}

/** croissant.json (MLCommons Croissant 1.0) describing the release and its task table. */
export function croissant(input: CroissantInput): Record<string, unknown> {
  const table = 'hf/tasks.parquet';
  return {
    '@context': context,
    '@type': 'sc:Dataset',
    conformsTo: 'http://mlcommons.org/croissant/1.0',
    name: input.name,
    description: input.description,
    version: input.version,
    url: input.url,
    datePublished: input.datePublished,
    license: input.licenses,
    creator: { '@type': 'sc:Organization', name: 'dare-forge' },
    keywords: ['data science', 'benchmark', 'LLM agents', 'tabular', 'time series', 'DARE-bench'],
    distribution: input.files.map((f) => ({
      '@type': 'cr:FileObject',
      '@id': f.path,
      name: f.path,
      contentUrl: f.path,
      contentSize: `${f.bytes} B`,
      encodingFormat: mime(f.path),
      sha256: f.sha256,
    })),
    recordSet: [
      {
        '@type': 'cr:RecordSet',
        '@id': 'tasks',
        name: 'tasks',
        description: 'One record per task variant (v1 and v2 of every task folder).',
        key: { '@id': 'tasks/id' },
        field: (Object.keys(fieldTypes) as (keyof TaskRow)[]).map((name) => ({
          '@type': 'cr:Field',
          '@id': `tasks/${name}`,
          name,
          dataType: fieldTypes[name],
          ...(name === 'needed_files' ? { repeated: true } : {}),
          source: { fileObject: { '@id': table }, extract: { column: name } },
        })),
      },
    ],
  };
}
