import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvReadings, pandasCsvFloat } from '../../pipeline/util/pandas-float.ts';
import { testdir } from '../support/testdir.ts';
import { stream } from '../verify/tasks.ts';

const bits = (n: number) => {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(n);
  return buffer.toString('hex');
};

/** Decimal texts of every shape a CSV holds: long and short, leading zeros, signs, exponents. */
function texts(count: number): string[] {
  const random = stream(2026);
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
  const out = ['0', '-0.0', '1e308', '2.5e-310', '0.1', '3129.5183948045956', '0.0442989063492892'];
  while (out.length < count) {
    const sign = random() < 0.2 ? '-' : '';
    const whole = random() < 0.3 ? `0${random() < 0.3 ? '0' : ''}` : digits(1 + Math.floor(random() * 12));
    const fraction = digits(Math.floor(random() * 14));
    const exponent = random() < 0.15 ? `e${random() < 0.5 ? '-' : ''}${Math.floor(random() * 40)}` : '';
    out.push(`${sign}${whole}${fraction ? `.${fraction}` : ''}${exponent}`);
  }
  return out;
}

describe('pandas CSV float reading', () => {
  it('gives the exact double pandas read_csv gives, on 20,000 texts', async () => {
    const values = texts(20_000);
    const dir = await testdir();
    const path = join(dir, 'x.csv');
    await writeFile(path, `x\n${values.join('\n')}\n`);
    const script = [
      'import struct, sys, pandas as pd',
      "column = pd.read_csv(sys.argv[1], dtype={'x': 'float64'})['x']",
      "print('\\n'.join(struct.pack('<d', v).hex() for v in column))",
    ].join('\n');
    const pandas = execFileSync('/usr/bin/python3', ['-c', script, path], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n');
    const ours = values.map((text) => bits(pandasCsvFloat(text) as number));
    const differing = values.filter((_, i) => ours[i] !== pandas[i]);
    expect(differing).toEqual([]);
    // The point of it: pandas is not correctly rounded on long texts, so both readings count.
    const offByOne = values.filter((text) => bits(Number(text)) !== bits(pandasCsvFloat(text) as number));
    expect(offByOne.length).toBeGreaterThan(100);
  });

  it('lists both readings of a cell only when they differ', () => {
    expect(csvReadings('1.5')).toEqual([1.5]);
    expect(csvReadings('3129.5183948045956')).toEqual([3129.5183948045956, 3129.518394804596]);
    expect(pandasCsvFloat('abc')).toBeNull();
  });
});
