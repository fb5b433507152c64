import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerVerify } from '../../pipeline/commands/verify.ts';
import { UserError } from '../../pipeline/errors.ts';

function program(): Command {
  const root = new Command('dare-forge').exitOverride();
  registerVerify(root, () => {});
  return root;
}

describe('dare-forge verify flags', () => {
  it('needs --out with --corpus, and --out only with --corpus', async () => {
    const missingOut = program().parseAsync(['verify', '--corpus', '/nowhere'], { from: 'user' });
    await expect(missingOut).rejects.toThrow(UserError);
    await expect(program().parseAsync(['verify', '--corpus', '/nowhere'], { from: 'user' })).rejects.toThrow(
      /--corpus needs --out/,
    );
    await expect(program().parseAsync(['verify', '--out', '/tmp/x'], { from: 'user' })).rejects.toThrow(
      /--out only applies with --corpus/,
    );
  });

  it('offers only the known scopes', async () => {
    const root = program();
    root.commands[0]?.exitOverride().configureOutput({ writeErr: () => {} });
    await expect(
      root.parseAsync(['verify', '--corpus', '/c', '--out', '/o', '--scope', 'some'], { from: 'user' }),
    ).rejects.toThrow(/Allowed choices are all, reference/);
  });
});
