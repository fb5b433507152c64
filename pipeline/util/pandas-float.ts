/**
 * How pandas' default CSV float parser (the C tokenizer's `precise_xstrtod`, pandas 1.x and
 * 2.x) reads a number. It keeps 17 significant digits in a double while reading them, so a
 * value written with 16-17 digits can land 1 ulp away from the correctly rounded double that
 * JavaScript (and Python's float(), and pandas' round_trip parser) would give. An expected
 * range computed from JavaScript numbers can then miss its own boundary rows when the
 * benchmark's reference solution reads the CSV. Null when the text is not a plain decimal.
 */
export function pandasCsvFloat(text: string): number | null {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  if (whole.length + fraction.length === 0) return null;
  const maxDigits = 17;
  let number = 0;
  let digits = 0;
  let exponent = 0;
  for (const ch of whole) {
    if (digits < maxDigits) {
      number = number * 10 + (ch.charCodeAt(0) - 48);
      digits++;
    } else exponent++;
  }
  let decimals = 0;
  for (const ch of fraction) {
    if (digits >= maxDigits) break;
    number = number * 10 + (ch.charCodeAt(0) - 48);
    digits++;
    decimals++;
  }
  exponent -= decimals;
  if (sign === '-') number = -number;
  if (exponentText !== undefined) {
    // pandas reads at most 17 exponent digits.
    const negative = exponentText.startsWith('-');
    const expDigits = exponentText.replace(/^[+-]/, '').slice(0, maxDigits);
    const n = Number(expDigits);
    exponent += negative ? -n : n;
  }
  if (exponent > 308) return sign === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (exponent > 0) return number * powerOfTen(exponent);
  if (exponent < -308) {
    if (exponent < -616) return sign === '-' ? -0 : 0;
    return number / powerOfTen(-308 - exponent) / powerOfTen(308);
  }
  return number / powerOfTen(-exponent);
}

/** The double nearest 10^k, as C's literal 1e<k> is. */
const powers = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));
const powerOfTen = (k: number) => powers[k] as number;

/**
 * The numbers a CSV cell can turn into in the reference solution: the correctly rounded
 * one and pandas' own reading (usually the same).
 */
export function csvReadings(text: string): number[] {
  const exact = Number(text);
  const pandas = pandasCsvFloat(text);
  return pandas === null || Object.is(pandas, exact) || Number.isNaN(exact) ? [exact] : [exact, pandas];
}
