import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../store/atomic.ts';
import { type ArchiveInfo, md5File } from './download.ts';

const archiveRecordSchema = z.object({
  bytes: z.number(),
  md5: z.string(),
  lastModified: z.string().optional(),
});

/** Records a kept archive's size, MD5 and Last-Modified beside it. */
export async function recordArchive(zipPath: string, archive: ArchiveInfo): Promise<void> {
  await writeJsonAtomic(`${zipPath}.json`, recordOf(archive));
}

function recordOf(archive: ArchiveInfo): z.infer<typeof archiveRecordSchema> {
  return { bytes: archive.bytes, md5: archive.md5, lastModified: archive.lastModified };
}

/** A kept archive of the same version whose recorded size and MD5 still match: no download needed. */
export async function reusable(zipPath: string): Promise<ArchiveInfo | undefined> {
  try {
    const record = archiveRecordSchema.parse(JSON.parse(await readFile(`${zipPath}.json`, 'utf8')));
    const md5 = await md5File(zipPath);
    if (md5 !== record.md5) return undefined;
    return { ...record, lastModified: record.lastModified, md5Checked: true, resumedFrom: [] };
  } catch {
    return undefined;
  }
}

/** Drops kept archives (and partial downloads) of other versions of the same dataset. */
export async function pruneOtherVersions(zipPath: string, datasetId: string): Promise<void> {
  const dir = dirname(zipPath);
  const keep = basename(zipPath);
  const escaped = datasetId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const sameDataset = new RegExp(`^${escaped}(-v\\d+)?\\.zip(\\.json|\\.part)?$`);
  for (const name of await readdir(dir)) {
    if (sameDataset.test(name) && !name.startsWith(keep)) await rm(join(dir, name), { force: true });
  }
}
