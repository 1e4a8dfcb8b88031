#!/usr/bin/python3
"""Parity reference for splade-ts, in plain PyTorch (transformers is not needed).

Builds small random-weight BertForMaskedLM checkpoints in Hugging Face layout (config.json,
model.safetensors, vocab.txt), runs the model the way transformers' modeling_bert.py does
(eager attention with the additive mask of the float minimum) in float32, and writes what
splade-ts must reproduce: the SPLADE vectors, the last hidden state, the MLM logits and two
named activations.

    /usr/bin/python3 test/parity/reference.py OUT_DIR [--seed N] [--case NAME]...

For each case, OUT_DIR/<case>/ holds
    config.json, model.safetensors, vocab.txt   the model folder
    inputs.json       {"input_ids", "attention_mask"?, "token_type_ids"?}: the CLI's --input-ids file
    expected.safetensors
                      last_hidden_state [B, S, H], logits [B, S, V], splade [B, V],
                      bert.embeddings [B, S, H],
                      bert.encoder.layer.0.attention.self.attention_probs [B, A, S, S]
    case.json         the case's name, description, seed and storage dtype

The safetensors format is written by hand (8-byte little-endian header length, JSON header,
raw little-endian data) because the safetensors Python package is not installed here.
"""
import argparse
import json
import math
import os
import struct
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F

BASE = dict(
    vocab_size=256,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    hidden_act='gelu',
    max_position_embeddings=32,
    type_vocab_size=2,
    layer_norm_eps=1e-12,
    pad_token_id=0,
)

# name -> (description, config overrides, options)
CASES = OrderedDict([
    ('f32', ('F32 storage, a batch of three rows padded to the longest; no token_type_ids given',
             {}, dict(dtype='F32', lengths=[9, 5, 12]))),
    ('f16', ('F16 storage, padded batch', {}, dict(dtype='F16', lengths=[7, 12, 4]))),
    ('bf16', ('BF16 storage, padded batch', {}, dict(dtype='BF16', lengths=[12, 3, 8]))),
    ('single', ('one unpadded row, neither attention_mask nor token_type_ids given',
                {}, dict(dtype='F32', lengths=[10], mask=False))),
    ('token-types', ('sentence pairs with token type ids, three token types',
                     {'type_vocab_size': 3}, dict(dtype='F32', lengths=[11, 8], pairs=True))),
    ('legacy-names', ('no "bert." prefix, LayerNorm gamma/beta, a position_ids buffer, pooler weights '
                      'and cls.predictions.decoder.bias instead of cls.predictions.bias',
                      {}, dict(dtype='F32', lengths=[6, 9], legacy=True))),
    ('untied-decoder', ('an explicit cls.predictions.decoder.weight unlike the word embeddings',
                        {'tie_word_embeddings': False}, dict(dtype='F32', lengths=[8, 5], untied=True))),
    ('head-size-12', ('hidden 36 with 3 heads of 12, 3 layers', {'hidden_size': 36, 'num_attention_heads': 3,
                      'num_hidden_layers': 3, 'intermediate_size': 48}, dict(dtype='F32', lengths=[9, 6]))),
    ('gelu-tanh', ('hidden_act gelu_pytorch_tanh', {'hidden_act': 'gelu_pytorch_tanh'},
                   dict(dtype='F32', lengths=[7, 10]))),
    ('max-length', ('a row exactly max_position_embeddings (16) long and a padded one',
                    {'max_position_embeddings': 16}, dict(dtype='F32', lengths=[16, 5]))),
])

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP = 0, 1, 2, 3
WORDS = ('the of and to in is was for on that with as by at from his an were are which this be has had '
         'it or not but its new first one their after also who they two been her she have more than '
         'world war project atomic bomb energy history science peace legacy end help bring use city '
         'state time years people part made during later most over only such into about between '
         'manhattan nuclear weapon power research team work military government united states ').split()


def vocabulary(size):
    """[PAD] [UNK] [CLS] [SEP] [MASK], the letters, their ## continuations, then whole words."""
    letters = [chr(c) for c in range(ord('a'), ord('z') + 1)]
    tokens = SPECIALS + letters + ['##' + c for c in letters]
    for word in WORDS:
        if len(tokens) >= size:
            break
        if word not in tokens:
            tokens.append(word)
    n = 0
    while len(tokens) < size:
        tokens.append('[unused%d]' % n)
        n += 1
    return tokens


def canonical_weights(cfg, gen):
    """Random weights under transformers' BertForMaskedLM names, scaled so that activations
    and logits are of order one and a part of the vocabulary is active."""
    H, I, V = cfg['hidden_size'], cfg['intermediate_size'], cfg['vocab_size']
    w = OrderedDict()

    def normal(shape, std, mean=0.0):
        return torch.randn(*shape, generator=gen) * std + mean

    def layer_norm(prefix, n):
        w[prefix + '.weight'] = normal([n], 0.1, 1.0)
        w[prefix + '.bias'] = normal([n], 0.1)

    def linear(prefix, n_in, n_out):
        w[prefix + '.weight'] = normal([n_out, n_in], 1.0 / math.sqrt(n_in))
        w[prefix + '.bias'] = normal([n_out], 0.1)

    w['bert.embeddings.word_embeddings.weight'] = normal([V, H], 2.0 / math.sqrt(H))
    w['bert.embeddings.position_embeddings.weight'] = normal([cfg['max_position_embeddings'], H], 0.5)
    w['bert.embeddings.token_type_embeddings.weight'] = normal([cfg['type_vocab_size'], H], 0.5)
    layer_norm('bert.embeddings.LayerNorm', H)
    for i in range(cfg['num_hidden_layers']):
        p = 'bert.encoder.layer.%d.' % i
        for name in ('query', 'key', 'value'):
            linear(p + 'attention.self.' + name, H, H)
        linear(p + 'attention.output.dense', H, H)
        layer_norm(p + 'attention.output.LayerNorm', H)
        linear(p + 'intermediate.dense', H, I)
        linear(p + 'output.dense', I, H)
        layer_norm(p + 'output.LayerNorm', H)
    linear('cls.predictions.transform.dense', H, H)
    layer_norm('cls.predictions.transform.LayerNorm', H)
    w['cls.predictions.bias'] = normal([V], 0.5, -1.0)
    return w


def round_to_storage(w, dtype):
    """The weights as the checkpoint stores them, back in float32 (what a float32 model loads)."""
    torch_dtype = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16}[dtype]
    return OrderedDict((k, v.to(torch_dtype).to(torch.float32)) for k, v in w.items())


def stored_tensors(w, cfg, opts, gen):
    """The checkpoint's (name, tensor) list: canonical names, or the case's variations."""
    out = OrderedDict(w)
    if opts.get('untied'):
        out['cls.predictions.decoder.weight'] = torch.randn(cfg['vocab_size'], cfg['hidden_size'], generator=gen) \
            * (2.0 / math.sqrt(cfg['hidden_size']))
    if opts.get('legacy'):
        renamed = OrderedDict()
        for k, v in out.items():
            k = k.replace('LayerNorm.weight', 'LayerNorm.gamma').replace('LayerNorm.bias', 'LayerNorm.beta')
            if k.startswith('bert.'):
                k = k[len('bert.'):]
            if k == 'cls.predictions.bias':
                k = 'cls.predictions.decoder.bias'
            renamed[k] = v
        renamed['embeddings.position_ids'] = torch.arange(cfg['max_position_embeddings']).unsqueeze(0)
        H = cfg['hidden_size']
        renamed['pooler.dense.weight'] = torch.randn(H, H, generator=gen)
        renamed['pooler.dense.bias'] = torch.randn(H, generator=gen)
        out = renamed
    return out


def activation(name):
    if name == 'gelu':
        return F.gelu
    if name in ('gelu_new', 'gelu_pytorch_tanh'):
        return lambda x: F.gelu(x, approximate='tanh')
    if name == 'gelu_fast':
        return lambda x: 0.5 * x * (1.0 + torch.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))
    if name == 'quick_gelu':
        return lambda x: x * torch.sigmoid(1.702 * x)
    if name == 'relu':
        return F.relu
    if name in ('silu', 'swish'):
        return F.silu
    raise ValueError(name)


def forward(cfg, w, decoder_weight, input_ids, attention_mask, token_type_ids):
    """BertForMaskedLM as transformers computes it at inference (dropout off), then SPLADE."""
    B, S = input_ids.shape
    H, A = cfg['hidden_size'], cfg['num_attention_heads']
    hs = H // A
    eps = cfg['layer_norm_eps']
    act = activation(cfg['hidden_act'])

    def linear(x, name):
        return F.linear(x, w[name + '.weight'], w[name + '.bias'])

    def layer_norm(x, name):
        return F.layer_norm(x, (H,), w[name + '.weight'], w[name + '.bias'], eps)

    def heads(x):
        return x.view(B, S, A, hs).permute(0, 2, 1, 3)

    positions = torch.arange(S).unsqueeze(0).expand(B, S)
    e = w['bert.embeddings.word_embeddings.weight'][input_ids] + w['bert.embeddings.token_type_embeddings.weight'][token_type_ids]
    e = e + w['bert.embeddings.position_embeddings.weight'][positions]
    h = layer_norm(e, 'bert.embeddings.LayerNorm')
    captured = OrderedDict([('bert.embeddings', h)])
    extended = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
    for i in range(cfg['num_hidden_layers']):
        p = 'bert.encoder.layer.%d.' % i
        q = heads(linear(h, p + 'attention.self.query'))
        k = heads(linear(h, p + 'attention.self.key'))
        v = heads(linear(h, p + 'attention.self.value'))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hs) + extended
        probs = torch.softmax(scores, dim=-1)
        if i == 0:
            captured[p + 'attention.self.attention_probs'] = probs
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(B, S, H)
        attended = layer_norm(linear(context, p + 'attention.output.dense') + h, p + 'attention.output.LayerNorm')
        intermediate = act(linear(attended, p + 'intermediate.dense'))
        h = layer_norm(linear(intermediate, p + 'output.dense') + attended, p + 'output.LayerNorm')
    transformed = layer_norm(act(linear(h, 'cls.predictions.transform.dense')), 'cls.predictions.transform.LayerNorm')
    logits = F.linear(transformed, decoder_weight, w['cls.predictions.bias'])
    # SPLADE max pooling, as the SPLADE code base and the model card compute it.
    splade = torch.max(torch.log(1 + torch.relu(logits)) * attention_mask.unsqueeze(-1), dim=1).values
    return h, logits, splade, captured


def make_inputs(cfg, opts, gen):
    lengths = opts['lengths']
    S, V = max(lengths), cfg['vocab_size']
    ids = torch.full((len(lengths), S), PAD, dtype=torch.int64)
    mask = torch.zeros((len(lengths), S), dtype=torch.int64)
    types = torch.zeros((len(lengths), S), dtype=torch.int64)
    for b, n in enumerate(lengths):
        row = torch.randint(len(SPECIALS), V, (n,), generator=gen)
        row[0] = CLS
        row[n - 1] = SEP
        if opts.get('pairs'):
            middle = n // 2
            row[middle] = SEP
            types[b, middle + 1:n] = 1 + b % (cfg['type_vocab_size'] - 1)
        ids[b, :n] = row
        mask[b, :n] = 1
    return ids, mask, types


STORAGE = {'F32': (torch.float32, 'F32'), 'F16': (torch.float16, 'F16'), 'BF16': (torch.bfloat16, 'BF16'),
           'I64': (torch.int64, 'I64')}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype('<i2').tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def write_safetensors(path, tensors, dtype_of):
    header = OrderedDict()
    chunks = []
    offset = 0
    for name, t in tensors.items():
        dtype = dtype_of(name, t)
        data = tensor_bytes(t.to(STORAGE[dtype][0]))
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header['__metadata__'] = {'format': 'pt'}
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def write_case(out_dir, name, seed):
    description, overrides, opts = CASES[name]
    cfg = dict(BASE, **overrides)
    gen = torch.Generator().manual_seed(seed)
    weights = round_to_storage(canonical_weights(cfg, gen), opts['dtype'])
    stored = stored_tensors(weights, cfg, opts, gen)
    stored = OrderedDict((k, v.to(STORAGE[opts['dtype']][0]).to(torch.float32) if v.is_floating_point() else v)
                         for k, v in stored.items())
    decoder = stored.get('cls.predictions.decoder.weight', weights['bert.embeddings.word_embeddings.weight'])
    ids, mask, types = make_inputs(cfg, opts, gen)
    with torch.no_grad():
        hidden, logits, splade, captured = forward(cfg, weights, decoder, ids, mask, types)

    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    config = dict(cfg, architectures=['BertForMaskedLM'], model_type='bert', torch_dtype={
        'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16'}[opts['dtype']])
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, 'vocab.txt'), 'w') as f:
        f.write('\n'.join(vocabulary(cfg['vocab_size'])) + '\n')
    write_safetensors(os.path.join(folder, 'model.safetensors'), stored,
                      lambda n, t: opts['dtype'] if t.is_floating_point() else 'I64')
    expected = OrderedDict([('last_hidden_state', hidden), ('logits', logits), ('splade', splade)])
    expected.update(captured)
    write_safetensors(os.path.join(folder, 'expected.safetensors'), expected, lambda n, t: 'F32')
    inputs = {'input_ids': ids.tolist()}
    if opts.get('mask', True):
        inputs['attention_mask'] = mask.tolist()
    if opts.get('pairs'):
        inputs['token_type_ids'] = types.tolist()
    with open(os.path.join(folder, 'inputs.json'), 'w') as f:
        json.dump(inputs, f, separators=(',', ':'))
    with open(os.path.join(folder, 'case.json'), 'w') as f:
        json.dump({'name': name, 'description': description, 'seed': seed, 'dtype': opts['dtype'],
                   'torch': torch.__version__}, f, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--seed', type=int, default=1234, help='base seed; case i uses seed + i')
    parser.add_argument('--case', action='append', choices=list(CASES), help='only these cases (default: all)')
    args = parser.parse_args()
    torch.set_num_threads(1)
    for i, name in enumerate(CASES):
        if args.case and name not in args.case:
            continue
        write_case(args.out_dir, name, args.seed + i)
    print('wrote %d cases to %s' % (len(args.case or CASES), args.out_dir), file=sys.stderr)


if __name__ == '__main__':
    main()
