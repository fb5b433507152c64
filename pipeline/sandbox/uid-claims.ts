import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLAIMS_DIR = join(tmpdir(), 'dare-forge-job-uids');
const RANGE = 4096;

export interface UidClaim {
  uid: number;
  release(): Promise<void>;
}

/**
 * Claims a job uid no other live pool on this machine uses. Pools must not share uids: a
 * pool cleans up after a job by killing every process of the job's uid, which would take
 * another pool's running job with it. A claim is a file holding the owner's pid; claims of
 * dead owners are taken over.
 */
export async function claimJobUid(base: number, claimsDir = CLAIMS_DIR): Promise<UidClaim> {
  await mkdir(claimsDir, { recursive: true, mode: 0o755 });
  for (let uid = base; uid < base + RANGE; uid++) {
    const path = join(claimsDir, String(uid));
    if (await tryCreate(path)) return { uid, release: () => unlink(path).catch(() => {}) };
    if (!ownerAlive(await readFile(path, 'utf8').catch(() => ''))) {
      await unlink(path).catch(() => {});
      if (await tryCreate(path)) return { uid, release: () => unlink(path).catch(() => {}) };
    }
  }
  throw new Error(`no free job uid in ${base}..${base + RANGE - 1}; remove stale claims in ${claimsDir}`);
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function ownerAlive(text: string): boolean {
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}
