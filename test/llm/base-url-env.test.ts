import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../pipeline/config/schema.ts';
import { UserError } from '../../pipeline/errors.ts';
import { createLlmClient } from '../../pipeline/llm/create.ts';
import { Logger } from '../../pipeline/logger.ts';
import { ANTHROPIC_KEY, OPENAI_KEY } from './helpers.ts';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const password = 'pa55-w0rd-9f8e7d6c';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dare-base-url-'));
  dirs.push(dir);
  return dir;
}

async function everyFileText(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    texts.push(name, await readFile(join(dir, name), 'latin1').catch(() => ''));
  }
  return texts.join('\n');
}

const cases = [
  ['openai', 'OPENAI_BASE_URL', `http://forge:${password}@127.0.0.1:9/v1`],
  ['anthropic', 'ANTHROPIC_BASE_URL', `https://${password}@127.0.0.1:9`],
] as const;

describe('base URLs from the environment', () => {
  it.each(cases)(
    'refuses credentials in %s: %s, naming the variable, never the secret',
    (provider, variable, url) => {
      const logged: string[] = [];
      const make = (value: string) =>
        createLlmClient({
          config: configSchema.parse({ draft: { provider } }),
          paths: { processed: '/nonexistent' },
          logger: new Logger('debug', { write: (line) => logged.push(line) }),
          env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, [variable]: value },
        });
      let error: unknown;
      try {
        make(url);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toContain(`${variable} must not contain a user name or password`);
      expect((error as Error).message).not.toContain(password);
      expect(logged.join('')).not.toContain(password);
      // Not a URL at all: refused without echoing the value (it may be a pasted secret).
      expect(() => make(`not a url ${password}`)).toThrow(new RegExp(`^${variable} is not a URL`));
      expect(() => make(`not a url ${password}`)).not.toThrow(password);
      // A plain URL is used as given.
      expect(make('http://127.0.0.1:9/v1').provider).toBe(provider);
    },
  );

  it.each(cases)(
    'dare-forge draft stops before any request (%s): no secret in stdout, stderr or files',
    async (provider, variable, url) => {
      const dir = await tempDir();
      const config = join(dir, 'config.yaml');
      const paths = ['raw', 'processed', 'splits'].map((name) => `  ${name}: ${join(dir, name)}`).join('\n');
      await writeFile(config, `paths:\n${paths}\ndraft:\n  provider: ${provider}\n`);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        OPENAI_API_KEY: OPENAI_KEY,
        ANTHROPIC_API_KEY: ANTHROPIC_KEY,
        [variable]: url,
        CI: '1',
      };
      const result = await run('node', ['bin/dare-forge.js', 'draft', '--config', config], {
        cwd: repo,
        env,
      }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${variable} must not contain a user name or password`);
      const haystack = [result.stdout, result.stderr, await everyFileText(dir)].join('\n');
      expect(haystack).not.toContain(password);
    },
  );
});
