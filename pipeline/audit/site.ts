import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { VerifyChecksConfig } from '../config/sections/verify-checks.ts';
import type { Context } from '../context.ts';
import { asDatasetId } from '../ids.ts';
import type { Check } from '../stages/verify/schema.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import type { CalibratedTask } from './calibration.ts';
import type { AuditData } from './collect.ts';
import { auditHtml } from './html.ts';
import {
  calibrationCells,
  calibrationHeaders,
  calibrationIndex,
  difficultySection,
  taskCalibrationSection,
} from './site-calibration.ts';
import { badge, flagNote, page, tableScript } from './site-style.ts';
import { datasetStory } from './story.ts';
import { escapeXml as e, formatNumber, histogram } from './svg.ts';
import { type TaskRow, variantOfCheck } from './tasks.ts';

/** A file name for a page: ids come from hostile data, so anything but [A-Za-z0-9._-] becomes '_'. */
export function pageName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')}.html`;
}

const taskHref = (root: string, task: string) => `${root}tasks/${encodeURIComponent(pageName(task))}`;
const datasetHref = (root: string, id: string) => `${root}datasets/${encodeURIComponent(pageName(id))}`;

/** What a check must reach, from the verify thresholds; '' when it is exact (bytes, rows). */
export function thresholdOf(check: Check, checks: VerifyChecksConfig): string {
  switch (check.name) {
    case 'learnable':
      return `margin (strong - trivial) >= ${checks.learnable_margin}`;
    case 'leak':
      return `strong < ${checks.leak_score} (else flag leak_suspected)`;
    case 'discrimination':
      return `skip_range_filter must change the output; caught >= ${checks.min_deviations_caught} (else flag weak_discrimination)`;
    case 'determinism':
      return 'two runs write identical bytes';
    case 'range_filter':
      return 'mismatched_rows = 0';
    case 'prediction_shape':
      return 'rows = validation_rows, no missing values';
    default:
      return '';
  }
}

function figures(check: Check): string {
  return Object.entries(check.metrics)
    .map(([k, v]) => `${e(k)}=${e(formatNumber(v))}`)
    .join('<br>');
}

function taskTable(
  tasks: readonly TaskRow[],
  root: string,
  calibration: ReadonlyMap<string, CalibratedTask[]>,
): string {
  const statuses = [...new Set(tasks.map((t) => t.status))].sort();
  const score = (t: TaskRow, key: string) => {
    const v = t.scores[key];
    return v === undefined ? '<td data-sort=""></td>' : `<td data-sort="${v}">${e(formatNumber(v))}</td>`;
  };
  const header = [
    'task',
    'type',
    'format',
    'status',
    'variant',
    'check',
    'reason',
    'split',
    'strong',
    'trivial',
    ...(calibration.size ? calibrationHeaders : []),
  ];
  return `<p><label>status <select id="filter-status" aria-label="status"><option value="">all</option>${statuses
    .map((s) => `<option value="${e(s)}">${e(s)}</option>`)
    .join('')}</select></label>
<label>text <input id="filter-text" type="search" aria-label="filter text"></label> <span id="shown"></span></p>
<table id="tasks"><thead><tr>${header.map((h) => `<th><button type="button">${h}</button></th>`).join('')}</tr></thead><tbody>
${tasks
  .map(
    (t) =>
      `<tr data-status="${e(t.status)}"><td><a href="${taskHref(root, t.task)}">${e(t.task)}</a></td><td>${e(t.family)}</td><td>${e(t.format ?? '')}</td><td data-sort="${e(t.status)}">${badge(t.status)}</td><td>${e(t.variant ?? '')}</td><td>${e(t.check ?? '')}</td><td>${e(t.reason ?? '')}</td><td>${e(t.split ?? '')}</td>${score(t, 'learnable.strong')}${score(t, 'learnable.trivial')}${calibration.size ? calibrationCells(calibration.get(t.task)) : ''}</tr>`,
  )
  .join('\n')}
</tbody></table>`;
}

async function readText(path: string, limit = 4000): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).slice(0, limit);
  } catch {
    return null;
  }
}

async function readObject(path: string): Promise<Record<string, unknown> | null> {
  const text = await readText(path, Number.POSITIVE_INFINITY);
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const designKeys = [
  'target',
  'selected_features',
  'related_features',
  'expected_ranges',
  'model_type',
  'random_state',
  'imputer_type',
  'time_column',
  'entity_columns',
  'save_file_type',
];

async function taskPage(
  ctx: Context,
  task: TaskRow,
  checks: VerifyChecksConfig,
  site: string,
  calibration: string,
): Promise<string> {
  const dir = join(ctx.paths.processed, task.dataset, 'tasks', task.task);
  const entry = await readObject(join(dir, 'question_entry.json'));
  const meta = await readObject(join(dir, 'verify', 'all_metadata.json'));
  const question = (meta?.question ?? {}) as Record<string, unknown>;
  const design = designKeys
    .filter((k) => question[k] !== undefined)
    .map((k) => `<tr><th>${e(k)}</th><td>${e(JSON.stringify(question[k]))}</td></tr>`)
    .join('');
  const preview = task.format ? await readText(join(dir, 'source', `train_v1.${task.format}`), 2000) : null;
  const previewText =
    preview && /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(preview)
      ? preview.split('\n').slice(0, 11).join('\n')
      : null;
  const checkRows = task.checks
    .map(
      (c) =>
        `<tr><td>${e(c.name)}</td><td>${badge(c.status)}</td><td>${e(variantOfCheck(c.name))}</td><td>${figures(c)}</td><td>${e(thresholdOf(c, checks))}</td><td>${e(c.detail)}</td></tr>`,
    )
    .join('');
  const artifactLinks = ['question_entry.json', 'verify/all_metadata.json', 'verify/ground_truth.csv']
    .map(
      (name) =>
        `<li><a href="${e(relative(site, join(dir, name)).split('\\').join('/'))}">${e(name)}</a></li>`,
    )
    .join('');
  const failing = task.check
    ? `<p><strong>${task.status === 'passed' ? 'Flagged' : 'Failing'} check:</strong> ${e(task.check)}${task.variant ? ` (${e(task.variant)})` : ''}; reason <strong>${e(task.reason ?? '')}</strong>: ${e(task.detail ?? '')}</p>`
    : task.reason
      ? `<p><strong>Reason:</strong> ${e(task.reason)}: ${e(task.detail ?? '')}</p>`
      : '';
  const body = `<p>${badge(task.status)} ${e(task.family)} task of dataset <a href="${datasetHref('../', task.dataset)}">${e(task.dataset)}</a>, decided at ${e(task.stage)}${task.split ? `; released to ${e(task.split)}` : ''}.</p>
${failing}
${task.flags.length ? `<p>Flags: ${task.flags.map(e).join(', ')}. <span class="note">${e(flagNote)}</span></p>` : ''}
<h2>Checks</h2>${task.checks.length ? `<table aria-label="checks"><thead><tr><th>check</th><th>status</th><th>variant</th><th>figure</th><th>threshold</th><th>detail</th></tr></thead><tbody>${checkRows}</tbody></table><p class="note">${e(flagNote)}</p>` : '<p>No verdict (not verified).</p>'}
${calibration}
<h2>Questions</h2><div class="side"><div><h3>v1 (instruction following)</h3><pre>${e(String(entry?.question_v1 ?? '(none)'))}</pre></div><div><h3>v2 (modelling)</h3><pre>${e(String(entry?.question_v2 ?? '(none)'))}</pre></div></div>
<h2>Design</h2>${design ? `<table>${design}</table>` : '<p>(no all_metadata.json)</p>'}
<h2>Data preview</h2>${previewText ? `<pre>${e(previewText)}</pre>` : `<p>(no text preview${task.format ? ` for ${e(task.format)}` : ''})</p>`}
<h2>Artifacts</h2><ul>${artifactLinks}</ul>`;
  return page(`Task ${task.task}`, body, '../');
}

async function datasetPage(
  ctx: Context,
  id: string,
  tasks: readonly TaskRow[],
  site: string,
): Promise<string> {
  const story = await datasetStory(ctx, asDatasetId(id));
  const stageRows = story.stages
    .map(({ stage, record }) => {
      if (!record && stage === 'release') {
        const released = story.release?.tasks ?? [];
        return `<tr><td>release</td><td>${badge(released.length ? 'ok' : 'not_run')}</td><td></td><td></td><td>${e(released.map((t) => `${t.task} (${t.split})`).join(', ') || 'not released')}</td></tr>`;
      }
      if (!record)
        return `<tr><td>${e(stage)}</td><td>${badge('not_run')}</td><td></td><td></td><td></td></tr>`;
      const o = record.outcome;
      return `<tr><td>${e(stage)}</td><td>${badge(o.status)}</td><td>${o.status === 'ok' ? '' : e(o.reason)}</td><td>${record.duration_ms} ms</td><td>${e(o.detail ?? '')}</td></tr>`;
    })
    .join('');
  const artifacts = story.artifacts
    .slice(0, 200)
    .map(
      (a) =>
        `<li><a href="${e(
          relative(site, join(ctx.paths.processed, '..', a.path))
            .split('\\')
            .join('/'),
        )}">${e(a.path)}</a> (${a.bytes} bytes)</li>`,
    )
    .join('');
  const body = `<h2>Stages</h2><table aria-label="stages"><thead><tr><th>stage</th><th>outcome</th><th>reason</th><th>time</th><th>detail</th></tr></thead><tbody>${stageRows}</tbody></table>
<h2>Tasks</h2><ul>${tasks.map((t) => `<li><a href="${taskHref('../', t.task)}">${e(t.task)}</a> ${badge(t.status)} ${e(t.reason ?? '')}</li>`).join('')}</ul>
<h2>Artifacts</h2><ul>${artifacts}</ul>`;
  return page(`Dataset ${id}`, body, '../');
}

/**
 * The audit as a small static site: `indexPath` (funnel, charts, sortable and filterable task
 * table), `datasets/<id>.html` and `tasks/<task>.html` beside it. No server, no network.
 */
export async function writeSite(
  ctx: Context,
  data: AuditData,
  indexPath: string,
  title: string,
  checks: VerifyChecksConfig,
): Promise<void> {
  const site = dirname(indexPath);
  const thresholds: Record<string, { value: number; label: string }> = {
    'learnable.margin': { value: checks.learnable_margin, label: `reject below ${checks.learnable_margin}` },
    'leak.strong': { value: checks.leak_score, label: `flag at ${checks.leak_score}` },
    'discrimination.caught': {
      value: checks.min_deviations_caught,
      label: `flag below ${checks.min_deviations_caught}`,
    },
  };
  const charts = Object.keys(thresholds)
    .concat(['learnable.strong', 'learnable.trivial'])
    .map((key) =>
      histogram(
        key,
        data.tasks.flatMap((t) => (t.scores[key] === undefined ? [] : [t.scores[key]])),
        10,
        thresholds[key],
      ),
    );
  const datasets = [...new Set(data.tasks.map((t) => t.dataset))].sort();
  const calibrated = calibrationIndex(data.calibration);
  const extra = `<h2>Tasks</h2><p class="note">Every task: click a name for its checks, questions, design and data. ${e(flagNote)}</p>
${taskTable(data.tasks, '', calibrated)}
${difficultySection(data.calibration)}
<h2>Task scores</h2><div class="grid">${charts.join('')}</div>
<h2>Datasets</h2><ul>${datasets.map((d) => `<li><a href="${datasetHref('', d)}">${e(d)}</a></li>`).join('')}</ul>`;
  const index = auditHtml(data, title).replace(
    '</body></html>',
    `${extra}\n<script>${tableScript}</script>\n</body></html>`,
  );
  for (const task of data.tasks)
    await writeFileAtomic(
      join(site, 'tasks', pageName(task.task)),
      await taskPage(
        ctx,
        task,
        checks,
        join(site, 'tasks'),
        taskCalibrationSection(calibrated.get(task.task), data.calibration),
      ),
    );
  for (const id of datasets)
    await writeFileAtomic(
      join(site, 'datasets', pageName(id)),
      await datasetPage(
        ctx,
        id,
        data.tasks.filter((t) => t.dataset === id),
        join(site, 'datasets'),
      ),
    );
  await writeFileAtomic(indexPath, index);
}
