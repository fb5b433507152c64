import { InvalidArgumentError } from 'commander';

/** A flag parser for a whole number >= 1; its error shows `example`. */
export function wholeNumberFlag(example: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`expected a whole number >= 1, e.g. ${example}`);
    }
    return n;
  };
}

/** A flag parser for a number > 0; its error shows `example`. */
export function positiveNumberFlag(example: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`expected a number > 0, e.g. ${example}`);
    return n;
  };
}

/** A comma-separated flag value as its trimmed, non-empty parts. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
