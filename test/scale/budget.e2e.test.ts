import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type Rig, startRig } from './helpers.ts';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(8, 11);
});
afterAll(async () => {
  await rig?.close();
});

const draftStatus = async (workdir: string, id: string) =>
  JSON.parse(await readFile(join(workdir, 'processed', id, 'status', 'draft.json'), 'utf8')) as {
    outcome: { status: string; reason?: string };
  };

/** Every chat request body the server answered, hashed: a repeated paid call shows as a duplicate. */
const chatBodies = () =>
  rig.servers.llm.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map((r) => createHash('sha256').update(r.body).digest('hex'));

describe('run --max-cost-usd', () => {
  it('stops drafting at the cap, ends the rest budget_exhausted, and a rerun resumes without paying twice', async () => {
    const config = await rig.workdir('capped', { run: { concurrency: 1 } });
    // About four design calls' worth at gpt-4o-mini prices (~1k prompt tokens a call).
    const capped = await cli(['run', '--config', config, '--max-cost-usd', '0.001']);
    expect(capped.code, capped.stderr).toBe(1);
    expect(capped.stderr).toMatch(
      /draft: spent about \$0\.000\d+ of --max-cost-usd 0\.001; \d+ dataset\(s\) left/,
    );
    expect(capped.stdout).toContain('budget_exhausted=');
    const firstCalls = rig.servers.chatCalls();
    expect(firstCalls).toBeGreaterThan(0);
    expect(firstCalls).toBeLessThan(8);

    const rerun = await cli(['run', '--config', config]);
    expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0);
    expect(rerun.stdout).not.toContain('budget_exhausted');
    const bodies = chatBodies();
    expect(bodies.length).toBe(rig.servers.chatCalls());
    expect(bodies.length).toBeGreaterThan(firstCalls);
    // Calls made before the cap were answered from the cache on the rerun: none was sent twice.
    expect(new Set(bodies).size).toBe(bodies.length);

    const ids = [...capped.stdout.matchAll(/draft (\S+): error\(budget_exhausted\)/g)].map(
      (match) => match[1] as string,
    );
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect((await draftStatus(join(rig.dir, 'capped'), id)).outcome.status).toBe('ok');
  }, 240_000);
});
