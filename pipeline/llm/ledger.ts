import type { LlmConfig } from '../config/sections/llm.ts';
import type { TokenUsage, UsageSummary, UsageTotals } from './types.ts';

export interface UsageRecord {
  request_hash: string;
  provider: string;
  model: string;
  template: string;
  stage: string | undefined;
  dataset: string | undefined;
  via: 'sync' | 'batch';
  /** True for a cache hit: no tokens spent, no cost. */
  cached: boolean;
  usage: TokenUsage;
  cost_usd: number;
}

/** Estimated cost from the configured price table; unknown models cost 0 (and say so once). */
export function estimateCost(
  prices: LlmConfig['prices'],
  model: string,
  usage: TokenUsage,
  factor = 1,
): number | undefined {
  const price = prices[model];
  if (!price) return undefined;
  const usd =
    (usage.input_tokens * price.input_usd_per_mtok + usage.output_tokens * price.output_usd_per_mtok) / 1e6;
  // Rounded so that sums and artifacts stay byte-stable across float noise.
  return Math.round(usd * factor * 1e8) / 1e8;
}

/** Every call of one client, sync or batch, cached or not; stages aggregate it per dataset. */
export class UsageLedger {
  readonly #records: UsageRecord[] = [];

  add(record: UsageRecord): void {
    this.#records.push(record);
  }

  records(): readonly UsageRecord[] {
    return this.#records;
  }

  summarize(filter: (record: UsageRecord) => boolean = () => true): UsageSummary {
    const summary: UsageSummary = { total: emptyTotals(), by_stage: {}, by_dataset: {} };
    for (const record of this.#records.filter(filter)) {
      addTo(summary.total, record);
      if (record.stage) addTo(bucket(summary.by_stage, record.stage), record);
      if (record.dataset) addTo(bucket(summary.by_dataset, record.dataset), record);
    }
    return summary;
  }
}

function bucket(groups: Record<string, UsageTotals>, key: string): UsageTotals {
  const existing = groups[key];
  if (existing) return existing;
  const created = emptyTotals();
  groups[key] = created;
  return created;
}

function emptyTotals(): UsageTotals {
  return { calls: 0, cached: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
}

function addTo(totals: UsageTotals, record: UsageRecord): void {
  totals.calls += 1;
  if (record.cached) totals.cached += 1;
  totals.input_tokens += record.usage.input_tokens;
  totals.output_tokens += record.usage.output_tokens;
  totals.cost_usd = Math.round((totals.cost_usd + record.cost_usd) * 1e8) / 1e8;
}
