#!/usr/bin/python3
"""Parity reference for splade-ts's DistilBertForMaskedLM, in plain PyTorch (no transformers).

Builds small random-weight DistilBertForMaskedLM checkpoints in Hugging Face layout and runs
them the way transformers' modeling_distilbert.py does at inference (dropout off): embeddings
word + position (no token types) then LayerNorm; per layer q_lin/k_lin/v_lin, q scaled by
1/sqrt(head size) before q.k, scores of padding keys filled with the float minimum, softmax,
out_lin, sa_layer_norm(out + x), ffn lin1/activation/lin2, output_layer_norm(ffn + sa); then
vocab_transform, activation, vocab_layer_norm, vocab_projector (tied to the word embeddings);
then SPLADE max pooling. Every LayerNorm has eps 1e-12, as the module hard-codes it.

    /usr/bin/python3 test/parity/distilbert_reference.py write OUT_DIR [--seed N]
    /usr/bin/python3 test/parity/distilbert_reference.py run MODEL_DIR INPUTS.json OUT.safetensors

`write` makes OUT_DIR/<case>/: config.json (as transformers writes it), model.safetensors,
vocab.txt, inputs.json (the --input-ids file), expected.safetensors (last_hidden_state, logits,
splade, distilbert.embeddings, distilbert.transformer.layer.0.attention.attention_probs) and
hf_outputs.safetensors (what DistilBertForMaskedLM(..., output_hidden_states=True,
output_attentions=True) returns: hidden_states.{i}, attentions.{i}, logits, input_ids,
attention_mask). `run` writes hf_outputs for any folder (e.g. one from npm run generate-model).
"""
import argparse
import json
import math
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402
import inspect_reference  # noqa: E402

BASE = dict(vocab_size=256, dim=32, n_layers=2, n_heads=4, hidden_dim=64, activation='gelu',
            max_position_embeddings=32, sinusoidal_pos_embds=False, pad_token_id=0)
EPS = 1e-12

# name -> (description, config overrides, options)
CASES = OrderedDict([
    ('distilbert-f32', ('F32, a batch of three rows padded to the longest', {}, dict(dtype='F32', lengths=[9, 5, 12]))),
    ('distilbert-sinusoidal', ('sinusoidal_pos_embds with no position table in the checkpoint (computed as '
                               'transformers does), activation gelu_new, one unpadded row without attention_mask',
                               {'sinusoidal_pos_embds': True, 'activation': 'gelu_new'},
                               dict(dtype='F32', lengths=[14], mask=False, drop_positions=True))),
    ('distilbert-f16', ('F16 storage, dim 36 with 3 heads of 12, 3 layers', {'dim': 36, 'n_heads': 3, 'n_layers': 3,
                        'hidden_dim': 48}, dict(dtype='F16', lengths=[7, 12, 4]))),
])


def config_json(cfg, dtype):
    """config.json as transformers' save_pretrained writes a DistilBertConfig (keys sorted)."""
    full = dict(activation=cfg['activation'], architectures=['DistilBertForMaskedLM'], attention_dropout=0.1,
                dim=cfg['dim'], dropout=0.1, hidden_dim=cfg['hidden_dim'], initializer_range=0.02,
                max_position_embeddings=cfg['max_position_embeddings'], model_type='distilbert',
                n_heads=cfg['n_heads'], n_layers=cfg['n_layers'], pad_token_id=cfg['pad_token_id'], qa_dropout=0.1,
                seq_classif_dropout=0.2, sinusoidal_pos_embds=cfg['sinusoidal_pos_embds'],
                torch_dtype={'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16'}[dtype],
                transformers_version='4.34.1', vocab_size=cfg['vocab_size'])
    return OrderedDict(sorted(full.items()))


def sinusoidal_table(n_pos, dim):
    """transformers' _create_sinusoidal_embeddings: float64 numpy, then FloatTensor."""
    position_enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.empty(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out


def canonical_weights(cfg, gen):
    """Random weights under transformers' DistilBertForMaskedLM names, in state_dict order,
    scaled so that activations and logits are of order one."""
    D, I, V = cfg['dim'], cfg['hidden_dim'], cfg['vocab_size']
    w = OrderedDict()

    def normal(shape, std, mean=0.0):
        return torch.randn(*shape, generator=gen) * std + mean

    def layer_norm(prefix):
        w[prefix + '.weight'] = normal([D], 0.1, 1.0)
        w[prefix + '.bias'] = normal([D], 0.1)

    def linear(prefix, n_in, n_out):
        w[prefix + '.weight'] = normal([n_out, n_in], 1.0 / math.sqrt(n_in))
        w[prefix + '.bias'] = normal([n_out], 0.1)

    w['distilbert.embeddings.word_embeddings.weight'] = normal([V, D], 2.0 / math.sqrt(D))
    if cfg['sinusoidal_pos_embds']:
        w['distilbert.embeddings.position_embeddings.weight'] = sinusoidal_table(cfg['max_position_embeddings'], D)
    else:
        w['distilbert.embeddings.position_embeddings.weight'] = normal([cfg['max_position_embeddings'], D], 0.5)
    layer_norm('distilbert.embeddings.LayerNorm')
    for i in range(cfg['n_layers']):
        p = 'distilbert.transformer.layer.%d.' % i
        for name in ('q_lin', 'k_lin', 'v_lin', 'out_lin'):
            linear(p + 'attention.' + name, D, D)
        layer_norm(p + 'sa_layer_norm')
        linear(p + 'ffn.lin1', D, I)
        linear(p + 'ffn.lin2', I, D)
        layer_norm(p + 'output_layer_norm')
    linear('vocab_transform', D, D)
    layer_norm('vocab_layer_norm')
    w['vocab_projector.bias'] = normal([V], 0.5, -1.0)
    return w


def forward(cfg, w, input_ids, attention_mask):
    """DistilBertForMaskedLM at inference, then SPLADE: (last hidden, logits, splade, trace)."""
    B, S = input_ids.shape
    D, A = cfg['dim'], cfg['n_heads']
    dh = D // A
    act = reference.activation(cfg['activation'])

    def linear(x, name):
        return F.linear(x, w[name + '.weight'], w[name + '.bias'])

    def layer_norm(x, name):
        return F.layer_norm(x, (D,), w[name + '.weight'], w[name + '.bias'], EPS)

    def shape(x):
        return x.view(B, -1, A, dh).transpose(1, 2)

    positions = torch.arange(S).unsqueeze(0).expand(B, S)
    e = w['distilbert.embeddings.word_embeddings.weight'][input_ids] + w['distilbert.embeddings.position_embeddings.weight'][positions]
    h = layer_norm(e, 'distilbert.embeddings.LayerNorm')
    hidden_states, attentions = [h], []
    for i in range(cfg['n_layers']):
        p = 'distilbert.transformer.layer.%d.' % i
        q = shape(linear(h, p + 'attention.q_lin'))
        k = shape(linear(h, p + 'attention.k_lin'))
        v = shape(linear(h, p + 'attention.v_lin'))
        q = q / math.sqrt(dh)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (attention_mask == 0).view(B, 1, 1, S).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = F.softmax(scores, dim=-1)
        attentions.append(weights)
        context = torch.matmul(weights, v).transpose(1, 2).contiguous().view(B, -1, A * dh)
        sa = layer_norm(linear(context, p + 'attention.out_lin') + h, p + 'sa_layer_norm')
        ffn = linear(act(linear(sa, p + 'ffn.lin1')), p + 'ffn.lin2')
        h = layer_norm(ffn + sa, p + 'output_layer_norm')
        hidden_states.append(h)
    x = layer_norm(act(linear(h, 'vocab_transform')), 'vocab_layer_norm')
    decoder = w.get('vocab_projector.weight', w['distilbert.embeddings.word_embeddings.weight'])
    logits = F.linear(x, decoder, w['vocab_projector.bias'])
    splade = torch.max(torch.log(1 + torch.relu(logits)) * attention_mask.unsqueeze(-1), dim=1).values
    return h, logits, splade, dict(hidden_states=hidden_states, attentions=attentions)


def hf_outputs(logits, trace, ids, mask):
    out = OrderedDict()
    for i, h in enumerate(trace['hidden_states']):
        out['hidden_states.%d' % i] = h
    for i, a in enumerate(trace['attentions']):
        out['attentions.%d' % i] = a
    out['logits'] = logits
    out['input_ids'] = ids
    out['attention_mask'] = mask
    return out


def write_case(out_dir, name, seed):
    description, overrides, opts = CASES[name]
    cfg = dict(BASE, **overrides)
    gen = torch.Generator().manual_seed(seed)
    weights = reference.round_to_storage(canonical_weights(cfg, gen), opts['dtype'])
    stored = OrderedDict(weights)
    if opts.get('drop_positions'):
        del stored['distilbert.embeddings.position_embeddings.weight']
    ids, mask, _ = reference.make_inputs(dict(cfg, type_vocab_size=1), opts, gen)
    with torch.no_grad():
        hidden, logits, splade, trace = forward(cfg, weights, ids, mask)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config_json(cfg, opts['dtype']), f, indent=2)
        f.write('\n')
    with open(os.path.join(folder, 'vocab.txt'), 'w') as f:
        f.write('\n'.join(reference.vocabulary(cfg['vocab_size'])) + '\n')
    reference.write_safetensors(os.path.join(folder, 'model.safetensors'), stored, lambda n, t: opts['dtype'])
    expected = OrderedDict([('last_hidden_state', hidden), ('logits', logits), ('splade', splade),
                            ('distilbert.embeddings', trace['hidden_states'][0]),
                            ('distilbert.transformer.layer.0.attention.attention_probs', trace['attentions'][0])])
    reference.write_safetensors(os.path.join(folder, 'expected.safetensors'), expected, lambda n, t: 'F32')
    reference.write_safetensors(os.path.join(folder, 'hf_outputs.safetensors'), hf_outputs(logits, trace, ids, mask),
                                lambda n, t: 'F32' if t.is_floating_point() else 'I64')
    inputs = {'input_ids': ids.tolist()}
    if opts.get('mask', True):
        inputs['attention_mask'] = mask.tolist()
    with open(os.path.join(folder, 'inputs.json'), 'w') as f:
        json.dump(inputs, f, separators=(',', ':'))
    with open(os.path.join(folder, 'case.json'), 'w') as f:
        json.dump({'name': name, 'description': description, 'seed': seed, 'dtype': opts['dtype'],
                   'torch': torch.__version__}, f, indent=2)


def run(model_dir, inputs_path, out_path):
    """hf_outputs.safetensors for any DistilBertForMaskedLM folder and --input-ids file."""
    with open(os.path.join(model_dir, 'config.json')) as f:
        cfg = dict(BASE, **json.load(f))
    tensors, _ = inspect_reference.load_safetensors(os.path.join(model_dir, 'model.safetensors'))
    w = OrderedDict((k, v.to(torch.float32)) for k, v in tensors.items() if v.is_floating_point())
    if 'distilbert.embeddings.position_embeddings.weight' not in w:
        w['distilbert.embeddings.position_embeddings.weight'] = sinusoidal_table(cfg['max_position_embeddings'], cfg['dim'])
    with open(inputs_path) as f:
        inputs = json.load(f)
    ids = torch.tensor(inputs['input_ids'], dtype=torch.int64)
    mask = torch.tensor(inputs['attention_mask'], dtype=torch.int64) if 'attention_mask' in inputs else torch.ones_like(ids)
    with torch.no_grad():
        _, logits, splade, trace = forward(cfg, w, ids, mask)
    out = hf_outputs(logits, trace, ids, mask)
    out['splade'] = splade
    reference.write_safetensors(out_path, out, lambda n, t: 'F32' if t.is_floating_point() else 'I64')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='mode', required=True)
    p = sub.add_parser('write')
    p.add_argument('out_dir')
    p.add_argument('--seed', type=int, default=2468)
    p = sub.add_parser('run')
    p.add_argument('model_dir')
    p.add_argument('inputs')
    p.add_argument('out')
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.mode == 'write':
        for i, name in enumerate(CASES):
            write_case(args.out_dir, name, args.seed + i)
        print('wrote %d DistilBERT cases to %s' % (len(CASES), args.out_dir), file=sys.stderr)
    else:
        run(args.model_dir, args.inputs, args.out)


if __name__ == '__main__':
    main()
