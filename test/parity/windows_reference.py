#!/usr/bin/python3
"""PyTorch reference for long documents (`splade encode --overflow chunk --stride N`), in plain
torch with reference.py's BertForMaskedLM forward.

A text's word pieces are cut into windows of max_length - 2 pieces that overlap by `stride`
(step max_length - 2 - stride; windows start at 0, step, 2*step, ... and the last is the first
that reaches the text's end), each wrapped in [CLS] ... [SEP] and run alone (batch 1, no
padding); the text's SPLADE vector is the element-wise max over its windows' vectors. With
truncation a text keeps its first max_length - 2 pieces.

    /usr/bin/python3 test/parity/windows_reference.py OUT_DIR [--seed N]

writes OUT_DIR/chunk-64/: a BertForMaskedLM folder with 64 positions (config.json,
model.safetensors, vocab.txt, tokenizer_config.json), texts.jsonl (texts of whole-word
vocabulary tokens, so their word pieces are one id per word), pieces.json (those ids),
expected.safetensors: chunk [texts, vocab] (max_length 64, stride 16) and truncate [texts, vocab]
(max_length 64), and case.json.
"""
import argparse
import json
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

MAX_LENGTH = 64
STRIDE = 16
LENGTHS = [150, 20, 62, 63, 108]  # word pieces per text: several windows, one, exactly full, one over


def window_starts(pieces, window, stride):
    step = window - stride
    starts = [0]
    while starts[-1] + window < pieces:
        starts.append(starts[-1] + step)
    return starts


def splade_of(cfg, w, ids):
    row = torch.tensor([[reference.CLS] + ids + [reference.SEP]], dtype=torch.int64)
    mask = torch.ones_like(row)
    with torch.no_grad():
        _, _, splade, _ = reference.forward(cfg, w, w['bert.embeddings.word_embeddings.weight'], row, mask, torch.zeros_like(row))
    return splade[0]


def write(out_dir, seed):
    cfg = dict(reference.BASE, max_position_embeddings=MAX_LENGTH)
    gen = torch.Generator().manual_seed(seed)
    w = reference.canonical_weights(cfg, gen)
    vocab = reference.vocabulary(cfg['vocab_size'])
    words = [i for i, t in enumerate(vocab) if t in reference.WORDS]
    folder = os.path.join(out_dir, 'chunk-64')
    os.makedirs(folder, exist_ok=True)
    texts, pieces = [], []
    for n in LENGTHS:
        ids = [words[int(k)] for k in torch.randint(len(words), (n,), generator=gen)]
        pieces.append(ids)
        texts.append(' '.join(vocab[i] for i in ids))
    window = MAX_LENGTH - 2
    chunk, truncate = [], []
    for ids in pieces:
        vectors = [splade_of(cfg, w, ids[s:s + window]) for s in window_starts(len(ids), window, STRIDE)]
        chunk.append(torch.stack(vectors).max(dim=0).values)
        truncate.append(splade_of(cfg, w, ids[:window]))
    config = dict(cfg, architectures=['BertForMaskedLM'], model_type='bert', torch_dtype='float32')
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, 'vocab.txt'), 'w') as f:
        f.write('\n'.join(vocab) + '\n')
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump({'do_lower_case': True, 'model_max_length': MAX_LENGTH, 'tokenizer_class': 'BertTokenizer'}, f, indent=2)
    reference.write_safetensors(os.path.join(folder, 'model.safetensors'), w, lambda n, t: 'F32')
    reference.write_safetensors(os.path.join(folder, 'expected.safetensors'),
                                OrderedDict([('chunk', torch.stack(chunk)), ('truncate', torch.stack(truncate))]), lambda n, t: 'F32')
    with open(os.path.join(folder, 'texts.jsonl'), 'w') as f:
        f.write(''.join(json.dumps({'id': 'doc%d' % i, 'text': t}) + '\n' for i, t in enumerate(texts)))
    with open(os.path.join(folder, 'pieces.json'), 'w') as f:
        json.dump(pieces, f, separators=(',', ':'))
    with open(os.path.join(folder, 'case.json'), 'w') as f:
        json.dump({'name': 'chunk-64', 'max_length': MAX_LENGTH, 'stride': STRIDE, 'lengths': LENGTHS, 'seed': seed,
                   'torch': torch.__version__}, f, indent=2)
    print('wrote %s' % folder, file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--seed', type=int, default=6420)
    args = parser.parse_args()
    torch.set_num_threads(1)
    write(args.out_dir, args.seed)


if __name__ == '__main__':
    main()
