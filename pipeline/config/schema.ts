import { z } from 'zod';
import { buildSection } from './sections/build.ts';
import { corpusSection, pathsSection, runSection, sourceSection } from './sections/core.ts';
import { draftSection } from './sections/draft.ts';
import { kaggleSection } from './sections/kaggle.ts';
import { llmSection } from './sections/llm.ts';
import { profileSection } from './sections/profile.ts';
import { releaseSection } from './sections/release.ts';
import { verifySection } from './sections/verify.ts';
import { verifyChecksSection } from './sections/verify-checks.ts';

/**
 * The whole config. Each stage owns a section file under sections/; every key has a
 * description and a default, so an empty YAML file is a valid config.
 */
export const configSchema = z
  .strictObject({
    corpus: corpusSection.prefault({}),
    paths: pathsSection.prefault({}),
    source: sourceSection.prefault({}),
    run: runSection.prefault({}),
    kaggle: kaggleSection.prefault({}),
    profile: profileSection.prefault({}),
    draft: draftSection.prefault({}),
    llm: llmSection.prefault({}),
    build: buildSection.prefault({}),
    verify: verifySection.prefault({}),
    verify_checks: verifyChecksSection.prefault({}),
    release: releaseSection.prefault({}),
  })
  .describe('dare-forge configuration (YAML).');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
