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

/** A histogram of values in [min, max] with `bins` equal bins. */
export function histogram(title: string, values: readonly number[], bins = 10): string {
  const width = 360;
  const height = 160;
  const top = 28;
  const parts = [`<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`];
  if (values.length === 0) {
    parts.push(`<text x="0" y="${top + 14}" class="empty">no data yet</text>`);
    return svg(width, height, parts);
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / span) * bins))]! += 1;
  const peak = Math.max(...counts);
  const plotHeight = height - top - 24;
  const barWidth = (width - 20) / bins;
  counts.forEach((count, i) => {
    const h = (count / peak) * plotHeight;
    parts.push(
      `<rect x="${(10 + i * barWidth).toFixed(1)}" y="${(top + plotHeight - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${palette[0]}"><title>${count}</title></rect>`,
    );
  });
  parts.push(`<text x="10" y="${height - 6}">${formatNumber(lo)}</text>`);
  parts.push(`<text x="${width - 10}" y="${height - 6}" text-anchor="end">${formatNumber(hi)}</text>`);
  parts.push(`<text x="${width / 2}" y="${height - 6}" text-anchor="middle">n=${values.length}</text>`);
  return svg(width, height, parts);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(3);
}
