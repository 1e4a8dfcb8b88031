// Writes one section of an index file in order, through a buffer, keeping its checksum.
import { crc32 } from './crc32.js';
import type { IndexSink } from './storage.js';

const BUFFER_BYTES = 1 << 20;

/** Sequential writer of one section at a fixed file offset. */
export class SectionWriter {
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private buffered = 0;
  private written = 0;
  private crc = 0;

  constructor(
    private readonly sink: IndexSink,
    private readonly offset: number,
    private readonly length: number,
    private readonly name: string,
  ) {}

  /** Appends bytes (copied: the caller may reuse its buffer). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.written + this.buffered + bytes.length > this.length) {
      throw new Error(`index builder: section ${this.name} overflows its ${this.length} bytes`);
    }
    this.crc = crc32(bytes, this.crc);
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, BUFFER_BYTES - this.buffered);
      this.buffer.set(bytes.subarray(at, at + n), this.buffered);
      this.buffered += n;
      at += n;
      if (this.buffered === BUFFER_BYTES) await this.flush();
    }
  }

  /** Appends the elements of a typed array as little-endian bytes. */
  writeArray(values: Uint32Array | Float32Array | Uint8Array): Promise<void> {
    return this.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    await this.sink.write(this.offset + this.written, this.buffer.subarray(0, this.buffered));
    this.written += this.buffered;
    this.buffered = 0;
  }

  /** Flushes, checks the section is complete, writes the zero padding to 4 bytes; the checksum. */
  async close(): Promise<number> {
    await this.flush();
    if (this.written !== this.length) throw new Error(`index builder: section ${this.name} has ${this.written} of its ${this.length} bytes`);
    const padding = (4 - (this.length % 4)) % 4;
    if (padding > 0) await this.sink.write(this.offset + this.length, new Uint8Array(padding));
    return this.crc;
  }
}
