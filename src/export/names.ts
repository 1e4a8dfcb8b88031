// Names given on the command line that end up in SQL, URLs or schemas, and how long ids and
// request bodies are in the bytes engines count.
import { ExportError } from './format.js';

/** A plain identifier (letters, digits, underscores; not starting with a digit), optionally dotted once (schema.table). */
export function checkIdentifier(name: string, what: string, dotted = false): string {
  const pattern = dotted ? /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/ : /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (!pattern.test(name)) throw new ExportError(`${what} '${name}' must be letters, digits and underscores, not starting with a digit`);
  return name;
}

const encoder = new TextEncoder();

/** The length of `text` in UTF-8 bytes, as engines count ids and request bodies. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
