import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InfraError } from '../../errors.ts';

/** The installed vega-datasets package: where its tables live and what its datapackage says. */
export interface VegaPackage {
  dir: string;
  dataDir: string;
  version: string;
  /** Column name -> Data Package field type (string, integer, number, date, ...) for a data file. */
  fieldTypes(file: string): ReadonlyMap<string, string>;
}

const packageJsonSchema = z.looseObject({ name: z.string(), version: z.string() });

const dataPackageSchema = z.looseObject({
  resources: z.array(
    z.looseObject({
      path: z.string(),
      schema: z
        .looseObject({ fields: z.array(z.looseObject({ name: z.string(), type: z.string().optional() })) })
        .optional(),
    }),
  ),
});

/**
 * The package folder. Its `exports` map hides `vega-datasets/package.json`, so resolve the
 * entry point and walk up to the folder whose package.json names the package.
 */
function packageDir(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('vega-datasets');
  } catch {
    throw new InfraError(
      'the npm package vega-datasets is not installed; run `npm ci` in the project folder',
    );
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = packageJsonSchema.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
    if (parsed.success && parsed.data.name === 'vega-datasets') return dir;
  }
  throw new InfraError(
    `cannot find the vega-datasets package folder above ${entry}; reinstall it with \`npm ci\``,
  );
}

export async function locateVegaDatasets(): Promise<VegaPackage> {
  const dir = packageDir();
  const manifest = packageJsonSchema.parse(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')));
  const dataPackagePath = join(dir, 'datapackage.json');
  const parsed = dataPackageSchema.safeParse(JSON.parse(await readFile(dataPackagePath, 'utf8')));
  if (!parsed.success) {
    throw new InfraError(
      `${dataPackagePath} does not look like a Data Package: ${parsed.error.issues[0]?.message}`,
    );
  }
  const types = new Map<string, Map<string, string>>();
  for (const resource of parsed.data.resources) {
    const fields = new Map<string, string>();
    for (const field of resource.schema?.fields ?? []) if (field.type) fields.set(field.name, field.type);
    types.set(resource.path, fields);
  }
  return {
    dir,
    dataDir: join(dir, 'data'),
    version: manifest.version,
    fieldTypes: (file) => types.get(file) ?? new Map(),
  };
}
