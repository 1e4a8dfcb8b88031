#!/usr/bin/python3
"""Exports a model folder (config.json + model.safetensors, F32, tied decoder) to ONNX for the
benchmark's onnxruntime anchors: the forward pass of test/parity/reference.py (the project's
plain-PyTorch BertForMaskedLM) plus SPLADE max pooling, as one graph
    (input_ids, attention_mask, token_type_ids) [B, S] int64 -> splade [B, V] float32.

    /usr/bin/python3 bench/export-onnx.py MODEL_DIR OUT.onnx
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'parity'))
import reference  # noqa: E402  (the parity reference's forward, reused rather than written twice)


def read_safetensors(path):
    with open(path, 'rb') as f:
        size = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        if info['dtype'] != 'F32':
            raise SystemExit('export-onnx: %s is %s; only F32 checkpoints are supported' % (name, info['dtype']))
        begin, end = info['data_offsets']
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(info['shape'])
    return out


class Splade(torch.nn.Module):
    def __init__(self, cfg, weights):
        super().__init__()
        self.cfg = cfg
        self.names = list(weights)
        for i, (name, tensor) in enumerate(weights.items()):
            self.register_buffer('w%d' % i, tensor)

    def forward(self, input_ids, attention_mask, token_type_ids):
        w = {name: getattr(self, 'w%d' % i) for i, name in enumerate(self.names)}
        decoder = w.get('cls.predictions.decoder.weight', w['bert.embeddings.word_embeddings.weight'])
        _, _, splade, _ = reference.forward(self.cfg, w, decoder, input_ids, attention_mask, token_type_ids)
        return splade


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(model_dir, 'config.json')) as f:
        cfg = json.load(f)
    module = Splade(cfg, read_safetensors(os.path.join(model_dir, 'model.safetensors'))).eval()
    ids = torch.tensor([[101, 2000, 2001, 102], [101, 2002, 102, 0]], dtype=torch.int64)
    mask = (ids != 0).to(torch.int64)
    types = torch.zeros_like(ids)
    axes = {0: 'batch', 1: 'seq'}
    with torch.no_grad():
        torch.onnx.export(module, (ids, mask, types), out, opset_version=14,
                          input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['splade'],
                          dynamic_axes={'input_ids': axes, 'attention_mask': axes, 'token_type_ids': axes, 'splade': {0: 'batch'}})
    print('wrote %s (%.0f MB)' % (out, os.path.getsize(out) / 1e6))


if __name__ == '__main__':
    main()
