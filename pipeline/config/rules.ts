import type { Config } from './schema.ts';

/** Rules that span several keys; they warn where a value is legal but probably a mistake. */
export function crossFieldWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.run.concurrency > 2 * Math.max(1, config.profile.threads) * 8) {
    warnings.push(`run.concurrency: ${config.run.concurrency} is far above this machine's likely core count`);
  }
  return warnings;
}
