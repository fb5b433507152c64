import { escapeXml } from './svg.ts';

/** One colour per status across the whole site: green ok, amber rejected, red error, grey not decided. */
export const statusColors: Record<string, string> = {
  ok: '#2e7d32',
  passed: '#2e7d32',
  pass: '#2e7d32',
  rejected: '#b26a00',
  build_rejected: '#b26a00',
  fail: '#b26a00',
  error: '#c62828',
  flag: '#6a4fb3',
  declined: '#757575',
  skip: '#757575',
  not_verified: '#757575',
  not_run: '#757575',
  env_missing_pyarrow: '#757575',
};

export const flagNote =
  'A flag marks a check that found something worth a look (e.g. leak_suspected, weak_discrimination) without rejecting the task: flagged tasks are still released.';

export function badge(status: string): string {
  return `<span class="badge s-${escapeXml(status)}">${escapeXml(status)}</span>`;
}

export const siteCss = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}th button{all:unset;cursor:pointer}.chart{display:block;margin:8px 0}.chart text{font-size:11px;fill:#333}
.chart .chart-title{font-weight:600;font-size:13px}.chart .empty{fill:#999}.grid{display:flex;flex-wrap:wrap;gap:12px}
.badge{color:#fff;border-radius:3px;padding:0 5px;font-size:12px}.side{display:flex;gap:16px}.side>div{flex:1}
pre{white-space:pre-wrap;background:#f7f7f7;padding:8px;border:1px solid #eee}.note{color:#555;font-size:13px}
${Object.entries(statusColors)
  .map(([status, color]) => `.s-${status}{background:${color}}`)
  .join('\n')}`;

export function page(title: string, body: string, root: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>${siteCss}</style></head><body>
<nav><a href="${root}index.html">audit index</a></nav>
<h1>${escapeXml(title)}</h1>
${body}
${script ? `<script>${script}</script>` : ''}
</body></html>
`;
}

/** Sorting and filtering of the task table, inline so the site works from file:// with no server. */
export const tableScript = `(() => {
  const table = document.getElementById('tasks');
  const body = table.tBodies[0];
  const rows = [...body.rows];
  const status = document.getElementById('filter-status');
  const text = document.getElementById('filter-text');
  const count = document.getElementById('shown');
  const apply = () => {
    let shown = 0;
    for (const row of rows) {
      const ok = (!status.value || row.dataset.status === status.value) &&
        (!text.value || row.textContent.toLowerCase().includes(text.value.toLowerCase()));
      row.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown + ' of ' + rows.length + ' tasks shown';
  };
  status.addEventListener('change', apply);
  text.addEventListener('input', apply);
  [...table.tHead.rows[0].cells].forEach((cell, index) => {
    const button = cell.querySelector('button');
    if (!button) return;
    let ascending = true;
    button.addEventListener('click', () => {
      const key = (row) => row.cells[index].dataset.sort ?? row.cells[index].textContent;
      rows.sort((a, b) => {
        const x = key(a), y = key(b), nx = Number(x), ny = Number(y);
        const c = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
        return ascending ? c : -c;
      });
      ascending = !ascending;
      for (const row of rows) body.appendChild(row);
    });
  });
  apply();
})();`;
