#!/usr/bin/python3
"""PyTorch timing of one BertForMaskedLM + SPLADE forward, for bench/forward.ts.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/forward_torch.py MODEL_DIR INPUTS.json RUNS THREADS

Runs test/parity/reference.py's forward (transformers' computation in plain torch) on each
row set of INPUTS.json ({"<seq>": [[ids]]}), one warm-up then RUNS timed runs, and prints
JSON: {"<seq>": {"times": [...seconds], "splade": [dense row]}}.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ inside test/parity
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'parity'))
from reference import forward  # noqa: E402

NUMPY = {'F32': '<f4', 'F16': '<f2', 'I64': '<i8'}


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        raw = data[8 + n + begin:8 + n + end]
        if info['dtype'] == 'BF16':
            t = torch.from_numpy(np.frombuffer(raw, dtype='<i2').copy()).view(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, dtype=NUMPY[info['dtype']]).copy())
        out[name] = t.reshape(info['shape'])
        if out[name].is_floating_point():
            out[name] = out[name].to(torch.float32)
    return out


def load_model(model_dir):
    """(config, weights with HF's bert./cls. names, the MLM decoder weight) of a model folder."""
    with open(os.path.join(model_dir, 'config.json')) as f:
        cfg = json.load(f)
    cfg.setdefault('layer_norm_eps', 1e-12)
    cfg.setdefault('hidden_act', 'gelu')
    w = read_safetensors(os.path.join(model_dir, 'model.safetensors'))
    w = {(k if k.startswith('bert.') or k.startswith('cls.') else 'bert.' + k): v for k, v in w.items()}
    decoder = w.get('cls.predictions.decoder.weight', w['bert.embeddings.word_embeddings.weight'])
    return cfg, w, decoder


def main():
    model_dir, inputs_path, runs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    cfg, w, decoder = load_model(model_dir)
    with open(inputs_path) as f:
        inputs = json.load(f)
    result = {}
    with torch.no_grad():
        for seq, rows in inputs.items():
            ids = torch.tensor(rows, dtype=torch.int64)
            mask = torch.ones_like(ids)
            types = torch.zeros_like(ids)
            times = []
            for run in range(runs + 1):
                start = time.perf_counter()
                _, _, splade, _ = forward(cfg, w, decoder, ids, mask, types)
                if run > 0:
                    times.append(time.perf_counter() - start)
            result[seq] = {'times': times, 'splade': splade[0].tolist()}
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
