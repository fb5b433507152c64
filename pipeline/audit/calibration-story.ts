import {
  type AuditCalibration,
  calibrationHint,
  calibrationOfDataset,
  calibrationText,
  readReleaseCalibration,
} from './calibration.ts';
import { textTable } from './terminal.ts';

/**
 * One dataset's calibration for `audit <dataset>`: its tasks' rows (JSON and text), or, when the
 * release has no calibration file, the one line saying how to make it.
 */
export async function datasetCalibration(
  splits: string,
  version: string | null | undefined,
  dataset: string,
): Promise<{ data: AuditCalibration | null; text: string; hint: string | null }> {
  const calibration = await readReleaseCalibration(splits, version);
  if (!calibration) return { data: null, text: '', hint: version ? calibrationHint(splits, version) : null };
  const own = calibrationOfDataset(calibration, dataset);
  return { data: own, text: `\n${calibrationText(own, textTable)}\n`, hint: null };
}
