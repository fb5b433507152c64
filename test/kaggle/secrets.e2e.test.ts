import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const username = 'forge-user';
const key = 'k3y-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const basic = Buffer.from(`${username}:${key}`).toString('base64');
const token = 'KGAT_sekrit_0a1b2c3d4e5f60718293a4b5c6d7e8f9';

async function everyFileText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true });
  const texts: string[] = [];
  for (const name of names) {
    try {
      texts.push(name, await readFile(join(dir, name), 'latin1'));
    } catch {
      // a folder
    }
  }
  return texts.join('\n');
}

describe('secrets', () => {
  it.each([
    ['basic key', { KAGGLE_USERNAME: username, KAGGLE_KEY: key }, `Basic ${basic}`, [key, basic]],
    ['access token', { KAGGLE_API_TOKEN: token }, `Bearer ${token}`, [token]],
  ])(
    'never appear in artifacts, logs, error details or the config (%s)',
    async (_name, env, header, secrets) => {
      const server = await KaggleServer.start({ root: fixtureRoot, acceptedAuthorizations: [header] });
      // Faults whose error bodies echo the credentials back, on listing and per dataset.
      server.faults.push(
        { op: 'list', nth: 1, times: 1, fault: { kind: 'status', status: 503, echoAuthorization: true } },
        {
          ref: 'hemajitpatel/superheros-abilities-dataset',
          op: 'metadata',
          fault: { kind: 'status', status: 403, echoAuthorization: true },
        },
        {
          ref: 'ahmetarifsari/izmir-water',
          op: 'metadata',
          fault: { kind: 'status', status: 500, echoAuthorization: true },
        },
      );
      const dir = await tempDir();
      cleanups.push(
        () => server.close(),
        () => removeDir(dir),
      );
      const h = harness({
        dir,
        baseUrl: server.url,
        style: 'rest',
        env,
        kaggle: { select: { max_count: 20 } },
      });

      const items = await h.source.list(h.ctx);
      const summary = await scrapeDatasets(h.ctx, h.source, items);
      expect(summary.ok).toBe(18);
      expect(summary.failures.map((f) => f.reason).sort()).toEqual([
        'kaggle_forbidden',
        'kaggle_unavailable',
      ]);
      // The echo really happened (so the check below means something) and was scrubbed.
      expect(summary.failures.find((f) => f.reason === 'kaggle_unavailable')?.detail).toMatch(
        /you sent (Basic|Bearer) \*\*\*/,
      );
      expect(h.lines.some((line) => /you sent (Basic|Bearer) \*\*\*/.test(line))).toBe(true);
      expect(server.requests.some((r) => r.authorization === header)).toBe(true);

      const haystack = [
        await everyFileText(dir),
        h.lines.join(''),
        JSON.stringify(summary),
        stringify(h.config),
      ].join('\n');
      for (const secret of secrets)
        expect(haystack.includes(secret), `secret found: ${secret.slice(0, 4)}...`).toBe(false);
    },
  );
});
