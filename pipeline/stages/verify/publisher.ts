import { dirname } from 'node:path';
import { z } from 'zod';
import { readJsonInside } from '../../util/inside.ts';

/**
 * The BLAS thread count a corpus's publisher verified with, when the corpus states it: a
 * dare-forge release records every verifier environment (threadpoolctl's pools) in the
 * manifest.json beside its train/ and eval/ folders. Regression predictions move in their last
 * digit with the thread count, so `verify --corpus` reproduces the publisher's setting.
 */
const manifestShape = z.object({
  format: z.literal('dare-forge-release/1'),
  environments: z.array(
    z.object({
      fingerprint: z.object({
        blas: z.array(z.object({ user_api: z.string().nullable(), num_threads: z.int().min(1).max(64) })),
      }),
    }),
  ),
});

const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

export interface PublisherBlas {
  threads: number;
  /** The manifest.json that states it. */
  source: string;
}

/** The one BLAS thread count stated by the corpus's (or its parent release's) manifest, if any. */
export async function publisherBlasThreads(corpus: string): Promise<PublisherBlas | undefined> {
  for (const folder of [corpus, dirname(corpus)]) {
    const read = await readJsonInside(folder, 'manifest.json', MANIFEST_MAX_BYTES);
    if (!read.ok) continue;
    const manifest = manifestShape.safeParse(read.value);
    if (!manifest.success) continue;
    const counts = new Set(
      manifest.data.environments.flatMap((e) =>
        e.fingerprint.blas.filter((pool) => pool.user_api === 'blas').map((pool) => pool.num_threads),
      ),
    );
    // Several environments that disagree state no single setting to reproduce.
    if (counts.size !== 1) return undefined;
    return { threads: [...counts][0] as number, source: `${folder}/manifest.json` };
  }
  return undefined;
}

/** The thread count verify --corpus uses: the flag, else the publisher's, else the config's. */
export function corpusBlasThreads(
  flag: number | undefined,
  publisher: PublisherBlas | undefined,
  configured: number,
): { threads: number; why: string } {
  if (flag !== undefined) return { threads: flag, why: '--blas-threads' };
  if (publisher) return { threads: publisher.threads, why: `the publisher's setting (${publisher.source})` };
  return { threads: configured, why: 'verify.blas_threads (the corpus states no setting)' };
}
