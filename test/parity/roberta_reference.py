#!/usr/bin/python3
"""Parity reference for splade-ts's RobertaForMaskedLM, in plain PyTorch (no transformers).

Builds small random-weight RobertaForMaskedLM checkpoints in Hugging Face layout and runs them
the way transformers' modeling_roberta.py does at inference (dropout off):
- embeddings: word + token type + position, then LayerNorm, where the position ids come from
  the input ids (create_position_ids_from_input_ids): padding_idx + the token's rank among the
  row's non-padding tokens, and padding_idx itself for a padding token (even inside a row);
- the encoder is BERT's (query/key/value, scores / sqrt(head size) + the extended mask filled
  with the float minimum, softmax, output dense + residual + LayerNorm, intermediate with
  hidden_act, output dense + residual + LayerNorm), with the config's layer_norm_eps;
- lm_head: dense, GELU (exact erf GELU, whatever hidden_act says), layer_norm, decoder (tied to
  the word embeddings unless the checkpoint has lm_head.decoder.weight) + lm_head.bias;
then SPLADE max pooling.

    /usr/bin/python3 test/parity/roberta_reference.py write OUT_DIR [--seed N]
    /usr/bin/python3 test/parity/roberta_reference.py run MODEL_DIR INPUTS.json OUT.safetensors

`write` makes OUT_DIR/<case>/: config.json, model.safetensors, a small byte-level BPE
tokenizer (vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json), inputs.json
(the --input-ids file), expected.safetensors (last_hidden_state, logits, splade,
roberta.embeddings, roberta.encoder.layer.0.attention.self.attention_probs) and
hf_outputs.safetensors (hidden_states.{i}, attentions.{i}, logits, input_ids, attention_mask:
what RobertaForMaskedLM(..., output_hidden_states=True, output_attentions=True) returns).
"""
import argparse
import json
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402
import inspect_reference  # noqa: E402

SPECIALS = ['<s>', '<pad>', '</s>', '<unk>']
BOS, PAD, EOS = 0, 1, 2
BASE = dict(vocab_size=300, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
            hidden_act='gelu', max_position_embeddings=34, type_vocab_size=1, layer_norm_eps=1e-5,
            pad_token_id=PAD, bos_token_id=BOS, eos_token_id=EOS, tie_word_embeddings=True)

# name -> (description, config overrides, options)
CASES = OrderedDict([
    ('roberta-f32', ('F32, tied decoder, a batch of three rows padded to the longest', {},
                     dict(dtype='F32', lengths=[9, 5, 12]))),
    ('roberta-bf16-untied', ('BF16 storage (as granite-embedding-30m-sparse), an explicit lm_head.decoder.weight and '
                             'lm_head.decoder.bias, hidden_act gelu_new in the encoder (the head keeps erf GELU), '
                             'two token types, hidden 36 with 3 heads of 12, 3 layers',
                             {'hidden_act': 'gelu_new', 'type_vocab_size': 2, 'tie_word_embeddings': False,
                              'hidden_size': 36, 'num_attention_heads': 3, 'num_hidden_layers': 3,
                              'intermediate_size': 48},
                             dict(dtype='BF16', lengths=[7, 12, 4], untied=True))),
    ('roberta-positions', ('a row of the longest sequence (max_position_embeddings - pad_token_id - 1 = 32), a '
                           'padded row with the padding id inside it, keys without the roberta. prefix',
                           {}, dict(dtype='F32', lengths=[32, 10], pad_inside=True, bare=True))),
])


def byte_symbols():
    """GPT-2's bytes_to_unicode: the printable stand-in of every byte."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('\xa1'), ord('\xac') + 1)) + list(range(ord('\xae'), ord('\xff') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


def tokenizer_files(size):
    """A byte-level BPE vocabulary of `size` ids: the four specials, the 256 byte symbols,
    merges that build a few common words (with and without the leading space), <mask> last."""
    tokens = SPECIALS + byte_symbols()
    merges = []
    space = byte_symbols()[ord(' ')]
    for word in ('the', 'and', 'of', 'to', 'in', 'is', 'was', 'for', 'on', 'that', 'with', 'as', 'sparse', 'search'):
        for form in (space + word, word):
            current = form[0]
            for ch in form[1:]:
                if len(tokens) >= size - 1:
                    break
                merged = current + ch
                if merged not in tokens:
                    merges.append('%s %s' % (current, ch))
                    tokens.append(merged)
                current = merged
    while len(tokens) < size - 1:
        tokens.append('<unused%d>' % (len(tokens)))
    tokens.append('<mask>')
    return {t: i for i, t in enumerate(tokens)}, merges


def canonical_weights(cfg, gen, untied):
    """Random weights under transformers' RobertaForMaskedLM names, in state_dict order,
    scaled so that activations and logits are of order one."""
    H, I, V = cfg['hidden_size'], cfg['intermediate_size'], cfg['vocab_size']
    w = OrderedDict()

    def normal(shape, std, mean=0.0):
        return torch.randn(*shape, generator=gen) * std + mean

    def layer_norm(prefix):
        w[prefix + '.weight'] = normal([H], 0.1, 1.0)
        w[prefix + '.bias'] = normal([H], 0.1)

    def linear(prefix, n_in, n_out):
        w[prefix + '.weight'] = normal([n_out, n_in], 1.0 / math.sqrt(n_in))
        w[prefix + '.bias'] = normal([n_out], 0.1)

    w['roberta.embeddings.word_embeddings.weight'] = normal([V, H], 2.0 / math.sqrt(H))
    w['roberta.embeddings.position_embeddings.weight'] = normal([cfg['max_position_embeddings'], H], 0.5)
    w['roberta.embeddings.token_type_embeddings.weight'] = normal([cfg['type_vocab_size'], H], 0.5)
    layer_norm('roberta.embeddings.LayerNorm')
    for i in range(cfg['num_hidden_layers']):
        p = 'roberta.encoder.layer.%d.' % i
        for name in ('query', 'key', 'value'):
            linear(p + 'attention.self.' + name, H, H)
        linear(p + 'attention.output.dense', H, H)
        layer_norm(p + 'attention.output.LayerNorm')
        linear(p + 'intermediate.dense', H, I)
        linear(p + 'output.dense', I, H)
        layer_norm(p + 'output.LayerNorm')
    linear('lm_head.dense', H, H)
    layer_norm('lm_head.layer_norm')
    w['lm_head.bias'] = normal([V], 0.5, -1.0)
    if untied:
        w['lm_head.decoder.weight'] = normal([V, H], 2.0 / math.sqrt(H))
        w['lm_head.decoder.bias'] = w['lm_head.bias']
    return w


def position_ids(input_ids, padding_idx):
    """transformers' create_position_ids_from_input_ids (past length 0)."""
    mask = input_ids.ne(padding_idx).int()
    return (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + padding_idx


def forward(cfg, w, input_ids, attention_mask, token_type_ids):
    """RobertaForMaskedLM at inference, then SPLADE: (last hidden, logits, splade, trace)."""
    B, S = input_ids.shape
    H, A = cfg['hidden_size'], cfg['num_attention_heads']
    hs = H // A
    eps = cfg['layer_norm_eps']
    act = reference.activation(cfg['hidden_act'])

    def linear(x, name):
        return F.linear(x, w[name + '.weight'], w[name + '.bias'])

    def layer_norm(x, name):
        return F.layer_norm(x, (H,), w[name + '.weight'], w[name + '.bias'], eps)

    def heads(x):
        return x.view(B, S, A, hs).permute(0, 2, 1, 3)

    positions = position_ids(input_ids, cfg['pad_token_id'])
    e = w['roberta.embeddings.word_embeddings.weight'][input_ids] + w['roberta.embeddings.token_type_embeddings.weight'][token_type_ids]
    e = e + w['roberta.embeddings.position_embeddings.weight'][positions]
    h = layer_norm(e, 'roberta.embeddings.LayerNorm')
    hidden_states, attentions = [h], []
    extended = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
    for i in range(cfg['num_hidden_layers']):
        p = 'roberta.encoder.layer.%d.' % i
        q = heads(linear(h, p + 'attention.self.query'))
        k = heads(linear(h, p + 'attention.self.key'))
        v = heads(linear(h, p + 'attention.self.value'))
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hs) + extended, dim=-1)
        attentions.append(probs)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(B, S, H)
        attended = layer_norm(linear(context, p + 'attention.output.dense') + h, p + 'attention.output.LayerNorm')
        h = layer_norm(linear(act(linear(attended, p + 'intermediate.dense')), p + 'output.dense') + attended,
                       p + 'output.LayerNorm')
        hidden_states.append(h)
    x = layer_norm(F.gelu(linear(h, 'lm_head.dense')), 'lm_head.layer_norm')
    decoder = w.get('lm_head.decoder.weight', w['roberta.embeddings.word_embeddings.weight'])
    logits = F.linear(x, decoder, w['lm_head.bias'])
    splade = torch.max(torch.log(1 + torch.relu(logits)) * attention_mask.unsqueeze(-1), dim=1).values
    return h, logits, splade, dict(hidden_states=hidden_states, attentions=attentions)


def make_inputs(cfg, opts, gen):
    lengths = opts['lengths']
    S, V = max(lengths), cfg['vocab_size']
    ids = torch.full((len(lengths), S), PAD, dtype=torch.int64)
    mask = torch.zeros((len(lengths), S), dtype=torch.int64)
    types = torch.zeros((len(lengths), S), dtype=torch.int64)
    for b, n in enumerate(lengths):
        row = torch.randint(len(SPECIALS), V, (n,), generator=gen)
        row[0] = BOS
        row[n - 1] = EOS
        if opts.get('pad_inside') and b == 1:
            row[n // 2] = PAD
        ids[b, :n] = row
        mask[b, :n] = 1
    return ids, mask, types


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


def config_json(cfg, dtype):
    """config.json as transformers' save_pretrained writes a RobertaConfig (keys sorted)."""
    full = dict(cfg, architectures=['RobertaForMaskedLM'], model_type='roberta', attention_probs_dropout_prob=0.1,
                hidden_dropout_prob=0.1, initializer_range=0.02, position_embedding_type='absolute',
                classifier_dropout=None, use_cache=True, transformers_version='4.48.2',
                torch_dtype={'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16'}[dtype])
    return OrderedDict(sorted(full.items()))


def write_tokenizer(folder, cfg):
    vocab, merges = tokenizer_files(cfg['vocab_size'])
    with open(os.path.join(folder, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + '\n'.join(merges) + '\n')
    specials = dict(bos_token='<s>', eos_token='</s>', sep_token='</s>', cls_token='<s>', unk_token='<unk>',
                    pad_token='<pad>', mask_token='<mask>')
    with open(os.path.join(folder, 'special_tokens_map.json'), 'w') as f:
        json.dump(specials, f, indent=2)
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump(dict(specials, tokenizer_class='RobertaTokenizer', add_prefix_space=False, errors='replace',
                       model_max_length=cfg['max_position_embeddings'] - cfg['pad_token_id'] - 1), f, indent=2)


def write_case(out_dir, name, seed):
    description, overrides, opts = CASES[name]
    cfg = dict(BASE, **overrides)
    gen = torch.Generator().manual_seed(seed)
    weights = reference.round_to_storage(canonical_weights(cfg, gen, opts.get('untied')), opts['dtype'])
    stored = OrderedDict((k[len('roberta.'):] if opts.get('bare') and k.startswith('roberta.') else k, v)
                         for k, v in weights.items())
    ids, mask, types = make_inputs(cfg, opts, gen)
    with torch.no_grad():
        hidden, logits, splade, trace = forward(cfg, weights, ids, mask, types)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config_json(cfg, opts['dtype']), f, indent=2)
        f.write('\n')
    write_tokenizer(folder, cfg)
    reference.write_safetensors(os.path.join(folder, 'model.safetensors'), stored, lambda n, t: opts['dtype'])
    expected = OrderedDict([('last_hidden_state', hidden), ('logits', logits), ('splade', splade),
                            ('roberta.embeddings', trace['hidden_states'][0]),
                            ('roberta.encoder.layer.0.attention.self.attention_probs', trace['attentions'][0])])
    reference.write_safetensors(os.path.join(folder, 'expected.safetensors'), expected, lambda n, t: 'F32')
    reference.write_safetensors(os.path.join(folder, 'hf_outputs.safetensors'), hf_outputs(logits, trace, ids, mask),
                                lambda n, t: 'F32' if t.is_floating_point() else 'I64')
    with open(os.path.join(folder, 'inputs.json'), 'w') as f:
        json.dump({'input_ids': ids.tolist(), 'attention_mask': mask.tolist()}, f, separators=(',', ':'))
    with open(os.path.join(folder, 'case.json'), 'w') as f:
        json.dump({'name': name, 'description': description, 'seed': seed, 'dtype': opts['dtype'],
                   'torch': torch.__version__}, f, indent=2)


def run(model_dir, inputs_path, out_path):
    """hf_outputs.safetensors (and splade) for any RobertaForMaskedLM folder and --input-ids file."""
    with open(os.path.join(model_dir, 'config.json')) as f:
        cfg = dict(BASE, **json.load(f))
    tensors, _ = inspect_reference.load_safetensors(os.path.join(model_dir, 'model.safetensors'))
    w = OrderedDict(('roberta.' + k if not k.startswith(('roberta.', 'lm_head.')) else k, v.to(torch.float32))
                    for k, v in tensors.items() if v.is_floating_point())
    with open(inputs_path) as f:
        inputs = json.load(f)
    ids = torch.tensor(inputs['input_ids'], dtype=torch.int64)
    mask = torch.tensor(inputs['attention_mask'], dtype=torch.int64) if 'attention_mask' in inputs else torch.ones_like(ids)
    with torch.no_grad():
        _, logits, splade, trace = forward(cfg, w, ids, mask, torch.zeros_like(ids))
    out = hf_outputs(logits, trace, ids, mask)
    out['splade'] = splade
    reference.write_safetensors(out_path, out, lambda n, t: 'F32' if t.is_floating_point() else 'I64')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='mode', required=True)
    p = sub.add_parser('write')
    p.add_argument('out_dir')
    p.add_argument('--seed', type=int, default=9753)
    p = sub.add_parser('run')
    p.add_argument('model_dir')
    p.add_argument('inputs')
    p.add_argument('out')
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.mode == 'write':
        for i, name in enumerate(CASES):
            write_case(args.out_dir, name, args.seed + i)
        print('wrote %d RoBERTa cases to %s' % (len(CASES), args.out_dir), file=sys.stderr)
    else:
        run(args.model_dir, args.inputs, args.out)


if __name__ == '__main__':
    main()
