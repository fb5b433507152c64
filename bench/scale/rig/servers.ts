import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KaggleServer } from '../../../test/kaggle/server/index.ts';
import { chatCompletion, type OpenAiFake, startOpenAiServer } from '../../../test/llm/servers/openai-fake.ts';
import { policyAnswer, policyUsage } from './llm-policy.ts';

export const rigKaggleToken = 'KGAT_scale_rig_0123456789abcdef';
export const rigOpenAiKey = 'sk-scale-rig-not-a-secret';
/** A model present in the default llm.prices table, so the cost estimates are real numbers. */
export const rigModel = 'gpt-4o-mini';

export interface ScaleServers {
  kaggle: KaggleServer;
  llm: OpenAiFake;
  /** Chat completions answered so far (each is a paid call for the pipeline). */
  chatCalls(): number;
  close(): Promise<void>;
}

/** The loopback Kaggle API over a generated mirror and an OpenAI-compatible policy server. */
export async function startScaleServers(mirror: string): Promise<ScaleServers> {
  const kaggle = await KaggleServer.start({
    root: mirror,
    pageSize: 200,
    acceptedAuthorizations: [`Bearer ${rigKaggleToken}`],
  });
  const llm = await startOpenAiServer();
  let calls = 0;
  llm.onChat = (request) => {
    calls += 1;
    const body = request.json();
    const answer = policyAnswer(body);
    return { json: chatCompletion(answer, policyUsage(body, answer)) };
  };
  return {
    kaggle,
    llm,
    chatCalls: () => calls,
    async close() {
      await Promise.all([kaggle.close(), llm.close()]);
    },
  };
}

export interface RigConfigOptions {
  workdir: string;
  servers: Pick<ScaleServers, 'kaggle' | 'llm'>;
  concurrency?: number;
  /** Extra top-level config sections, merged over the rig's. */
  extra?: Record<string, unknown>;
}

/** Writes <workdir>/scale.yaml: Kaggle source and OpenAI drafting through the loopback servers. */
export async function writeRigConfig(options: RigConfigOptions): Promise<string> {
  const { workdir, servers } = options;
  const config = {
    corpus: { name: 'dare-forge-scale', seed: 20260227 },
    source: { kind: 'kaggle' },
    paths: {
      raw: join(workdir, 'raw'),
      processed: join(workdir, 'processed'),
      splits: join(workdir, 'splits'),
    },
    run: { concurrency: options.concurrency ?? 2 },
    kaggle: {
      base_url: servers.kaggle.url,
      url_style: 'rpc',
      requests_per_minute: 0,
      retry: { base_delay_ms: 10, max_delay_ms: 100 },
    },
    draft: { provider: 'openai' },
    llm: {
      openai: { base_url: `${servers.llm.url}/v1`, model: rigModel },
      retries: { base_delay_ms: 10, max_delay_ms: 100 },
    },
    release: { version: '1.0.0' },
    ...options.extra,
  };
  await mkdir(workdir, { recursive: true });
  const file = join(workdir, 'scale.yaml');
  await writeFile(file, stringify(config));
  return file;
}

/** The environment a pipeline process needs to reach the rig's servers (dummy credentials). */
export function rigEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, KAGGLE_API_TOKEN: rigKaggleToken, OPENAI_API_KEY: rigOpenAiKey };
}
