import { readFile } from 'node:fs/promises';
import { parse, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { resolveConfigPaths } from './paths.ts';
import { crossFieldWarnings } from './rules.ts';
import { type Config, configSchema } from './schema.ts';

export type ConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; errors: string[] };

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${formatIssuePath(issue.path)}.` : '';
      return issue.keys
        .map(
          (key) =>
            `${where}${key}: unknown key (check the spelling; \`dare-forge config --schema\` lists every key)`,
        )
        .join('\n');
    }
    return `${formatIssuePath(issue.path)}: ${issue.message}`;
  });
}

/** Parse, then validate: a pure function from YAML text to a config or `path: message` errors. */
export function parseConfigText(text: string, overrides: Record<string, unknown> = {}): ConfigResult {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`) };
  }
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: ['(root): expected a mapping of sections (corpus:, paths:, source:, ...)'] };
  }
  const merged = deepMerge(raw as Record<string, unknown>, overrides);
  const result = configSchema.safeParse(merged);
  if (!result.success) return { ok: false, errors: issueLines(result.error).flatMap((l) => l.split('\n')) };
  return { ok: true, config: result.data, warnings: crossFieldWarnings(result.data) };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Loads a config file, throwing a UserError (exit 2) that lists every problem. Its relative
 * paths come back absolute, resolved against the file's folder (see resolveConfigPaths).
 */
export async function loadConfig(
  path: string,
  overrides: Record<string, unknown> = {},
): Promise<ConfigResult & { ok: true }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`;
    throw new UserError(
      `config ${path}: ${why}. Pass an existing YAML file with --config, e.g. --config configs/default.yaml`,
    );
  }
  const result = parseConfigText(text, overrides);
  if (!result.ok) {
    throw new UserError(`config ${path} is invalid:\n${result.errors.map((e) => `  ${e}`).join('\n')}`);
  }
  const raw = (parse(text) ?? {}) as Record<string, unknown>;
  return { ...result, config: resolveConfigPaths(result.config, raw, path) };
}
