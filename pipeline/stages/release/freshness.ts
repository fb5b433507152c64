import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { portableConfig } from '../../config/paths.ts';
import type { Context } from '../../context.ts';
import type { ReleaseTask } from '../../release/collect.ts';
import type { Manifest } from '../../release/manifest.ts';
import type { ExcludedTask } from '../../release/processed.ts';
import { type CodeSpec, stageCodeVersion } from '../../store/code-version.ts';
import { pathExists } from '../../util/fs.ts';
import { hashValue, sha256File } from '../../util/hash.ts';
import { REFERENCE_PREDICTIONS, taskFileHashes } from '../verify/inputs.ts';

/** The modules and packages that write a release's bytes. */
export const releaseCode: CodeSpec = {
  modules: [new URL('./index.ts', import.meta.url).href],
  // release/rows.ts reads sqlite tasks with sql.js for the exports.
  packages: ['@duckdb/node-api', 'sql.js'],
};

/** A task folder's files as released (reference predictions included): verdict-less corpora. */
async function folderDigest(dir: string): Promise<string> {
  const predictions = join(dir, REFERENCE_PREDICTIONS);
  return hashValue({
    files: await taskFileHashes(dir),
    predictions: (await pathExists(predictions)) ? await sha256File(predictions) : null,
  });
}

/**
 * Everything a release is made from: its version, the config (machine paths aside, as in the
 * manifest's config_hash), the license table, the release code, and per task its entry,
 * verdict and folder contents. Verified folders use the digest their verdict recorded (release
 * only ships them while it still matches); others are hashed here.
 */
export async function releaseInputsHash(
  ctx: Context,
  version: string,
  tasks: readonly ReleaseTask[],
  excluded: readonly ExcludedTask[],
): Promise<string> {
  const config = portableConfig(ctx.config);
  const licenseTable = resolve(ctx.cwd, ctx.config.release.license_table);
  const described = [];
  for (const { dir, ...task } of tasks) {
    described.push({ ...task, folder: task.verdict?.folder_sha256 ?? (await folderDigest(dir)) });
  }
  return hashValue({
    version,
    config,
    license_table: (await pathExists(licenseTable)) ? await sha256File(licenseTable) : null,
    code: await stageCodeVersion({ stage: 'release', code: releaseCode }),
    tasks: described,
    excluded,
  });
}

/** The release folder on disk: its manifest (if readable) and whether every file it lists exists. */
export async function existingRelease(
  dir: string,
): Promise<{ manifest: Manifest | undefined; complete: boolean } | undefined> {
  if (!(await pathExists(dir))) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return { manifest: undefined, complete: false };
  }
  for (const path of Object.keys(manifest.files ?? {})) {
    try {
      await stat(join(dir, path));
    } catch {
      return { manifest, complete: false };
    }
  }
  return { manifest, complete: true };
}
