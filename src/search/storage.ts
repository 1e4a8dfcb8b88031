// Where the index builder puts its bytes. The builder itself touches no file system: it spills
// sorted runs to a RunStorage and writes the finished index to an IndexSink. Memory versions
// live here (browsers, tests, small corpora); the file versions live in src/node/index-file.ts.

/** One sorted run being written; `finish` turns it into a reader. */
export interface RunWriter {
  write(bytes: Uint8Array): Promise<void>;
  finish(): Promise<RunReader>;
}

/** Reads a finished run from its start, in order. */
export interface RunReader {
  /**
   * The next `length` bytes, starting on a 4-byte boundary: in `into` (its first `length`
   * bytes, returned as a view) when given and large enough, else in a buffer of their own.
   * The builder passes one reused buffer, so that merging the runs allocates nothing a term.
   */
  read(length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Creates runs; `dispose` removes whatever is left of them. */
export interface RunStorage {
  create(): Promise<RunWriter>;
  dispose(): Promise<void>;
}

/** Receives the finished index: each write lands at a byte position of the file. */
export interface IndexSink {
  write(position: number, bytes: Uint8Array): Promise<void>;
}

/** Runs kept in memory (their bytes are freed as they are read). */
export function memoryRunStorage(): RunStorage {
  return {
    async create() {
      const chunks: Uint8Array[] = [];
      return {
        async write(bytes) {
          chunks.push(bytes.slice());
        },
        async finish() {
          return chunkReader(chunks);
        },
      };
    },
    async dispose() {},
  };
}

function chunkReader(chunks: Uint8Array[]): RunReader {
  let chunk = 0;
  let at = 0;
  return {
    async read(length, into) {
      const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
      let done = 0;
      while (done < length) {
        if (chunk >= chunks.length) throw new Error(`run ended ${length - done} bytes early`);
        const piece = chunks[chunk].subarray(at, at + length - done);
        out.set(piece, done);
        done += piece.length;
        at += piece.length;
        if (at === chunks[chunk].length) {
          chunks[chunk] = new Uint8Array(0);
          chunk++;
          at = 0;
        }
      }
      return out;
    },
    async close() {
      chunks.length = 0;
    },
  };
}

/** A sink that fills one buffer of `length` bytes (the index as an ArrayBuffer). */
export function memorySink(length: number): IndexSink & { readonly bytes: Uint8Array } {
  const bytes = new Uint8Array(length);
  return {
    bytes,
    async write(position, data) {
      bytes.set(data, position);
    },
  };
}
