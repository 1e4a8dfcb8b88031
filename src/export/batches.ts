// Request bodies that carry many items (points, rows, searches) one body a line, so a file
// can be sent line by line to an engine's HTTP API with memory flat on both sides.

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
