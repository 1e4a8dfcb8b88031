// The bulk API's NDJSON, shared by Elasticsearch and OpenSearch (the same action lines).
import { ExportError, type ExportRecord } from './format.js';

/** Index names: lowercase, no \ / * ? " < > | space , #, not starting with - _ +, not . or .. */
export function checkIndexName(name: string): string {
  if (!/^[a-z0-9][^\\/*?"<>| ,#:A-Z]*$/.test(name) || name === '.' || name === '..') {
    throw new ExportError(`index name '${name}' must be lowercase, start with a letter or digit and have none of \\ / * ? " < > | , # : or spaces`);
  }
  return name;
}

/** The bulk action line; _id is the document id as a string (at most 512 bytes). */
export function bulkAction(index: string, record: ExportRecord): string {
  const id = String(record.id);
  if (new TextEncoder().encode(id).length > 512) throw new ExportError(`${record.where}: the id is longer than 512 bytes, the limit of _id`);
  return `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(id)}}}`;
}
