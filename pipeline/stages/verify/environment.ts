import type { EnvironmentFingerprint } from '../../sandbox/index.ts';
import type { Verdict } from './schema.ts';

/** The verdict's environment record: library versions up front, the full fingerprint beside. */
export function verdictEnvironment(fingerprint: EnvironmentFingerprint): Verdict['environment'] {
  const version = (name: string) => fingerprint.libraries[name] ?? undefined;
  const blas = fingerprint.blas
    .map((pool) => [pool.internal_api, pool.version, pool.architecture].filter(Boolean).join(' '))
    .join('; ');
  const { system, machine, release, libc } = fingerprint.platform;
  return {
    python: fingerprint.python,
    numpy: version('numpy'),
    pandas: version('pandas'),
    sklearn: version('sklearn'),
    scipy: version('scipy'),
    blas: blas || undefined,
    platform: `${system} ${release} ${machine} ${libc}`,
    pyarrow: fingerprint.libraries.pyarrow ?? null,
    fingerprint,
  };
}
