import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';

export const licenseClasses = ['permissive', 'share_alike', 'non_commercial', 'unknown'] as const;
export type LicenseClass = (typeof licenseClasses)[number];

const licenseTableSchema = z.strictObject({
  licenses: z.array(
    z.strictObject({
      id: z.string().min(1),
      class: z.enum(licenseClasses),
      names: z.array(z.string()).min(1),
    }),
  ),
});

export interface NormalisedLicense {
  /** SPDX-style id (CC0-1.0, CC-BY-SA-4.0, ...), or `unknown`. */
  id: string;
  class: LicenseClass;
  /** The text it was read from. */
  source: string;
}

/** Kaggle writes one license many ways; compare on letters and digits only. */
function key(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export class LicenseTable {
  readonly #byKey = new Map<string, { id: string; class: LicenseClass }>();

  constructor(entries: z.infer<typeof licenseTableSchema>['licenses']) {
    for (const entry of entries) {
      this.#byKey.set(key(entry.id), { id: entry.id, class: entry.class });
      for (const name of entry.names) this.#byKey.set(key(name), { id: entry.id, class: entry.class });
    }
  }

  normalise(name: string | null | undefined): NormalisedLicense {
    const source = name ?? '';
    const found = this.#byKey.get(key(source));
    return found ? { ...found, source } : { id: 'unknown', class: 'unknown', source };
  }

  /**
   * A dataset's license from its metadata ids (preferred: stable) or its list item's display
   * name: the first one with a known class wins, so "other" never hides a real license.
   */
  forDataset(metadataIds: readonly string[], displayName: string | undefined): NormalisedLicense {
    const candidates = [...metadataIds, displayName].filter((c): c is string => c !== undefined);
    const normalised = candidates.map((c) => this.normalise(c));
    return normalised.find((l) => l.class !== 'unknown') ?? normalised[0] ?? this.normalise('unknown');
  }
}

export async function loadLicenseTable(path: string): Promise<LicenseTable> {
  let raw: unknown;
  try {
    raw = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UserError(
      `license table ${path}: ${(error as Error).message}. Set release.license_table to a valid YAML file`,
    );
  }
  const parsed = licenseTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`license table ${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return new LicenseTable(parsed.data.licenses);
}
