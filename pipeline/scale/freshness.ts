import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import type { StageDefinition } from '../runner.ts';
import { stageCodeVersion } from '../store/code-version.ts';
import type { StatusRecord } from '../store/outcome.ts';
import { readStatus } from '../store/status.ts';
import { hashValue } from '../util/hash.ts';

async function allExist(ctx: Context, artifacts: readonly string[]): Promise<boolean> {
  for (const artifact of artifacts) {
    try {
      await stat(resolve(ctx.paths.processed, artifact));
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The runner's skip rule, asked without running anything: the status whose inputs hash and
 * code version still match, whose outcome is not an error and whose artifacts exist; else undefined.
 */
export async function freshStatus(
  ctx: Context,
  definition: StageDefinition,
  id: DatasetId,
): Promise<StatusRecord | undefined> {
  const previous = await readStatus(ctx.paths, definition.stage, id);
  if (!previous || previous.outcome.status === 'error') return undefined;
  if (previous.code_version !== (await stageCodeVersion(definition))) return undefined;
  let inputsHash: string;
  try {
    inputsHash = hashValue(await definition.inputs(ctx, id));
  } catch {
    return undefined;
  }
  if (previous.inputs_hash !== inputsHash) return undefined;
  return (await allExist(ctx, previous.artifacts)) ? previous : undefined;
}
