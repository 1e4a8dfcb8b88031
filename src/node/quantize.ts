// Writes the quantized copy of a model folder (see src/io/quantize-model.ts): model.safetensors,
// config.json with its quantization_config, and the tokenizer files, each written atomically.
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpladeError } from '../errors.js';
import { SafetensorsFile } from '../formats/safetensors.js';
import type { TensorToWrite } from '../formats/safetensors-writer.js';
import { floatColumnChooser } from '../io/float-columns.js';
import { quantizedConfig, quantizedTensors, type QuantizedDType } from '../io/quantize-model.js';
import { writeFileAtomic } from './files.js';
import { loadModelFolderFromDisk } from './model-folder.js';
import { writeSafetensorsFile } from './safetensors-file.js';

const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export interface QuantizeResult {
  readonly tensors: number;
  readonly weightBytes: number;
  readonly copied: readonly string[];
}

/**
 * Quantizes the model folder `src` into the new (or empty) folder `out`.
 * @throws SpladeError when `out` is `src` or holds files, or the source is already quantized
 */
export async function quantizeModelFolder(src: string, out: string, dtype: QuantizedDType): Promise<QuantizeResult> {
  if (resolve(src) === resolve(out)) throw new SpladeError(`--out must differ from the source folder (${src})`);
  const existing = await readdir(out).catch(() => [] as string[]);
  if (existing.length > 0) throw new SpladeError(`${out}: the output folder is not empty (give a new or empty folder)`);
  const folder = await loadModelFolderFromDisk(src);
  const configJson = JSON.parse(await readFile(join(src, 'config.json'), 'utf8')) as Record<string, unknown>;
  const source = folder.weights;
  const readInteger = (name: string): TensorToWrite | undefined => {
    if (!(source instanceof SafetensorsFile)) return undefined;
    const info = source.info(name)!;
    return { dtype: info.dtype, shape: info.shape, data: source.bytesOf(name).slice() };
  };
  const tensors = [...quantizedTensors(source, dtype, readInteger, floatColumnChooser(folder.config, source))];
  await mkdir(out, { recursive: true });
  await writeSafetensorsFile(join(out, 'model.safetensors'), tensors, { format: 'pt' });
  await writeFileAtomic(join(out, 'config.json'), JSON.stringify(quantizedConfig(configJson, dtype), null, 2) + '\n');
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    if (await folder.files.has(name)) {
      await copyFile(join(src, name), join(out, name));
      copied.push(name);
    }
  }
  const weightBytes = tensors.reduce((sum, [, t]) => sum + t.data.byteLength, 0);
  return { tensors: tensors.length, weightBytes, copied };
}
