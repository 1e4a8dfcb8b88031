// pgvector: SQL that creates a table with a sparsevec column and inserts every vector.
// sparsevec text is '{i:v,...}/dims' with 1-based indices (pgvector README: "Note: Indices
// start at 1 like SQL arrays"); at most 16,000 non-zero elements (SPARSEVEC_MAX_NNZ). Scoring
// by inner product is `ORDER BY embedding <#> query` (<#> is the negative inner product).
import { ExportError, hitsOf, type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter } from './format.js';
import { checkIdentifier } from './names.js';
import { float32Text } from './numbers.js';

const ROWS_PER_INSERT = 500;
const MAX_NNZ = 16_000;

/** A SQL string literal (standard_conforming_strings: only ' is doubled). */
export function sqlString(text: string, where: string): string {
  if (text.includes('\0')) throw new ExportError(`${where}: the id contains a NUL character, which PostgreSQL text cannot hold`);
  return `'${text.replaceAll("'", "''")}'`;
}

/** The sparsevec literal text of a vector: `{1:0.5,3:1.25}/30522` (indices + 1). */
export function sparsevecText(record: ExportRecord, dimensions: number): string {
  const { indices, values } = record.vector;
  const cells: string[] = [];
  for (let k = 0; k < indices.length; k++) {
    if (indices[k] >= dimensions) throw new ExportError(`${record.where}: term id ${indices[k]} does not fit sparsevec(${dimensions})`);
    if (values[k] !== 0) cells.push(`${indices[k] + 1}:${float32Text(values[k])}`);
  }
  if (cells.length > MAX_NNZ) throw new ExportError(`${record.where}: ${cells.length} non-zero terms; pgvector's sparsevec holds at most ${MAX_NNZ}`);
  return `{${cells.join(',')}}/${dimensions}`;
}

/** The table (--table), its sparsevec column (--field) and the vector size (--model or --dimensions). */
function tableOf(options: ExportOptions): { table: string; column: string; dimensions: number } {
  return {
    table: checkIdentifier(options.name ?? 'splade_vectors', 'table name', true),
    column: checkIdentifier(options.field ?? 'embedding', 'column name'),
    dimensions: dimensionsOf(options),
  };
}

function dimensionsOf(options: ExportOptions): number {
  const dimensions = options.dimensions;
  if (dimensions === undefined) throw new ExportError('pgvector needs the vector size for sparsevec(N): give --model (its vocab_size) or --dimensions N');
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 1_000_000_000) throw new ExportError(`sparsevec dimensions must be 1 to 1e9, got ${dimensions}`);
  return dimensions;
}

export const pgvector: ExportFormat = {
  name: 'pgvector',
  summary: 'SQL: CREATE TABLE (id text primary key, embedding sparsevec(N)) and INSERTs (psql -f FILE)',
  needsVocabulary: false,
  create(options): ExportWriter {
    const { table, column, dimensions } = tableOf(options);
    let rows: string[] = [];
    const flush = (): string => {
      if (rows.length === 0) return '';
      const text = `INSERT INTO ${table} (id, ${column}) VALUES\n${rows.join(',\n')};\n`;
      rows = [];
      return text;
    };
    return {
      header: () => [
        '-- SPLADE vectors for pgvector (0.7 or later), written by splade-ts `splade export`.',
        '-- Load: psql -v ON_ERROR_STOP=1 -f FILE. Top-k by dot product:',
        `--   SELECT id FROM ${table} ORDER BY ${column} <#> '{...}/${dimensions}' LIMIT 10;`,
        'BEGIN;',
        'CREATE EXTENSION IF NOT EXISTS vector;',
        `CREATE TABLE ${table} (id text PRIMARY KEY, ${column} sparsevec(${dimensions}) NOT NULL);`,
        '',
      ].join('\n'),
      add(record) {
        rows.push(`(${sqlString(String(record.id), record.where)}, '${sparsevecText(record, dimensions)}')`);
        return rows.length >= ROWS_PER_INSERT ? flush() : '';
      },
      finish: () => `${flush()}COMMIT;\n`
        + `-- An approximate index for large tables (HNSW takes vectors of at most 1,000 non-zero terms):\n`
        + `-- CREATE INDEX ON ${table} USING hnsw (${column} sparsevec_ip_ops);\n`,
    };
  },
};

/**
 * Query vectors as SQL: for each, one SELECT of its top --size documents by dot product
 * (`query`, `id`, `score` = the inner product; `ORDER BY embedding <#> q`, exact, or through an
 * HNSW index when the table has one), in the vectors file's order; `psql -f FILE` prints them.
 * A query without a non-zero term selects nothing.
 */
export const pgvectorQueries: ExportFormat = {
  name: 'pgvector-queries',
  summary: 'query vectors as SQL: a SELECT of the top --size documents by <#> a query, in order',
  needsVocabulary: false,
  create(options): ExportWriter {
    const { table, column, dimensions } = tableOf(options);
    const size = hitsOf(options);
    return {
      header: () => `-- SPLADE query vectors for pgvector, written by splade-ts \`splade export\`: the top ${size} of ${table} by dot product for each. Run: psql -f FILE.\n`,
      add(record) {
        const query = sqlString(String(record.id), record.where);
        const text = sparsevecText(record, dimensions);
        // No non-zero term: every document would score 0, in no meaningful order.
        if (text.startsWith('{}')) return `SELECT ${query} AS query, id, 0::real AS score FROM ${table} WHERE false;\n`;
        const vector = `'${text}'::sparsevec`;
        return `SELECT ${query} AS query, id, -(${column} <#> ${vector}) AS score FROM ${table} ORDER BY ${column} <#> ${vector} LIMIT ${size};\n`;
      },
      finish: () => '',
    };
  },
};
