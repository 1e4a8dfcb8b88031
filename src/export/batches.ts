// Request bodies that carry many items (points, rows, searches) one body a line, so a file
// can be sent line by line to an engine's HTTP API with memory flat on both sides.
import { utf8Length } from './names.js';

/** Items joined into one request body per line; `add` returns a line when one is full, `flush` the rest. */
export interface Batches {
  add(item: string): string;
  flush(): string;
}

/**
 * Up to `size` items (JSON texts) a line, each line `body(items joined by commas)` and a
 * line break, e.g. body = items => {"points":[ITEMS]}.
 */
export function batches(size: number, body: (items: string) => string): Batches {
  let items: string[] = [];
  const flush = (): string => {
    if (items.length === 0) return '';
    const line = `${body(items.join(','))}\n`;
    items = [];
    return line;
  };
  return {
    add(item) {
      items.push(item);
      return items.length >= size ? flush() : '';
    },
    flush,
  };
}

/** Batches whose lines also stay within a byte limit: `add` takes the item's UTF-8 byte count. */
export interface SizedBatches {
  add(item: string, bytes: number): string;
  flush(): string;
}

/**
 * Up to `size` items a line, each line `open`, the items joined by commas, `close` (and a line
 * break, not counted), in at most `maxBytes` UTF-8 bytes: an item that would cross the limit
 * starts the next line. The caller makes sure that one item alone fits (`open` + item + `close`).
 */
export function sizedBatches(size: number, maxBytes: number, open: string, close: string): SizedBatches {
  const frame = utf8Length(open) + utf8Length(close);
  let items: string[] = [];
  let bytes = frame;
  const flush = (): string => {
    if (items.length === 0) return '';
    const line = `${open}${items.join(',')}${close}\n`;
    items = [];
    bytes = frame;
    return line;
  };
  return {
    add(item, itemBytes) {
      const full = items.length > 0 && bytes + 1 + itemBytes > maxBytes ? flush() : '';
      bytes += (items.length === 0 ? 0 : 1) + itemBytes;
      items.push(item);
      return items.length >= size ? full + flush() : full;
    },
    flush,
  };
}
