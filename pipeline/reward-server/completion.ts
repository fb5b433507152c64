/**
 * How a query carries a prediction, the same rule as verifiers/exports/dare_score.py prediction_from:
 * the last fenced block tagged csv (```csv ... ```), else the whole text when its first line
 * is a CSV header (has a comma); anything else (empty, prose) is no prediction (reward 0).
 * So a query may be the raw prediction.csv text an agent saved, or a model's whole answer.
 */
export function predictionFrom(query: string): string | null {
  const fence = /```csv[ \t]*\r?\n([\s\S]*?)```/g;
  let last: string | null = null;
  for (let match = fence.exec(query); match !== null; match = fence.exec(query)) last = match[1] ?? '';
  if (last !== null) return last;
  const stripped = query.trim();
  if (stripped === '' || !(stripped.split(/\r?\n/, 1)[0] ?? '').includes(',')) return null;
  return `${stripped}\n`;
}

/** Lines in a text, counted without splitting it (a hostile body may hold millions). */
export function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}
