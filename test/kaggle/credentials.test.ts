import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../pipeline/errors.ts';
import { resolveCredentials } from '../../pipeline/sources/kaggle/credentials.ts';
import { removeDir, tempDir } from './helpers.ts';

let home: string;
beforeEach(async () => {
  home = await tempDir('kaggle-home-');
});
afterEach(async () => {
  await removeDir(home);
});

async function put(path: string, text: string, mode = 0o600): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  await chmod(path, mode);
}

const kaggleJson = (username: string, key: string) => JSON.stringify({ username, key });

describe('resolveCredentials, in the official order', () => {
  it('uses KAGGLE_API_TOKEN (the token itself) first, as Bearer', async () => {
    await put(join(home, '.kaggle', 'kaggle.json'), kaggleJson('u', 'filekey'));
    const { credentials } = await resolveCredentials({
      env: { KAGGLE_API_TOKEN: 'tok-123', KAGGLE_USERNAME: 'u', KAGGLE_KEY: 'envkey' },
      homeDir: home,
    });
    expect(credentials).toMatchObject({
      kind: 'bearer',
      source: 'KAGGLE_API_TOKEN',
      authorization: 'Bearer tok-123',
    });
    expect(credentials.secrets).toEqual(['tok-123']);
  });

  it('reads KAGGLE_API_TOKEN as a path when it names a file', async () => {
    const file = join(home, 'token.txt');
    await put(file, 'tok-from-file\n');
    const { credentials } = await resolveCredentials({ env: { KAGGLE_API_TOKEN: file }, homeDir: home });
    expect(credentials).toMatchObject({ kind: 'bearer', authorization: 'Bearer tok-from-file' });
  });

  it('expands ~ in a KAGGLE_API_TOKEN path to the given home folder', async () => {
    await put(join(home, 'secrets', 'kaggle-token'), 'tok-tilde');
    const { credentials } = await resolveCredentials({
      env: { KAGGLE_API_TOKEN: '~/secrets/kaggle-token' },
      homeDir: home,
    });
    expect(credentials).toMatchObject({ kind: 'bearer', authorization: 'Bearer tok-tilde' });
  });

  it('refuses a KAGGLE_API_TOKEN path that cannot be read, without echoing secrets', async () => {
    const error = await resolveCredentials({
      env: { KAGGLE_API_TOKEN: join(home, 'nope') },
      homeDir: home,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('cannot be read');
  });

  it('then ~/.kaggle/access_token', async () => {
    await put(join(home, '.kaggle', 'access_token'), 'tok-home');
    await put(join(home, '.kaggle', 'kaggle.json'), kaggleJson('u', 'filekey'));
    const { credentials } = await resolveCredentials({
      env: { KAGGLE_USERNAME: 'u', KAGGLE_KEY: 'k' },
      homeDir: home,
    });
    expect(credentials).toMatchObject({ kind: 'bearer', authorization: 'Bearer tok-home' });
  });

  it('then KAGGLE_USERNAME + KAGGLE_KEY as Basic', async () => {
    await put(join(home, '.kaggle', 'kaggle.json'), kaggleJson('u', 'filekey'));
    const { credentials } = await resolveCredentials({
      env: { KAGGLE_USERNAME: 'alice', KAGGLE_KEY: 'envkey' },
      homeDir: home,
    });
    const encoded = Buffer.from('alice:envkey').toString('base64');
    expect(credentials).toMatchObject({
      kind: 'basic',
      username: 'alice',
      authorization: `Basic ${encoded}`,
    });
    expect(credentials.secrets).toEqual(['envkey', encoded]);
  });

  it('then kaggle.json in KAGGLE_CONFIG_DIR, ~/.kaggle, ~/.config/kaggle', async () => {
    const configDir = join(home, 'custom');
    await put(join(home, '.config', 'kaggle', 'kaggle.json'), kaggleJson('c', 'k3'));
    expect((await resolveCredentials({ env: {}, homeDir: home })).credentials).toMatchObject({
      username: 'c',
    });
    await put(join(home, '.kaggle', 'kaggle.json'), kaggleJson('b', 'k2'));
    expect((await resolveCredentials({ env: {}, homeDir: home })).credentials).toMatchObject({
      username: 'b',
    });
    await put(join(configDir, 'kaggle.json'), kaggleJson('a', 'k1'));
    const found = await resolveCredentials({ env: { KAGGLE_CONFIG_DIR: configDir }, homeDir: home });
    expect(found.credentials).toMatchObject({
      kind: 'basic',
      username: 'a',
      source: join(configDir, 'kaggle.json'),
    });
    expect(found.warnings).toEqual([]);
  });

  it('warns when kaggle.json is readable by others', async () => {
    const file = join(home, '.kaggle', 'kaggle.json');
    await put(file, kaggleJson('u', 'k'), 0o644);
    const { warnings } = await resolveCredentials({ env: {}, homeDir: home });
    expect(warnings).toEqual([`${file} is readable by other users; run \`chmod 600 ${file}\``]);
  });

  it('refuses a malformed kaggle.json without printing its content', async () => {
    await put(join(home, '.kaggle', 'kaggle.json'), '{"username": "u", "kee": "secret-value"}');
    const error = await resolveCredentials({ env: {}, homeDir: home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).not.toContain('secret-value');
  });

  it('falls back to anonymous', async () => {
    const { credentials } = await resolveCredentials({
      env: { KAGGLE_USERNAME: 'only-user' },
      homeDir: home,
    });
    expect(credentials).toEqual({ kind: 'anonymous', source: 'none', secrets: [] });
  });
});
