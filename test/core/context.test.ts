import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createContext } from '../../pipeline/context.ts';
import { UserError } from '../../pipeline/errors.ts';
import { Logger } from '../../pipeline/logger.ts';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import { LazyExecutor } from '../../pipeline/sandbox/lazy.ts';
import { testContext, testdir } from '../support/testdir.ts';

function contextWith(root: string, yaml: string, extra: { executor?: Executor } = {}) {
  const parsed = parseConfigText(`paths:\n  processed: ${root}/processed\n${yaml}`);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return createContext({ config: parsed.config, cwd: root, logger: new Logger('error'), ...extra });
}

describe('the context carries the LLM client and the executor', () => {
  it('creates the LLM client on the first call, not with the context', async () => {
    const root = await testdir();
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      // No key: building the context is fine, asking it for the client is the UserError.
      const ctx = contextWith(root, 'draft:\n  provider: openai\n');
      await expect(ctx.llm()).rejects.toThrow(/OPENAI_API_KEY is not set/);
      process.env.OPENAI_API_KEY = 'sk-test-context';
      const keyed = contextWith(root, 'draft:\n  provider: openai\n');
      const client = await keyed.llm();
      expect(client.provider).toBe('openai');
      expect(await keyed.llm()).toBe(client);
      // A copy of the context (as the runner makes per stage) hands out the same client.
      expect(await { ...keyed, signal: new AbortController().signal }.llm()).toBe(client);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    const offline = contextWith(root, 'draft:\n  provider: offline\n');
    await expect(offline.llm()).rejects.toThrow(UserError);
  });

  it('starts the sandbox pool on the first job only, and close() ends it', { timeout: 120_000 }, async () => {
    const root = await testdir();
    const ctx = testContext(root, 'verify:\n  pool_size: 1\n');
    const executor = ctx.executor();
    expect(executor).toBeInstanceOf(LazyExecutor);
    expect(ctx.executor()).toBe(executor);
    expect(executor instanceof LazyExecutor && executor.started).toBe(false);
    const answer = await executor.runCode({ code: 'print(6 * 7)', language: 'python' });
    expect(answer.run_result?.stdout).toBe('42\n');
    expect(executor instanceof LazyExecutor && executor.started).toBe(true);
    await ctx.close();
    const after = await executor.runCode({ code: 'print(1)', language: 'python' });
    expect(after.status).not.toBe('Success');
    expect(ctx.executor()).not.toBe(executor);
  });

  it('hands out a given executor and leaves closing it to its owner', async () => {
    const root = await testdir();
    let closed = 0;
    const given: Executor = {
      name: 'given',
      runCode: () => Promise.reject(new Error('not used')),
      close: async () => {
        closed += 1;
      },
    };
    const ctx = contextWith(root, '', { executor: given });
    expect(ctx.executor()).toBe(given);
    await ctx.close();
    expect(closed).toBe(0);
  });
});
