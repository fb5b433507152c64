/** Small, dependency-free SVG charts, so the HTML report opens with no network. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const palette = ['#3b6ea5', '#e07b39', '#5a9e5a', '#c44e52', '#8172b2', '#937860', '#da8bc3', '#8c8c8c'];

export interface Bar {
  label: string;
  values: number[];
}

/**
 * Horizontal bars, one row per label, `series` segments stacked in each row. An empty input
 * draws a visible "no data" note rather than an empty box.
 */
export function stackedBars(
  title: string,
  series: string[],
  bars: readonly Bar[],
  colors: readonly string[] = palette,
): string {
  const rowHeight = 22;
  const labelWidth = 240;
  const chartWidth = 460;
  const top = 28;
  const legendHeight = series.length > 1 ? 22 : 0;
  const height = top + Math.max(1, bars.length) * rowHeight + legendHeight + 10;
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const parts = [`<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`];
  if (bars.length === 0) parts.push(`<text x="0" y="${top + 14}" class="empty">no data yet</text>`);
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    parts.push(`<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    let x = labelWidth;
    bar.values.forEach((value, s) => {
      const w = (value / max) * chartWidth;
      if (w > 0) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${colors[s % colors.length]}"><title>${escapeXml(`${bar.label} ${series[s] ?? ''}: ${value}`)}</title></rect>`,
        );
      }
      x += w;
    });
    const total = bar.values.reduce((a, v) => a + v, 0);
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 14}" class="value">${formatNumber(total)}</text>`);
  });
  if (series.length > 1) {
    const y = top + Math.max(1, bars.length) * rowHeight + 12;
    series.forEach((name, s) => {
      const x = labelWidth + s * 110;
      parts.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${colors[s % colors.length]}"/>`);
      parts.push(`<text x="${x + 14}" y="${y}">${escapeXml(name)}</text>`);
    });
  }
  return svg(labelWidth + chartWidth + 60, height, parts);
}

/**
 * A histogram of values in [min, max] with `bins` equal bins: a count axis on the left, the value
 * axis below, each bar's count on top, and an optional dashed threshold line with its label.
 * `range` fixes the value axis (e.g. [0, 1] for rates) instead of the values' min and max.
 */
export function histogram(
  title: string,
  values: readonly number[],
  bins = 10,
  threshold?: { value: number; label: string },
  range?: readonly [number, number],
): string {
  const width = 380;
  const height = 190;
  const top = 28;
  const parts = [`<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`];
  if (values.length === 0) {
    parts.push(`<text x="0" y="${top + 14}" class="empty">no data yet</text>`);
    return svg(width, height, parts);
  }
  const lo = range?.[0] ?? Math.min(...values, threshold?.value ?? Number.POSITIVE_INFINITY);
  const hi = range?.[1] ?? Math.max(...values, threshold?.value ?? Number.NEGATIVE_INFINITY);
  const span = hi - lo || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / span) * bins))]! += 1;
  const peak = Math.max(...counts);
  const left = 34;
  const plotHeight = height - top - 40;
  const plotWidth = width - left - 10;
  const barWidth = plotWidth / bins;
  const base = top + plotHeight;
  parts.push(`<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${base}" stroke="#555"/>`);
  parts.push(
    `<line class="axis" x1="${left}" y1="${base}" x2="${left + plotWidth}" y2="${base}" stroke="#555"/>`,
  );
  parts.push(`<text x="${left - 4}" y="${top + 10}" text-anchor="end">${peak}</text>`);
  parts.push(`<text x="${left - 4}" y="${base}" text-anchor="end">0</text>`);
  parts.push(
    `<text x="10" y="${top + plotHeight / 2}" transform="rotate(-90 10 ${top + plotHeight / 2})" text-anchor="middle">tasks</text>`,
  );
  counts.forEach((count, i) => {
    const h = (count / peak) * plotHeight;
    const x = left + i * barWidth;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${palette[0]}"><title>${count} in [${formatNumber(lo + (i * span) / bins)}, ${formatNumber(lo + ((i + 1) * span) / bins)})</title></rect>`,
    );
    if (count > 0)
      parts.push(
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(base - h - 2).toFixed(1)}" text-anchor="middle" class="count">${count}</text>`,
      );
  });
  parts.push(`<text x="${left}" y="${base + 14}">${formatNumber(lo)}</text>`);
  parts.push(`<text x="${left + plotWidth}" y="${base + 14}" text-anchor="end">${formatNumber(hi)}</text>`);
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(title)} (n=${values.length})</text>`,
  );
  if (threshold) {
    const x = left + ((threshold.value - lo) / span) * plotWidth;
    parts.push(
      `<line class="threshold" x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${base}" stroke="#c44e52" stroke-dasharray="4 3"/>`,
      `<text x="${(x + 3).toFixed(1)}" y="${top + 22}" fill="#c44e52">${escapeXml(threshold.label)}</text>`,
    );
  }
  return svg(width, height, parts);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(3);
}
