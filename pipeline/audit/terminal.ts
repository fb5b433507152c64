import { calibrationText } from './calibration.ts';
import type { AuditData } from './collect.ts';
import { formatNumber } from './svg.ts';

export function textTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    r
      .map((c, i) => String(c).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The audit as terminal tables. */
export function auditText(data: AuditData): string {
  const formats = data.verifiable_formats;
  const sections = [
    ...(formats && !formats.includes('parquet')
      ? [
          `Environment: the verifier could check ${formats.join(', ')} only (parquet needs pyarrow or fastparquet), so build drew no other format`,
          '',
        ]
      : []),
    `Funnel (${data.datasets} datasets)`,
    textTable(
      ['stage', 'ok', 'rejected', 'error'],
      data.funnel.map((f) => [f.stage, f.ok, f.rejected, f.error]),
    ),
    '',
    'Tasks per type',
    textTable(
      ['type', 'drafted', 'built', 'verified', 'released'],
      Object.entries(data.task_funnel).map(([t, c]) => [t, c.drafted, c.built, c.verified, c.released]),
    ),
    '',
    'Rejections and errors',
    data.reasons.length
      ? textTable(
          ['stage', 'status', 'reason', 'count', 'examples'],
          data.reasons.map((r) => [r.stage, r.status, r.reason, r.count, r.examples.join(', ')]),
        )
      : '(none)',
    '',
    'Tasks',
    data.tasks.length
      ? textTable(
          ['task', 'type', 'format', 'status', 'variant', 'check', 'reason', 'detail'],
          data.tasks.map((t) => [
            t.task,
            t.family,
            t.format ?? '-',
            t.status,
            t.variant ?? '-',
            t.check ?? '-',
            t.reason ?? '-',
            shorten(t.detail ?? ''),
          ]),
        )
      : '(no tasks yet)',
    '',
    ...(data.calibration ? [calibrationText(data.calibration, textTable), ''] : []),
    'Checks',
    data.checks.length
      ? textTable(
          ['check', 'type', 'pass', 'fail', 'flag', 'skip'],
          data.checks.map((c) => [c.check, c.family, c.pass, c.fail, c.flag, c.skip]),
        )
      : '(no verdicts yet)',
    '',
    'Durations',
    textTable(
      ['stage', 'datasets', 'total s', 'median ms', 'p95 ms'],
      data.durations.map((d) => [d.stage, d.datasets, d.total_ms / 1000, d.median_ms, d.p95_ms]),
    ),
    '',
    'LLM usage',
    data.llm.length
      ? textTable(
          ['provider', 'model', 'calls', 'cached', 'in', 'out', 'USD'],
          data.llm.map((l) => [
            l.provider,
            l.model,
            l.calls,
            l.cached,
            l.input_tokens,
            l.output_tokens,
            l.cost_usd,
          ]),
        )
      : '(no drafts yet)',
  ];
  return `${sections.join('\n')}\n`;
}

function shorten(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}
