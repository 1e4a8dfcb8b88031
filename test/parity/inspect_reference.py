#!/usr/bin/python3
"""PyTorch reference for `splade inspect`: what BertForMaskedLM(..., output_hidden_states=True,
output_attentions=True) returns, computed by reference.py's plain-torch forward, and a check
that a splade-ts dump loads in Python and matches it tensor for tensor.

    /usr/bin/python3 test/parity/inspect_reference.py write OUT_DIR [--seed N]
        writes OUT_DIR/<case>/: the model folder and inputs.json of reference.py's case, and
        hf_outputs.safetensors: hidden_states.{i} [B, S, H] (i = 0 the embeddings output),
        attentions.{i} [B, A, S, S] (padded query rows included), logits [B, S, V],
        input_ids and attention_mask (I64)
    /usr/bin/python3 test/parity/inspect_reference.py run MODEL_DIR INPUTS.json OUT.safetensors
        the same outputs for any model folder (e.g. one from npm run generate-model)
    /usr/bin/python3 test/parity/inspect_reference.py check DUMP.safetensors EXPECTED.safetensors
        loads splade-ts's dump with the reader below and compares every tensor of EXPECTED
        (1e-4 relative: max abs difference / max abs value; ids exactly); exit 1 on a mismatch

The safetensors Python package is not installed here, so files are read by a small hand-written
reader (8-byte little-endian header size, JSON header, raw little-endian data), which is also
what safetensors.torch.load_file does.
"""
import argparse
import json
import os
import struct
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

# Cases of reference.py with canonical weight names: a padded batch, 3 layers of 3 heads of 12,
# sentence pairs with token types.
CASES = ['f32', 'head-size-12', 'token-types']
RELATIVE_TOLERANCE = 1e-4
TORCH_DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64,
                'I32': torch.int32, 'F64': torch.float64, 'U8': torch.uint8, 'I8': torch.int8, 'I16': torch.int16,
                'BOOL': torch.bool}


def load_safetensors(path):
    """(tensors by name in file order, __metadata__ dict), as safetensors.torch.load_file reads them."""
    with open(path, 'rb') as f:
        data = f.read()
    (size,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + size].decode('utf-8'), object_pairs_hook=OrderedDict)
    metadata = header.pop('__metadata__', {})
    start = 8 + size
    tensors = OrderedDict()
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        raw = bytearray(data[start + begin:start + end])
        dtype = TORCH_DTYPES[entry['dtype']]
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry['shape'])
    return tensors, metadata


def model_config(folder):
    with open(os.path.join(folder, 'config.json')) as f:
        cfg = json.load(f)
    cfg.setdefault('layer_norm_eps', 1e-12)
    cfg.setdefault('hidden_act', 'gelu')
    return cfg


def hf_outputs(folder, inputs):
    """The tensors transformers returns for the folder's model and the --input-ids object."""
    cfg = model_config(folder)
    weights, _ = load_safetensors(os.path.join(folder, 'model.safetensors'))
    w = OrderedDict((k, v.to(torch.float32)) for k, v in weights.items() if v.is_floating_point())
    decoder = w.get('cls.predictions.decoder.weight', w['bert.embeddings.word_embeddings.weight'])
    ids = torch.tensor(inputs['input_ids'], dtype=torch.int64)
    mask = torch.tensor(inputs['attention_mask'], dtype=torch.int64) if 'attention_mask' in inputs else torch.ones_like(ids)
    types = torch.tensor(inputs['token_type_ids'], dtype=torch.int64) if 'token_type_ids' in inputs else torch.zeros_like(ids)
    trace = {}
    with torch.no_grad():
        _, logits, _, _ = reference.forward(cfg, w, decoder, ids, mask, types, trace)
    out = OrderedDict()
    for i, h in enumerate(trace['hidden_states']):
        out['hidden_states.%d' % i] = h
    for i, a in enumerate(trace['attentions']):
        out['attentions.%d' % i] = a
    out['logits'] = logits
    out['input_ids'] = ids
    out['attention_mask'] = mask
    return out


def write_outputs(folder, inputs_path, out_path):
    with open(inputs_path) as f:
        inputs = json.load(f)
    outputs = hf_outputs(folder, inputs)
    reference.write_safetensors(out_path, outputs, lambda n, t: 'F32' if t.is_floating_point() else 'I64')


def write(out_dir, seed):
    for i, name in enumerate(reference.CASES):
        if name not in CASES:
            continue
        reference.write_case(out_dir, name, seed + i)
        folder = os.path.join(out_dir, name)
        os.remove(os.path.join(folder, 'expected.safetensors'))  # reference.py's own check, not needed here
        write_outputs(folder, os.path.join(folder, 'inputs.json'), os.path.join(folder, 'hf_outputs.safetensors'))
    print('wrote %d inspect cases to %s' % (len(CASES), out_dir), file=sys.stderr)


def check(dump_path, expected_path):
    dump, metadata = load_safetensors(dump_path)
    expected, _ = load_safetensors(expected_path)
    failures = []
    for name, want in expected.items():
        got = dump.get(name)
        if got is None:
            failures.append('%s: missing from the dump' % name)
        elif got.shape != want.shape:
            failures.append('%s: shape %s vs %s' % (name, list(got.shape), list(want.shape)))
        elif not want.is_floating_point():
            if not torch.equal(got, want):
                failures.append('%s: values differ' % name)
        else:
            rel = ((got - want).abs().max() / want.abs().max()).item()
            print('%-20s %-18s relative difference %.2e' % (name, list(want.shape), rel))
            if not rel <= RELATIVE_TOLERANCE:
                failures.append('%s: relative difference %.2e > %g' % (name, rel, RELATIVE_TOLERANCE))
    if 'tokens' in metadata:
        tokens = json.loads(metadata['tokens'])
        ids = dump['input_ids']
        if [len(row) for row in tokens] != [ids.shape[1]] * ids.shape[0]:
            failures.append('__metadata__ tokens: not one token per input id')
    for failure in failures:
        print('MISMATCH ' + failure, file=sys.stderr)
    print('%s: %d tensors loaded in Python (torch %s), %d compared, %s' % (
        dump_path, len(dump), torch.__version__, len(expected), 'all match' if not failures else 'MISMATCH'))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='mode', required=True)
    p = sub.add_parser('write')
    p.add_argument('out_dir')
    p.add_argument('--seed', type=int, default=4321)
    p = sub.add_parser('run')
    p.add_argument('model_dir')
    p.add_argument('inputs')
    p.add_argument('out')
    p = sub.add_parser('check')
    p.add_argument('dump')
    p.add_argument('expected')
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.mode == 'write':
        write(args.out_dir, args.seed)
    elif args.mode == 'run':
        write_outputs(args.model_dir, args.inputs, args.out)
    else:
        sys.exit(check(args.dump, args.expected))


if __name__ == '__main__':
    main()
