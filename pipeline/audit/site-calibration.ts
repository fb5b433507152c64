import {
  type AuditCalibration,
  type CalibratedTask,
  type CalibrationFlag,
  calibrationFlagNotes,
  calibrationFlags,
} from './calibration.ts';
import { escapeXml as e, formatNumber, histogram } from './svg.ts';

/** The flags explained, as one note (only those that occur, all when `flags` is omitted). */
export function calibrationNote(
  flags: readonly CalibrationFlag[] = ['unsolved_by_all', 'trivial', 'shortcut'],
): string {
  if (flags.length === 0) return '';
  return `<p class="note calibration-note">Solve rate: share of runs (every model and repeat, with the data) scoring at or above the paper's validity threshold. ${flags
    .map((flag) => `<strong>${flag}</strong>: ${e(calibrationFlagNotes[flag])}.`)
    .join(' ')}</p>`;
}

/** The index's difficulty section: solve rate histogram over [0, 1] and the flag counts. */
export function difficultySection(calibration: AuditCalibration | null | undefined): string {
  if (!calibration)
    return '<h2>Difficulty</h2><p class="note">No calibration for this release yet (run <code>dare-forge calibrate</code>).</p>';
  const rates = calibration.tasks.flatMap((t) => (t.solve_rate === null ? [] : [t.solve_rate]));
  const { counts } = calibration;
  return `<h2>Difficulty</h2><p>Calibration of release ${e(calibration.version)} over ${calibration.models.length} model(s) (${calibration.models.map(e).join(', ')}): ${counts.tasks} task variant(s), ${counts.unsolved_by_all} unsolved_by_all, ${counts.trivial} trivial, ${counts.shortcut} shortcut.</p>
<div class="grid" id="difficulty">${histogram('solve rate', rates, 10, undefined, [0, 1])}</div>
${calibrationNote()}`;
}

/** Task id -> its calibrated variants. */
export function calibrationIndex(
  calibration: AuditCalibration | null | undefined,
): Map<string, CalibratedTask[]> {
  const index = new Map<string, CalibratedTask[]>();
  for (const task of calibration?.tasks ?? []) index.set(task.task, [...(index.get(task.task) ?? []), task]);
  return index;
}

export const calibrationHeaders = ['solve v1', 'solve v2', 'mean v1', 'mean v2', 'calibration flags'];

const cell = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '<td data-sort=""></td>'
    : `<td data-sort="${value}">${e(formatNumber(value))}</td>`;

/** The task table's calibration cells, in `calibrationHeaders` order (sortable numbers, filterable flags). */
export function calibrationCells(variants: readonly CalibratedTask[] | undefined): string {
  const of = (variant: 'v1' | 'v2') => variants?.find((t) => t.variant === variant);
  const flags = [
    ...new Set((variants ?? []).flatMap((t) => calibrationFlags(t).map((f) => `${f} (${t.variant})`))),
  ];
  return `${cell(of('v1')?.solve_rate)}${cell(of('v2')?.solve_rate)}${cell(of('v1')?.mean_score)}${cell(of('v2')?.mean_score)}<td>${e(flags.join(', '))}</td>`;
}

/** A task page's calibration: per variant the figures, each model's runs, and the flags explained. */
export function taskCalibrationSection(
  variants: readonly CalibratedTask[] | undefined,
  calibration: AuditCalibration | null | undefined,
): string {
  if (!calibration) return '';
  if (!variants?.length)
    return `<h2>Calibration</h2><p>Not calibrated in release ${e(calibration.version)} (not in its eval split).</p>`;
  const rows = variants
    .map((t) => {
      const models = Object.entries(t.models)
        .map(
          ([model, m]) =>
            `${e(model)}: ${m.solved}/${m.runs} solved, mean ${m.mean_score === null ? '-' : e(formatNumber(m.mean_score))}`,
        )
        .join('<br>');
      const figure = (v: number | null) => (v === null ? '-' : e(formatNumber(v)));
      return `<tr><td>${e(t.variant)}</td><td>${e(t.column)}</td><td>${figure(t.threshold)}</td><td>${figure(t.solve_rate)}</td><td>${figure(t.mean_score)}</td><td>${t.runs}</td><td>${t.no_data_solved}/${t.no_data_runs}</td><td>${models}</td><td>${e(calibrationFlags(t).join(', '))}</td></tr>`;
    })
    .join('');
  const flags = [...new Set(variants.flatMap(calibrationFlags))];
  return `<h2>Calibration</h2><table aria-label="calibration"><thead><tr><th>variant</th><th>column</th><th>threshold</th><th>solve rate</th><th>mean score</th><th>runs</th><th>solved without data</th><th>models</th><th>flags</th></tr></thead><tbody>${rows}</tbody></table>
${calibrationNote(flags.length ? flags : [])}`;
}
