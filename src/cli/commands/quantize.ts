// `splade quantize`: writes a model folder with int8 or float16 weights.
import { quantizeModelFolder } from '../../node/quantize.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { cleanUpWhenInterrupted } from '../interrupted.js';

const usage = `usage: splade quantize SRC --dtype int8|f16 --out DIR

Writes a copy of the model folder SRC with compact weights into DIR (new or empty):
  int8  the linear layers and word embeddings as I8 'weight' + F32 'weight_scale' [out, 1]
        (compressed-tensors' W8A8 scheme: per-row symmetric weights, activations quantized
        per token at run time), recorded in config.json's quantization_config; a quarter of
        the f32 bytes
  f16   every float tensor as F16 (torch_dtype float16): half the bytes
Every other file is copied as it is (tokenizer files, OpenSearch's idf.json, a
sentence-transformers Router's other modules, whose document MLM is the one quantized), but
the float weights in other formats (pytorch_model.bin, onnx/, ...). DIR appears complete or
not at all. \`splade encode --model DIR\` then holds the weights as stored.

Interrupted (Ctrl-C, SIGTERM), it removes its temporary folder (a hidden sibling of DIR) and
exits with status 130 (SIGTERM: 143); DIR is left as it was.`;

export const command: Command = {
  usage,
  async run(args) {
    const { positionals, values } = parseCommandArgs(args, { dtype: { type: 'string' }, out: { type: 'string' } }, true);
    const dtype = oneOf('dtype', values.dtype, ['int8', 'f16']);
    if (positionals.length !== 1 || values.out === undefined || dtype === undefined) {
      throw new UsageError('give one SRC folder, --dtype and --out');
    }
    // Stopped by Ctrl-C or kill, the run leaves no half-built model folder behind.
    cleanUpWhenInterrupted(values.out, 'folder');
    const result = await quantizeModelFolder(positionals[0], values.out, dtype);
    const leftOut = result.leftOut.length > 0 ? `; left out (float weights): ${result.leftOut.join(', ')}` : '';
    process.stderr.write(`wrote ${values.out}: ${result.tensors} tensors, ${(result.weightBytes / 1e6).toFixed(1)} MB of weights (${values.dtype}); copied ${result.copied.join(', ') || 'no other files'}${leftOut}\n`);
    return 0;
  },
};
