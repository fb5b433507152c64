import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { runProbe } from '../util/probe.ts';

/** Top-level system folders (or merged-/usr links to them) a Python process needs. */
const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
/** The pieces of /etc that dynamic linking, BLAS selection, time zones and Python read. */
const ETC_PIECES = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'localtime', 'timezone'];
/** CPU topology: os.cpu_count() and the BLAS thread pools read it. */
const SYSFS_PIECES = ['/sys/devices/system/cpu'];

export type ViewEntry = { kind: 'bind'; path: string } | { kind: 'symlink'; path: string; target: string };

/**
 * What a worker's sandbox shows of this machine, read-only: /usr and its merged-/usr links,
 * a few /etc entries, CPU topology, and the interpreter's own prefix when it lives outside
 * /usr (a pyenv or venv Python). Nothing else: no /home, /root, /work, /var, /run or host /tmp.
 */
export async function systemView(python: string): Promise<ViewEntry[]> {
  const entries: ViewEntry[] = [];
  for (const path of SYSTEM_ROOTS) {
    const stats = await lstat(path).catch(() => undefined);
    if (stats?.isSymbolicLink()) entries.push({ kind: 'symlink', path, target: await readlink(path) });
    else if (stats?.isDirectory()) entries.push({ kind: 'bind', path });
  }
  const etc = new Set(await readdir('/etc').catch(() => [] as string[]));
  for (const name of [...etc].sort()) {
    if (ETC_PIECES.includes(name) || /^python3(\.\d+)?$/.test(name)) {
      entries.push({ kind: 'bind', path: join('/etc', name) });
    }
  }
  for (const path of SYSFS_PIECES) {
    if (await lstat(path).catch(() => undefined)) entries.push({ kind: 'bind', path });
  }
  for (const prefix of await pythonPrefixes(python)) {
    if (!entries.some((entry) => entry.kind === 'bind' && within(prefix, entry.path))) {
      entries.push({ kind: 'bind', path: prefix });
    }
  }
  return entries;
}

const prefixesSchema = z.array(z.string());

/** The interpreter's prefixes (resolved), so a Python outside /usr still finds its library. */
async function pythonPrefixes(python: string): Promise<string[]> {
  const script =
    'import json, sys; print(json.dumps([sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix]))';
  const stdout = await runProbe(python, ['-I', '-S', '-c', script], 60_000);
  const prefixes = prefixesSchema.parse(JSON.parse(stdout));
  const resolved = new Set<string>([dirname(dirname(await realpath(python)))]);
  for (const prefix of prefixes) resolved.add(await realpath(prefix).catch(() => prefix));
  return [...resolved].filter((path) => path !== '/').sort();
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}
