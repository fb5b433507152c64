import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { Logger } from '../../pipeline/logger.ts';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A real temp folder filled with `tree` (path -> content), removed after the test. */
export async function testdir(tree: Record<string, string | Uint8Array> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dare-forge-test-'));
  created.push(root);
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** A context over a temp work folder; `yaml` is extra config text (paths are set for you). */
export function testContext(root: string, yaml = '', lines: string[] = []): Context {
  const text = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\n${yaml}`;
  const result = parseConfigText(text);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const logger = new Logger('debug', { write: (line) => lines.push(line) });
  return createContext({ config: result.config, cwd: process.cwd(), logger });
}
