// `splade export`: vectors.jsonl (from `splade encode --output`) in a search engine's format,
// streamed (memory flat) and written atomically. The formats live in src/export/.
import { SpladeError } from '../../errors.js';
import { checkTermIdsFit, EXPORT_FORMATS, ExportError, parseVectorLine, type ExportFormat, type ExportOptions, type Vocabulary } from '../../export/index.js';
import { AtomicFileWriter } from '../../node/atomic-writer.js';
import { readLines } from '../../node/corpus/documents.js';
import { folderModelFiles } from '../../node/folder-model-files.js';
import { mlmFolderOf } from '../../node/model-folder.js';
import { writeFileAtomic } from '../../node/files.js';
import { resolveModel } from '../../node/resolve-model.js';
import { IdTableFullError } from '../../splade/id-table.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { inputName } from '../../node/corpus/input-bytes.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { cleanUpWhenInterrupted } from '../interrupted.js';
import { checkOutputPath } from '../output-path.js';
import { RepeatedIdCheck } from '../../splade/repeated-ids.js';

const formatLines = Object.values(EXPORT_FORMATS).map((format) => `  ${format.name.padEnd(22)}${format.summary}`).join('\n');

const usage = `usage: splade export --vectors FILE --to FORMAT --out FILE [options]

Writes SPLADE vectors ({"id", "indices", "values"} lines, as splade encode --output writes
them) in a search engine's format. Two lines with the same id (a number id is its decimal
text) are refused, naming both lines. FORMAT:
${formatLines}

options:
  --vectors FILE|-    the vectors (JSON lines)
  --out FILE          the data file (written whole or not at all)
  --model DIR         the model the vectors came from: token strings (vocab) and pgvector's
                      dimensions (config.json vocab_size); a term id past vocab_size is
                      refused, whatever the format
  --setup FILE        where the mapping / collection config / index body / schema goes (default:
                      OUT.mapping.json, OUT.collection.json, OUT.index.json or OUT.sd)
  --table NAME        pgvector table (default splade_vectors)
  --index NAME        Elasticsearch/OpenSearch/Pinecone index, Qdrant/Milvus collection or Vespa
                      schema (default splade)
  --field NAME        the vector field / column (default splade; pgvector: embedding)
  --dimensions N      pgvector: sparsevec(N) without --model
  --scale S           anserini, anserini-topics: integer impacts round(weight x S) (default 100)
  --size N            the *-queries formats: hits a query asks for (default 10)
  --keep-dots         elasticsearch/opensearch: keep '.' in token keys (Elasticsearch 8.16+
                      sparse_vector takes them); by default '.' is written '__', as ELSER did
  --dot-as TEXT       elasticsearch/opensearch: write '.' in token keys as TEXT instead of '__'
                      (a RoBERTa vocabulary has both '.' and '__': try '_dot_'); queries the same
  --no-id-check       do not check that ids are unique: for ids known to be, in a corpus so
                      large that the check's memory matters (the ids' bytes and ~25 bytes an id)

Interrupted (Ctrl-C, SIGTERM), it removes its temporary file and exits with status 130
(SIGTERM: 143); OUT is left as it was.`;

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  return n;
}

/** The model's vocabulary (token strings) and vocab_size: its MLM folder's (in a Router layout, the document module's). */
async function loadModelInfo(location: string): Promise<{ vocabulary: Vocabulary; dimensions: number }> {
  const { dir } = await resolveModel(location);
  const files = folderModelFiles(await mlmFolderOf(dir));
  const tokenizer = await loadTokenizer(files);
  const where = `${files.location}/config.json`;
  let config: { vocab_size?: unknown };
  try {
    config = JSON.parse(await files.readText('config.json')) as { vocab_size?: unknown };
  } catch (error) {
    throw new SpladeError(`${where}: cannot read vocab_size (${(error as Error).message})`);
  }
  const dimensions = config.vocab_size;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) throw new SpladeError(`${where}: vocab_size must be a positive integer`);
  return { vocabulary: { size: dimensions, token: (id) => tokenizer.idToToken(id) }, dimensions };
}

/** How exportVectors checks the lines beyond their form. */
interface LineChecks {
  /** Refuse a repeated id (off with --no-id-check). */
  readonly ids: boolean;
  /** --model's vocab_size: a term id at or past it is refused, whatever the format. */
  readonly vocabularySize: number | undefined;
}

/**
 * Streams the vectors through the format into `out`. A bad line, a repeated id (unless
 * checks.ids is false) or any other error aborts the file: `out` appears complete or not at all.
 */
async function exportVectors(format: ExportFormat, vectors: string, out: string, options: ExportOptions, checks: LineChecks): Promise<number> {
  const writer = format.create(options);
  const file = await AtomicFileWriter.open(out);
  const source = inputName(vectors);
  const ids = checks.ids ? new RepeatedIdCheck(source) : undefined;
  let count = 0;
  try {
    await file.write(writer.header());
    for await (const { line, number } of readLines(vectors)) {
      if (line.trim() === '') continue;
      const record = parseVectorLine(line, `${source} line ${number}`);
      if (ids) refuseRepeatedId(ids, record.id, number, record.where);
      if (checks.vocabularySize !== undefined) checkTermIdsFit(record, checks.vocabularySize);
      await file.write(writer.add(record));
      count++;
    }
    await file.write(writer.finish());
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
  return count;
}

/** Throws the ExportError that names both lines when an earlier line has `id`. */
function refuseRepeatedId(ids: RepeatedIdCheck, id: string | number, line: number, where: string): void {
  let repeated: string | undefined;
  try {
    repeated = ids.repeats(id, line);
  } catch (error) {
    // Out of memory for the ids, the check is what the option is for.
    if (error instanceof IdTableFullError) throw new ExportError(`${where}: ${error.message}; for ids known to be unique, --no-id-check skips the check`, { cause: error });
    throw error;
  }
  if (repeated !== undefined) throw new ExportError(repeated);
}

export const command: Command = {
  usage,
  async run(args) {
    const parsed = parseCommandArgs(args, {
      vectors: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      setup: { type: 'string' },
      table: { type: 'string' },
      index: { type: 'string' },
      field: { type: 'string' },
      dimensions: { type: 'string' },
      scale: { type: 'string' },
      size: { type: 'string' },
      'keep-dots': { type: 'boolean' },
      'dot-as': { type: 'string' },
      'no-id-check': { type: 'boolean' },
    });
    const v = parsed.values;
    if (v.vectors === undefined || v.to === undefined || v.out === undefined) throw new UsageError('--vectors, --to and --out are required');
    const format = EXPORT_FORMATS[v.to];
    if (!format) throw new UsageError(`--to must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}, got '${v.to}'`);
    if (format.needsVocabulary && v.model === undefined) throw new UsageError(`--to ${v.to} keys vectors by token string: give --model DIR (the model that encoded them)`);
    const onlyFor: Array<[string, unknown, string[]]> = [
      ['--table', v.table, ['pgvector', 'pgvector-queries']],
      ['--dimensions', v.dimensions, ['pgvector', 'pgvector-queries']],
      ['--index', v.index, ['elasticsearch', 'opensearch', 'qdrant', 'milvus', 'milvus-import', 'pinecone', 'vespa', 'elasticsearch-queries', 'opensearch-queries', 'milvus-queries']],
      ['--size', v.size, ['pgvector-queries', 'elasticsearch-queries', 'opensearch-queries', 'qdrant-queries', 'milvus-queries', 'pinecone-queries']],
      ['--setup', v.setup, ['elasticsearch', 'opensearch', 'qdrant', 'milvus', 'milvus-import', 'pinecone', 'vespa']],
      ['--scale', v.scale, ['anserini', 'anserini-topics']],
      ['--keep-dots', v['keep-dots'], ['elasticsearch', 'opensearch', 'elasticsearch-queries', 'opensearch-queries']],
      ['--dot-as', v['dot-as'], ['elasticsearch', 'opensearch', 'elasticsearch-queries', 'opensearch-queries']],
    ];
    if (v['keep-dots'] && v['dot-as'] !== undefined) throw new UsageError('give --keep-dots or --dot-as, not both');
    for (const [flag, value, formats] of onlyFor) {
      if (value !== undefined && !formats.includes(v.to)) throw new UsageError(`${flag} is for --to ${formats.join('|')}, not ${v.to}`);
    }
    const info = v.model === undefined ? undefined : await loadModelInfo(v.model);
    const options: ExportOptions = {
      vocabulary: info?.vocabulary,
      dimensions: positiveNumber('dimensions', v.dimensions, true) ?? info?.dimensions,
      name: v.to === 'pgvector' || v.to === 'pgvector-queries' ? v.table : v.index,
      field: v.field,
      scale: positiveNumber('scale', v.scale, false),
      size: positiveNumber('size', v.size, true),
      keepDots: v['keep-dots'],
      dotAs: v['dot-as'],
    };
    const setup = format.setup?.(options);
    const setupPath = setup && (v.setup ?? `${v.out}.${setup.suffix}`);
    const vectorsFlag = { flag: '--vectors', path: v.vectors };
    await checkOutputPath({ flag: '--out', path: v.out }, [vectorsFlag]);
    if (setupPath !== undefined) await checkOutputPath({ flag: '--setup', path: setupPath }, [vectorsFlag, { flag: '--out', path: v.out }]);
    // Stopped by Ctrl-C or kill, the run leaves no temporary file as large as its output.
    cleanUpWhenInterrupted(v.out);
    const count = await exportVectors(format, v.vectors, v.out, options, { ids: !v['no-id-check'], vocabularySize: info?.dimensions });
    const messages = [`splade export: ${count} vectors to ${v.out} (${format.name})`];
    if (setup && setupPath !== undefined) {
      await writeFileAtomic(setupPath, setup.content);
      messages.push(`splade export: ${setupPath}: ${setup.use}`);
    }
    process.stderr.write(messages.join('\n') + '\n');
    return 0;
  },
};
