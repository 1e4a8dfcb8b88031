// splade inspect-weights FILE|DIR: what a checkpoint holds (names, dtypes, shapes, sizes,
// metadata). safetensors files are read from their headers alone, so it is instant even for
// large files; a PyTorch pickle has no header and is read whole (without running it). Tied
// tensors of a pickle (two names, one storage, e.g. the MLM decoder and the word embeddings)
// are listed under both names and counted once in the totals, as the file holds them once.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SpladeError } from '../../errors.js';
import { fileError } from '../../node/files.js';
import { DEFAULT_WEIGHT_FORMATS } from '../../io/weight-formats.js';
import type { PytorchCheckpoint } from '../../formats/pytorch/pytorch-checkpoint.js';
import { readPytorchCheckpointFile } from '../../node/pytorch-file.js';
import { readSafetensorsHeaderFile } from '../../node/safetensors-file.js';
import { DTYPE_SIZE } from '../../tensor/dtype.js';
import { parseShardIndex, shardIndexProblems, type ShardIndex } from '../../formats/sharded.js';
import { elementCount } from '../../tensor/tensor.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { mlmFolderOf } from '../../node/model-folder.js';

const USAGE = `usage: splade inspect-weights FILE|DIR [--json]

Lists the tensors of a checkpoint: name, dtype, shape, bytes; totals; metadata. Tensors
tied to another (one storage under two names, in a pickle) are marked and counted once.
FILE is a .safetensors file, a PyTorch pickle (pytorch_model.bin) or a shard index
(*.index.json); DIR is a model folder (its weights chosen as loading does: model.safetensors,
model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json). Where a shard
index and its shards disagree (a tensor in another shard than the index says, in none, in
two, or in none the index lists), every tensor is still listed and each disagreement is a
'problem:' line ("problems" in JSON): loading refuses such a checkpoint.
  --json   one JSON object on stdout, for scripts`;

interface TensorRow {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  file: string;
  /** The tensor whose storage this one shares exactly (absent when it has its own). */
  tiedTo?: string;
}

interface FileSummary {
  path: string;
  bytes: number;
  /** The safetensors header's size (a pickle has no header). */
  headerBytes?: number;
  metadata: Record<string, string>;
}

interface Inspection {
  source: string;
  files: FileSummary[];
  tensors: TensorRow[];
  /** Where a shard index and its shards disagree (loading refuses such a checkpoint); empty otherwise. */
  problems: string[];
  /** Parameters and bytes count a tied tensor once; `tied` is how many names are ties. */
  totals: { tensors: number; tied: number; parameters: number; bytes: number; dtypes: Record<string, number> };
}

/** Each tied tensor's owner: of the names that see the same elements, the first in sorted order (as convert keeps it). */
function tiedOwners(checkpoint: PytorchCheckpoint): Map<string, string> {
  const ownerOfRegion = new Map<string, string>();
  const tied = new Map<string, string>();
  for (const name of checkpoint.names().sort()) {
    const region = checkpoint.tensor(name).region;
    const owner = ownerOfRegion.get(region);
    if (owner === undefined) ownerOfRegion.set(region, name);
    else tied.set(name, owner);
  }
  return tied;
}

/** The safetensors files to read for a path: the file, an index's shards, or a folder's weights. */
async function weightFiles(path: string): Promise<{ source: string; files: string[]; index?: ShardIndex }> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  if (isDir) {
    const mlm = await mlmFolderOf(path);
    for (const format of DEFAULT_WEIGHT_FORMATS) {
      const candidate = join(mlm, format.file);
      if (await stat(candidate).then((s) => s.isFile(), () => false)) return weightFiles(candidate);
    }
    throw new SpladeError(`${mlm}: no weights (${DEFAULT_WEIGHT_FORMATS.map((f) => f.file).join(', ')})`);
  }
  if (basename(path).endsWith('.index.json')) {
    const text = await readFile(path, 'utf8').catch((error: unknown) => { throw fileError(path, 'read', error); });
    const index = parseShardIndex(text, path);
    return { source: path, files: index.shardFiles.map((f) => join(dirname(path), f)), index };
  }
  return { source: path, files: [path] };
}

async function inspect(path: string): Promise<Inspection> {
  const { source, files, index } = await weightFiles(path);
  const summaries: FileSummary[] = [];
  const tensors: TensorRow[] = [];
  for (const file of files) {
    if (!file.endsWith('.safetensors')) {
      const checkpoint = await readPytorchCheckpointFile(file);
      const { size } = await stat(file);
      summaries.push({ path: file, bytes: size, metadata: { format: `torch.save (${checkpoint.format})` } });
      const tied = tiedOwners(checkpoint);
      for (const name of checkpoint.names()) {
        const { dtype, shape } = checkpoint.info(name)!;
        const tiedTo = tied.get(name);
        tensors.push({ name, dtype, shape: [...shape], bytes: elementCount(shape) * DTYPE_SIZE[dtype], file, ...(tiedTo ? { tiedTo } : {}) });
      }
      continue;
    }
    const { header, fileSize } = await readSafetensorsHeaderFile(file);
    summaries.push({ path: file, bytes: fileSize, headerBytes: header.headerSize, metadata: { ...header.metadata } });
    for (const entry of header.entries) {
      tensors.push({ name: entry.name, dtype: entry.dtype, shape: [...entry.shape], bytes: entry.end - entry.begin, file });
    }
  }
  const dtypes: Record<string, number> = {};
  let parameters = 0;
  let bytes = 0;
  let tied = 0;
  for (const t of tensors) {
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    if (t.tiedTo !== undefined) {
      tied++;
      continue;
    }
    parameters += elementCount(t.shape);
    bytes += t.bytes;
  }
  const problems = index ? shardIndexProblems(index, namesByShard(tensors), source) : [];
  return { source, files: summaries, tensors, problems, totals: { tensors: tensors.length, tied, parameters, bytes, dtypes } };
}

/** The tensor names each shard file holds, by its name as the index spells it. */
function namesByShard(tensors: readonly TensorRow[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const t of tensors) {
    const list = names.get(basename(t.file)) ?? [];
    list.push(t.name);
    names.set(basename(t.file), list);
  }
  return names;
}

const n = (value: number): string => value.toLocaleString('en-US');

function formatText(result: Inspection): string {
  const lines: string[] = [];
  const sharded = result.files.length > 1;
  for (const file of result.files) {
    const header = file.headerBytes === undefined ? '' : `, header ${n(file.headerBytes)} bytes`;
    lines.push(`${file.path}: ${n(file.bytes)} bytes${header}`);
    const meta = Object.entries(file.metadata);
    lines.push(`  metadata: ${meta.length ? meta.map(([k, v]) => `${k}=${v}`).join(', ') : '(none)'}`);
  }
  lines.push('');
  const shape = (s: number[]): string => `[${s.join(', ')}]`;
  const nameWidth = Math.max(4, ...result.tensors.map((t) => t.name.length));
  const shapeWidth = Math.max(5, ...result.tensors.map((t) => shape(t.shape).length));
  const header = `${'name'.padEnd(nameWidth)}  dtype  ${'shape'.padEnd(shapeWidth)}  ${'bytes'.padStart(13)}`;
  lines.push(sharded ? `${header}  file` : header);
  for (const t of result.tensors) {
    const row = `${t.name.padEnd(nameWidth)}  ${t.dtype.padEnd(5)}  ${shape(t.shape).padEnd(shapeWidth)}  ${n(t.bytes).padStart(13)}`;
    const tie = t.tiedTo === undefined ? '' : `  tied to ${t.tiedTo}`;
    lines.push((sharded ? `${row}  ${basename(t.file)}` : row) + tie);
  }
  const { totals } = result;
  const byDtype = Object.entries(totals.dtypes).map(([d, count]) => `${count} ${d}`).join(', ');
  lines.push('');
  const ties = totals.tied === 0 ? '' : `; ${n(totals.tied)} tied to another, counted once`;
  lines.push(`${n(totals.tensors)} tensors (${byDtype || 'none'}${ties}), ${n(totals.parameters)} parameters, ` +
    `${n(totals.bytes)} bytes of data in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`);
  if (result.problems.length > 0) lines.push('', ...result.problems.map((problem) => `problem: ${problem}`), `(splade encode refuses this checkpoint: the index and its shards must agree)`);
  return lines.join('\n');
}

export const command: Command = {
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs(args, { json: { type: 'boolean' } }, true);
    if (parsed.positionals.length !== 1) throw new UsageError(`expected one FILE or DIR, got ${parsed.positionals.length}`);
    const result = await inspect(parsed.positionals[0]);
    process.stdout.write((parsed.values.json ? JSON.stringify(result, null, 2) : formatText(result)) + '\n');
    return 0;
  },
};
