import { compareCodeUnits } from '../util/order.ts';
import type { AuditData } from './collect.ts';
import { statusColors } from './site-style.ts';
import { escapeXml, formatNumber, histogram, stackedBars } from './svg.ts';

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number) => `<td>${escapeXml(typeof c === 'number' ? formatNumber(c) : c)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const chartedScores =
  /^(learnable\.(strong|trivial|margin)|leak\.strong|ts_baselines\.(naive|seasonal_naive)_r2|discrimination\.caught)$/;

/** One self-contained HTML file: inline CSS and SVG, no scripts, no network. */
export function auditHtml(data: AuditData, title: string): string {
  const funnel = stackedBars(
    'Datasets per stage',
    ['ok', 'rejected', 'error'],
    data.funnel.map((f) => ({ label: f.stage, values: [f.ok, f.rejected, f.error] })),
    [statusColors.ok!, statusColors.rejected!, statusColors.error!],
  );
  const taskFunnel = stackedBars(
    'Tasks per type: drafted, built, verified, released',
    ['drafted', 'built', 'verified', 'released'],
    Object.entries(data.task_funnel).flatMap(([type, c]) => [
      { label: `${type} drafted`, values: [c.drafted, 0, 0, 0] },
      { label: `${type} built`, values: [0, c.built, 0, 0] },
      { label: `${type} verified`, values: [0, 0, c.verified, 0] },
      { label: `${type} released`, values: [0, 0, 0, c.released] },
    ]),
  );
  const reasons = stackedBars(
    'Rejections and errors by reason',
    ['count'],
    data.reasons.map((r) => ({ label: `${r.stage}: ${r.reason}`, values: [r.count] })),
  );
  const durations = stackedBars(
    'Time per stage (seconds, all datasets)',
    ['seconds'],
    data.durations.map((d) => ({ label: d.stage, values: [Math.round(d.total_ms) / 1000] })),
  );
  // Baseline scores and discrimination, not every per-target or row-count metric (those stay in --json).
  const scoreCharts = Object.entries(data.scores)
    .filter(([name]) => chartedScores.test(name))
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([name, values]) => histogram(name, values));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}.chart{display:block;margin:8px 0}.chart text{font-size:12px;fill:#333}
.chart .chart-title{font-weight:600;font-size:13px}.chart .empty{fill:#999}.grid{display:flex;flex-wrap:wrap;gap:12px}
</style></head><body>
<h1>${escapeXml(title)}</h1>
<p>${data.datasets} dataset(s)${data.release ? `; newest release ${escapeXml(data.release.version)}: ${data.release.train} train, ${data.release.eval} eval tasks` : ''}.</p>
<h2>Funnel</h2>${funnel}${taskFunnel}
${table(
  ['stage', 'ok', 'rejected', 'error'],
  data.funnel.map((f) => [f.stage, f.ok, f.rejected, f.error]),
)}
<h2>Reasons</h2>${reasons}
${table(
  ['stage', 'status', 'reason', 'count', 'examples'],
  data.reasons.map((r) => [r.stage, r.status, r.reason, r.count, r.examples.join(', ')]),
)}
<h2>Checks</h2>
${table(
  ['check', 'task type', 'pass', 'fail', 'flag', 'skip'],
  data.checks.map((c) => [c.check, c.family, c.pass, c.fail, c.flag, c.skip]),
)}
<h2>Scores</h2><div class="grid">${scoreCharts.join('') || histogram('scores', [])}</div>
<h2>Durations</h2>${durations}
${table(
  ['stage', 'datasets', 'total s', 'median ms', 'p95 ms'],
  data.durations.map((d) => [d.stage, d.datasets, d.total_ms / 1000, d.median_ms, d.p95_ms]),
)}
<h2>LLM usage</h2>
${table(
  ['provider', 'model', 'calls', 'cached', 'tokens in', 'tokens out', 'cost USD'],
  data.llm.map((l) => [l.provider, l.model, l.calls, l.cached, l.input_tokens, l.output_tokens, l.cost_usd]),
)}
</body></html>
`;
}
