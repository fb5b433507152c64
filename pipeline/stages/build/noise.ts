import type { Random } from './random.ts';
import { type ExpectedRange, inRange } from './ranges.ts';
import type { Cell } from './table.ts';

/**
 * A value that breaks `range` while looking like the column's data: a number a little
 * beyond the observed interval (same storage kind), or a near-miss of a real category.
 * Only this value distinguishes a noise row from the real row it was copied from, so a
 * solver has to apply the stated ranges to drop it.
 */
export function breakingValue(range: ExpectedRange, random: Random): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = candidateValue(range, random, attempt);
    if (!inRange(range, candidate)) return candidate;
  }
  throw new Error('no out-of-range value found');
}

function candidateValue(range: ExpectedRange, random: Random, attempt: number): string {
  if (range.kind === 'interval')
    return beyond(range.min, range.max, range.storage === 'integer', random, attempt);
  if (range.storage !== 'text') {
    const numbers = range.values.map(Number);
    return beyond(Math.min(...numbers), Math.max(...numbers), range.storage === 'integer', random, attempt);
  }
  const base = random.pick(range.values);
  const variants = [
    () => `${base} ${random.pick(['other', 'unknown', 'misc', 'n/a'])}`,
    () => (base.toUpperCase() !== base ? base.toUpperCase() : `${base}_${random.int(2, 99)}`),
    () => `${base}${random.int(2, 9)}`,
    () => randomWord(random, Math.max(3, Math.min(12, base.length))),
  ];
  const variant = random.pick(variants)();
  return attempt > 40 ? `${variant}#${attempt}` : variant;
}

function beyond(min: number, max: number, integer: boolean, random: Random, attempt: number): string {
  const span = max - min > 0 ? max - min : Math.max(Math.abs(max), 1);
  const offset = span * (0.05 + 0.45 * random.float()) * (1 + attempt);
  const above = random.float() < 0.6;
  if (integer) {
    const step = Math.max(1, Math.ceil(offset));
    return String(above ? max + step : min - step);
  }
  const raw = above ? max + offset : min - offset;
  const decimals = span >= 10 ? 2 : span >= 1 ? 3 : 6;
  return String(Number(raw.toFixed(decimals)));
}

function randomWord(random: Random, length: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let word = '';
  for (let i = 0; i < length; i++) word += letters[random.int(0, letters.length - 1)];
  return word;
}

export interface NoiseOptions {
  /** Indices (into the row) of the ranged features, with their ranges. */
  ranged: readonly { index: number; range: ExpectedRange }[];
  noiseCount: number;
  maxBrokenColumns: number;
}

/** Noise rows: copies of real rows with one or two ranged values pushed out of range. */
export function makeNoiseRows(realRows: readonly Cell[][], options: NoiseOptions, random: Random): Cell[][] {
  const noise: Cell[][] = [];
  for (let i = 0; i < options.noiseCount; i++) {
    const row = [...random.pick(realRows)];
    const broken = random.int(1, Math.min(options.maxBrokenColumns, options.ranged.length));
    for (const { index, range } of random.shuffle(options.ranged).slice(0, broken)) {
      row[index] = breakingValue(range, random);
    }
    noise.push(row);
  }
  return noise;
}

/** Interleaves noise rows at seeded positions; returns the rows and which of them are noise. */
export function interleave(clean: readonly Cell[][], noise: readonly Cell[][], random: Random): Cell[][] {
  const total = clean.length + noise.length;
  const noiseAt = new Set(random.sampleIndices(total, noise.length));
  const out: Cell[][] = [];
  let c = 0;
  let n = 0;
  for (let i = 0; i < total; i++) out.push((noiseAt.has(i) ? noise[n++] : clean[c++]) as Cell[]);
  return out;
}
