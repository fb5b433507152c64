import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChecksSection } from '../../pipeline/config/sections/verify-checks.ts';
import type { TaskVerdict } from '../../pipeline/stages/verify/schema.ts';
import type { TabularVerification } from '../../pipeline/stages/verify/tabular.ts';
import { verifyTask } from '../../pipeline/stages/verify/task.ts';
import { databases } from '../verifiers/fixtures.ts';
import { taskOptions, usePool } from './support.ts';

const pool = usePool();

// Both families, csv and sqlite, seeded models (other_random_state replays the reference
// run's transform) and seedless ones, an MLP among them.
const fixtures = [
  'hemajitpatel_superheros-abilities-dataset_class',
  'amldvvs_avocado-ripeness-classification-dataset_class',
  'ahmetarifsari_izmir-water_reg',
  'carlmcbrideellis_data-anscombes-quartet_reg',
];

const plans = {
  separate: verifyChecksSection.parse({ share_runs: false }),
  shared: verifyChecksSection.parse({ one_job: false }),
  single: verifyChecksSection.parse({}),
  early: verifyChecksSection.parse({ early_stop: true }),
};

async function verifyAll(): Promise<Record<string, Record<keyof typeof plans, TabularVerification>>> {
  const out: Record<string, Record<string, TabularVerification>> = {};
  await Promise.all(
    fixtures.flatMap((name) =>
      Object.entries(plans).map(async ([plan, checks]) => {
        const options = { ...taskOptions(pool()), checks };
        const result = await verifyTask(join(databases, name), name, options);
        out[name] = { ...out[name], [plan]: result };
      }),
    ),
  );
  return out as Record<string, Record<keyof typeof plans, TabularVerification>>;
}

const check = (verdict: TaskVerdict, name: string) => verdict.checks.find((c) => c.name === name);

describe('verify plans give the same verdicts', () => {
  it('the shared plan and its one-job form equal the separate one byte for byte at fewer jobs and fits (provably unchanged deviations not fitted); early stop keeps statuses, reasons, flags and every figure it records', async () => {
    const results = await verifyAll();
    for (const name of fixtures) {
      const { separate, shared, single, early } = results[name]!;
      // Every check ran (the comparison covers them all): izmir-water is rejected leak_exact today.
      expect(
        separate.verdict.checks.map((c) => c.name),
        name,
      ).toEqual(['determinism', 'prediction_shape', 'range_filter', 'discrimination', 'learnable', 'leak']);
      expect(JSON.stringify(shared.verdict), name).toBe(JSON.stringify(separate.verdict));
      expect(shared.predictions?.equals(separate.predictions!), name).toBe(true);
      expect(shared.cost!.jobs, name).toBe(separate.cost!.jobs - 2);
      // One fit fewer for the shared reference run, more where a deviation provably changes nothing.
      expect(shared.cost!.fits, name).toBeLessThanOrEqual(separate.cost!.fits - 1);
      // One job holding the shared plan's two: the same verdict bytes, predictions and fits.
      expect(JSON.stringify(single.verdict), name).toBe(JSON.stringify(separate.verdict));
      expect(single.predictions?.equals(separate.predictions!), name).toBe(true);
      expect(single.cost, name).toEqual({ jobs: 1, fits: shared.cost!.fits });

      expect([early.verdict.status, early.verdict.reasons, early.verdict.flags], name).toEqual([
        separate.verdict.status,
        separate.verdict.reasons,
        separate.verdict.flags,
      ]);
      const others = (v: TaskVerdict) => v.checks.filter((c) => c.name !== 'discrimination');
      expect(others(early.verdict), name).toEqual(others(separate.verdict));
      const full = check(separate.verdict, 'discrimination')!;
      const stopped = check(early.verdict, 'discrimination')!;
      expect(stopped.status, name).toBe(full.status);
      for (const [metric, value] of Object.entries(stopped.metrics)) {
        if (metric.startsWith('changed_')) expect(value, `${name} ${metric}`).toBe(full.metrics[metric]);
      }
      const notRun = stopped.metrics.not_run ?? 0;
      expect(early.cost!.fits, name).toBe(shared.cost!.fits - notRun);
      if (notRun > 0) {
        expect(stopped.metrics.caught, name).toBe(plans.early.min_deviations_caught);
        expect(stopped.detail, name).toMatch(/not run \(3 caught already\): /);
        expect(stopped.metrics.changed_skip_range_filter, name).toBe(full.metrics.changed_skip_range_filter);
      } else expect(stopped, name).toEqual(full);
    }
    const unfitted = fixtures.reduce(
      (sum, n) => sum + results[n]!.separate.cost!.fits - 1 - results[n]!.shared.cost!.fits,
      0,
    );
    expect(unfitted, 'a deviation recorded as unchanged without a fit on some fixture').toBeGreaterThan(0);
    const skipped = fixtures.reduce(
      (sum, n) => sum + (check(results[n]!.early.verdict, 'discrimination')!.metrics.not_run ?? 0),
      0,
    );
    expect(skipped, 'early stop skipped a deviation on some fixture').toBeGreaterThan(0);
  }, 600_000);
});
