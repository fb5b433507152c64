import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type FixtureRelease, fixtureRelease, published } from '../support/release.ts';

export { published };
export const AVOCADO = 'amldvvs_avocado-ripeness-classification-dataset_class';
export const ANSCOMBE = 'carlmcbrideellis_data-anscombes-quartet_reg';

/** A release of two fixture datasets (one classification, one regression task), all in train. */
export function trainRelease(): Promise<FixtureRelease> {
  const datasets = [AVOCADO, ANSCOMBE].map((task) => task.replace(/_(class|reg)$/, ''));
  return fixtureRelease(datasets, 'dare-forge-traj-');
}

/** The question -> (task, variant) map of a release split. */
export async function questionIndex(
  split: string,
): Promise<Map<string, { task: string; variant: 'v1' | 'v2' }>> {
  const entries = z
    .array(z.looseObject({ file_path: z.string(), question_v1: z.string(), question_v2: z.string() }))
    .parse(JSON.parse(await readFile(join(split, 'question_list.json'), 'utf8')));
  const index = new Map<string, { task: string; variant: 'v1' | 'v2' }>();
  for (const e of entries) {
    index.set(e.question_v1, { task: e.file_path, variant: 'v1' });
    index.set(e.question_v2, { task: e.file_path, variant: 'v2' });
  }
  return index;
}

/**
 * The conversational tool-use shape HF datasets and TRL SFTTrainer read (OpenAI messages:
 * assistant tool_calls {id, type: function, function: {name, arguments}}, tool messages with
 * tool_call_id; tools as {type: function, function: {name, description, parameters}}).
 */
const toolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }),
});
const message = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.string() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.string(),
    tool_calls: z.array(toolCall).min(1).optional(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    tool_call_id: z.string().min(1),
    name: z.string(),
    content: z.string(),
  }),
]);
export const trlLine = z.strictObject({
  task: z.string(),
  variant: z.enum(['v1', 'v2']),
  family: z.enum(['classification', 'regression', 'time_series_analysis']),
  sample: z.int().min(1),
  score: z.number(),
  messages: z.array(message).min(2),
  tools: z
    .array(
      z.strictObject({
        type: z.literal('function'),
        function: z.strictObject({
          name: z.string(),
          description: z.string(),
          parameters: z.looseObject({
            type: z.literal('object'),
            properties: z.record(z.string(), z.unknown()),
          }),
        }),
      }),
    )
    .min(1),
});
export type TrlLine = z.infer<typeof trlLine>;

export async function readLines(file: string): Promise<TrlLine[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => trlLine.parse(JSON.parse(line)));
}
