// One `splade fetch` per folder at a time: two processes appending to the same `.incomplete`
// file would corrupt it, or write into a file the other had already verified and renamed.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError } from './errors.js';

/** Another live process is downloading into the same folder. */
export class FolderBusyError extends HubError {}

const LOCK_NAME = '.splade-fetch.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Takes the folder's lock (a file holding this process's id), runs `work`, and releases it.
 * A lock left by a process that no longer runs (killed, crashed) is taken over.
 */
export async function withFolderLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new FolderBusyError(`another splade fetch (process ${owner}) is downloading into ${dir}; wait for it, or stop it`);
      }
      await rm(path, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
