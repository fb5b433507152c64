import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.ts';

export type Credentials =
  | { kind: 'bearer'; source: string; authorization: string; secrets: string[] }
  | { kind: 'basic'; source: string; username: string; authorization: string; secrets: string[] }
  | { kind: 'anonymous'; source: 'none'; secrets: [] };

export interface CredentialEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home folder (tests point it at a temp folder). */
  homeDir: string;
}

export interface ResolvedCredentials {
  credentials: Credentials;
  warnings: string[];
}

const kaggleJsonSchema = z.looseObject({ username: z.string().min(1), key: z.string().min(1) });

export const credentialsHelp =
  'Set KAGGLE_API_TOKEN (an access token, or the path of a file holding one), or KAGGLE_USERNAME and KAGGLE_KEY, or put kaggle.json ({"username","key"}) in ~/.kaggle with mode 600.';

/**
 * Finds credentials in the order the official CLI tries them: access token (env, then
 * ~/.kaggle/access_token[.txt]), then the legacy key (env, then kaggle.json in
 * $KAGGLE_CONFIG_DIR, ~/.kaggle, ~/.config/kaggle), then anonymous.
 */
export async function resolveCredentials(where: CredentialEnvironment): Promise<ResolvedCredentials> {
  const warnings: string[] = [];
  const token = await findToken(where);
  if (token) return { credentials: bearer(token.value, token.source), warnings };

  const { KAGGLE_USERNAME: username, KAGGLE_KEY: key } = where.env;
  if (username && key) return { credentials: basic(username, key, 'KAGGLE_USERNAME/KAGGLE_KEY'), warnings };

  for (const dir of configDirs(where)) {
    const file = join(dir, 'kaggle.json');
    const text = await readOptional(file);
    if (text === undefined) continue;
    let parsed: z.infer<typeof kaggleJsonSchema>;
    try {
      parsed = kaggleJsonSchema.parse(JSON.parse(text));
    } catch {
      // Never echo the file: it holds the key.
      throw new UserError(
        `${file} is not valid kaggle.json (expected {"username": "...", "key": "..."}). ${credentialsHelp}`,
      );
    }
    const mode = (await stat(file)).mode;
    if ((mode & 0o077) !== 0) {
      warnings.push(`${file} is readable by other users; run \`chmod 600 ${file}\``);
    }
    return { credentials: basic(parsed.username, parsed.key, file), warnings };
  }
  return { credentials: { kind: 'anonymous', source: 'none', secrets: [] }, warnings };
}

async function findToken(
  where: CredentialEnvironment,
): Promise<{ value: string; source: string } | undefined> {
  const fromEnv = where.env.KAGGLE_API_TOKEN?.trim();
  if (fromEnv) {
    // A value shaped like a path (tokens have no '/') names the file holding the token.
    if (isAbsolute(fromEnv) || fromEnv.includes('/') || fromEnv.startsWith('~') || fromEnv.startsWith('.')) {
      const path = fromEnv.startsWith('~') ? join(where.homeDir, fromEnv.slice(1)) : fromEnv;
      const text = await readOptional(path);
      if (text === undefined) {
        throw new UserError(
          `KAGGLE_API_TOKEN names the file ${path}, which cannot be read. ${credentialsHelp}`,
        );
      }
      return nonEmpty(text, 'KAGGLE_API_TOKEN file');
    }
    return { value: fromEnv, source: 'KAGGLE_API_TOKEN' };
  }
  for (const name of ['access_token', 'access_token.txt']) {
    const path = join(where.homeDir, '.kaggle', name);
    const text = await readOptional(path);
    if (text !== undefined) return nonEmpty(text, path);
  }
  return undefined;
}

function nonEmpty(text: string, source: string): { value: string; source: string } | undefined {
  const value = text.trim();
  return value ? { value, source } : undefined;
}

function configDirs(where: CredentialEnvironment): string[] {
  const dirs: string[] = [];
  if (where.env.KAGGLE_CONFIG_DIR) dirs.push(where.env.KAGGLE_CONFIG_DIR);
  dirs.push(join(where.homeDir, '.kaggle'), join(where.homeDir, '.config', 'kaggle'));
  return dirs;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function bearer(token: string, source: string): Credentials {
  return { kind: 'bearer', source, authorization: `Bearer ${token}`, secrets: [token] };
}

function basic(username: string, key: string, source: string): Credentials {
  const encoded = Buffer.from(`${username}:${key}`).toString('base64');
  return { kind: 'basic', source, username, authorization: `Basic ${encoded}`, secrets: [key, encoded] };
}
