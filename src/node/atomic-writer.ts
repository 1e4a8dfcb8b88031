// A file written piece by piece that appears only when complete: the pieces go to a temp
// file next to the target (same file system) which is renamed over it at commit, and removed
// on abort. For outputs too large to hold in memory (writeFileAtomic takes them whole).
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { fileError } from './files.js';
import { releaseTemp, tempPathFor } from './temp-files.js';

const FLUSH_AT = 1 << 20;

export class AtomicFileWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the temp file for `path`. */
  static async open(path: string): Promise<AtomicFileWriter> {
    const temp = tempPathFor(path);
    try {
      return new AtomicFileWriter(path, temp, await open(temp, 'wx'));
    } catch (error) {
      releaseTemp(temp);
      throw fileError(path, 'write', error);
    }
  }

  /** Appends text (buffered: written in pieces of about 1 MiB). */
  async write(text: string): Promise<void> {
    if (text === '') return;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    try {
      await this.handle.write(text);
    } catch (error) {
      throw fileError(this.path, 'write', error);
    }
  }

  /** Writes what is buffered, syncs and renames the temp file to the target. */
  async commit(): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      await rename(this.temp, this.path);
      releaseTemp(this.temp);
    } catch (error) {
      await this.abort();
      throw error instanceof Error && 'code' in error ? fileError(this.path, 'write', error) : error;
    }
  }

  /** Drops the temp file; the target is untouched. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
    releaseTemp(this.temp);
  }
}
