// The bulk API's NDJSON, shared by Elasticsearch and OpenSearch (the same action lines), and
// the one export format both are made of: they differ only in the field type of the mapping.
import { ExportError, type ExportFormat, type ExportRecord, type ExportWriter } from './format.js';
import { utf8Length } from './names.js';
import { luceneKeys, positiveWeightsJson, requireVocabulary } from './weights.js';

/** Index names: lowercase, no \ / * ? " < > | space , #, not starting with - _ +, not . or .. */
export function checkIndexName(name: string): string {
  if (!/^[a-z0-9][^\\/*?"<>| ,#:A-Z]*$/.test(name) || name === '.' || name === '..') {
    throw new ExportError(`index name '${name}' must be lowercase, start with a letter or digit and have none of \\ / * ? " < > | , # : or spaces`);
  }
  return name;
}

/**
 * The field (--field, default `splade`), as Elasticsearch and OpenSearch read a field name: split
 * at each '.' into an object path whose parts must be non-empty and not only white space
 * (DocumentParser: "field name cannot be an empty string", "... starting or ending with a [.]
 * makes object resolution ambiguous"), or every document of the bulk request fails.
 */
export function fieldPath(field: string | undefined): string {
  const name = field ?? 'splade';
  if (name.split('.').some((part) => part.trim() === '')) {
    throw new ExportError(`field name ${JSON.stringify(name)} is not a field path: Elasticsearch and OpenSearch split it at each '.', and every part must be non-empty and not only white space`);
  }
  return name;
}

/** The bulk action line; _id is the document id as a string (1 to 512 bytes). */
export function bulkAction(index: string, record: ExportRecord): string {
  const id = String(record.id);
  // Elasticsearch's IndexRouting.process (and OpenSearch's) refuse "" ("if _id is specified it must not be empty").
  if (id === '') throw new ExportError(`${record.where}: the id is empty, which _id cannot be`);
  if (utf8Length(id) > 512) throw new ExportError(`${record.where}: the id is longer than 512 bytes, the limit of _id`);
  return `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(id)}}}`;
}

/** What sets Elasticsearch's and OpenSearch's export apart. */
export interface BulkEngine {
  readonly name: 'elasticsearch' | 'opensearch';
  /** The mapping's field type: `sparse_vector` (Elasticsearch) or `rank_features` (OpenSearch). */
  readonly fieldType: 'sparse_vector' | 'rank_features';
  /** How errors name the field, e.g. "Elasticsearch sparse_vector". */
  readonly fieldName: string;
}

/** Bulk NDJSON for a token -> positive weight field of `engine`, and the index mapping to create first. */
export function bulkFormat(engine: BulkEngine): ExportFormat {
  return {
    name: engine.name,
    summary: `bulk NDJSON for a ${engine.fieldType} field + the index mapping (needs --model)`,
    needsVocabulary: true,
    create(options): ExportWriter {
      const index = checkIndexName(options.name ?? 'splade');
      const field = fieldPath(options.field);
      const keys = luceneKeys(requireVocabulary(options.vocabulary, engine.name), options);
      return {
        header: () => '',
        add: (record) => `${bulkAction(index, record)}\n{${JSON.stringify(field)}:${positiveWeightsJson(record, keys, engine.fieldName)}}\n`,
        finish: () => '',
      };
    },
    setup(options) {
      const field = fieldPath(options.field);
      const index = checkIndexName(options.name ?? 'splade');
      return {
        suffix: 'mapping.json',
        content: JSON.stringify({ mappings: { properties: { [field]: { type: engine.fieldType } } } }, null, 2) + '\n',
        use: `create the index with it (PUT /${index}), then POST the data file to /_bulk (Content-Type: application/x-ndjson)`,
      };
    },
  };
}
