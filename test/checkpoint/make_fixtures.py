#!/usr/bin/python3
"""Writes the PyTorch checkpoint fixtures of splade-ts's checkpoint tests with torch.save.

    /usr/bin/python3 test/checkpoint/make_fixtures.py --out test/checkpoint/fixtures --seed 0

Every checkpoint gets a safetensors twin written by hand here (8-byte little-endian header
length, JSON header, raw little-endian data), independently of splade-ts, so the tests
compare splade-ts's pickle reader against bytes that torch itself produced.

Written (all tiny):
  tiny-f32/  tiny-f16/  tiny-bf16/   BertForMaskedLM state dicts of a 2-layer, hidden-8 BERT,
                                     decoder weight and bias tied (shared storage), as HF saves
  tiny-legacy-names/                 LayerNorm gamma/beta names and an int64 position_ids buffer
  tiny-legacy-format/                the pre-1.6 format (_use_new_zipfile_serialization=False)
  views.bin / views.safetensors      strided, offset, expanded, empty, integer, bool, f64 tensors
  malicious/*.bin                    torch.save files whose pickles try to run code (never run)
  sharded/                           pytorch_model.bin.index.json + two shards
Each model folder also holds config.json and vocab.txt so that it loads as a model.
"""
import argparse
import collections
import json
import os
import struct
import subprocess

import torch

PWNED = '/tmp/splade-ts-pwned'  # the malicious payloads would create this file
CONFIG = dict(
    architectures=['BertForMaskedLM'], model_type='bert', vocab_size=48, hidden_size=8,
    num_hidden_layers=2, num_attention_heads=2, intermediate_size=16, max_position_embeddings=16,
    type_vocab_size=2, hidden_act='gelu', layer_norm_eps=1e-12, pad_token_id=0,
    hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, initializer_range=0.02,
)
WORDS = ('the a is of and to in it that was for on are with as be at by this had not but '
         'what all were when we there can an your which their if do will each about how up').split()
VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] + WORDS


def bert_state_dict(generator, legacy_names=False):
    """The tensors of a tiny BertForMaskedLM, named as Hugging Face names them, decoder tied."""
    c = CONFIG
    h, inter = c['hidden_size'], c['intermediate_size']
    sd = collections.OrderedDict()

    def rand(*shape):
        return torch.randn(*shape, generator=generator) * 0.5

    def layer_norm(prefix):
        weight, bias = ('gamma', 'beta') if legacy_names else ('weight', 'bias')
        sd[f'{prefix}.LayerNorm.{weight}'] = 1 + rand(h) * 0.1
        sd[f'{prefix}.LayerNorm.{bias}'] = rand(h) * 0.1

    def dense(prefix, n_out, n_in):
        sd[f'{prefix}.weight'] = rand(n_out, n_in)
        sd[f'{prefix}.bias'] = rand(n_out) * 0.1

    word_embeddings = rand(c['vocab_size'], h)
    sd['bert.embeddings.word_embeddings.weight'] = word_embeddings
    if legacy_names:
        sd['bert.embeddings.position_ids'] = torch.arange(c['max_position_embeddings']).expand((1, -1))
    sd['bert.embeddings.position_embeddings.weight'] = rand(c['max_position_embeddings'], h)
    sd['bert.embeddings.token_type_embeddings.weight'] = rand(c['type_vocab_size'], h)
    layer_norm('bert.embeddings')
    for i in range(c['num_hidden_layers']):
        p = f'bert.encoder.layer.{i}'
        for part in ('query', 'key', 'value'):
            dense(f'{p}.attention.self.{part}', h, h)
        dense(f'{p}.attention.output.dense', h, h)
        layer_norm(f'{p}.attention.output')
        dense(f'{p}.intermediate.dense', inter, h)
        dense(f'{p}.output.dense', h, inter)
        layer_norm(f'{p}.output')
    decoder_bias = rand(c['vocab_size']) * 0.1
    sd['cls.predictions.bias'] = decoder_bias
    dense('cls.predictions.transform.dense', h, h)
    layer_norm('cls.predictions.transform')
    # As in HF's state_dict(): the tied parameters are detached views of one storage each.
    sd['cls.predictions.decoder.weight'] = word_embeddings.detach()
    sd['cls.predictions.decoder.bias'] = decoder_bias.detach()
    sd._metadata = collections.OrderedDict({'': {'version': 1}})
    return sd


SAFETENSORS_DTYPES = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8',
    torch.uint8: 'U8', torch.bool: 'BOOL',
}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what matter
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def write_safetensors(path, tensors):
    """Every tensor written as its own contiguous copy, in name order; header padded to 8 bytes."""
    header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {'dtype': SAFETENSORS_DTYPES[t.dtype], 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def write_model_folder(folder, sd, **save_options):
    os.makedirs(folder, exist_ok=True)
    torch.save(sd, os.path.join(folder, 'pytorch_model.bin'), **save_options)
    write_safetensors(os.path.join(folder, 'model.safetensors'), sd)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(folder, 'vocab.txt'), 'w') as f:
        f.write('\n'.join(VOCAB) + '\n')


def cast(sd, dtype):
    """Casts every float tensor while keeping the tied pairs tied (one storage each)."""
    out = collections.OrderedDict()
    converted = {}
    for name, t in sd.items():
        key = (t.untyped_storage().data_ptr() if hasattr(t, 'untyped_storage') else t.storage().data_ptr(), t.storage_offset())
        if key not in converted:
            converted[key] = t.to(dtype) if t.is_floating_point() else t
        out[name] = converted[key].detach()
    out._metadata = sd._metadata
    return out


def views_state_dict(generator):
    """Tensors that are not simply whole contiguous storages."""
    base = torch.randn(6, 5, generator=generator)
    ints = torch.randint(-1000, 1000, (12,), generator=generator)
    sd = collections.OrderedDict()
    sd['base'] = base
    sd['transposed'] = base.t()
    sd['slice'] = base[1:4, 2:]
    sd['column'] = base[:, 3]
    sd['every_other'] = base[::2, ::2]
    sd['expanded'] = torch.randn(1, 4, generator=generator).expand(3, 4)
    sd['empty'] = torch.zeros(0, 3)
    sd['scalar'] = torch.tensor(2.5)
    sd['f64'] = torch.randn(3, generator=generator, dtype=torch.float64)
    sd['f16_offset'] = torch.randn(10, generator=generator).half()[3:7]
    sd['bf16_t'] = torch.randn(2, 3, generator=generator).bfloat16().t()
    sd['i64'] = ints
    sd['i64_view'] = ints[2:10].view(2, 4)
    sd['i32'] = ints.to(torch.int32)
    sd['i16'] = ints.to(torch.int16)
    sd['i8'] = (ints % 100).to(torch.int8)
    sd['u8'] = (ints % 200).abs().to(torch.uint8)
    sd['bool'] = ints > 0
    return sd


class Evil:
    """Pickles as a call of `func(*args)`; unpickling it with pickle.load would run it."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)

    def __call__(self, *args):  # pickle insists that what __reduce__ calls is callable
        raise RuntimeError('never called')


def malicious_payloads(generator):
    w = torch.randn(2, 2, generator=generator)
    evil_system = Evil(os.system, f'touch {PWNED}')
    evil_eval = Evil(eval, f"__import__('os').system('touch {PWNED}')")
    evil_popen = Evil(subprocess.Popen, ['touch', PWNED])
    # getattr(__import__('os'), 'system')('touch ...'): the call target itself built by calls
    evil_getattr = Evil(Evil(getattr, Evil(__import__, 'os'), 'system'), f'touch {PWNED}')
    return {
        'os-system': (collections.OrderedDict(w=w, x=evil_system), {}),
        'builtins-eval': (collections.OrderedDict(x=evil_eval, w=w), {}),
        'subprocess-popen': (collections.OrderedDict(w=w, x=evil_popen), {}),
        'getattr': ({'w': w, 'x': evil_getattr}, {}),
        'nested': (collections.OrderedDict(w=w, meta={'a': [1, 2, (3, {'deep': evil_system})]}), {}),
        'memoised': (collections.OrderedDict(w=w, x=evil_popen, y=evil_popen, z=[evil_popen]), {}),
        'protocol4': (collections.OrderedDict(w=w, x=evil_system), {'pickle_protocol': 4}),
        'legacy-format': (collections.OrderedDict(w=w, x=evil_eval), {'_use_new_zipfile_serialization': False}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--bert-base', action='store_true',
                        help='instead: write one bert-base-size folder (random weights, ~440 MB) to --out, for bench/')
    args = parser.parse_args()
    out = args.out
    generator = torch.Generator().manual_seed(args.seed)
    if args.bert_base:
        CONFIG.update(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                      intermediate_size=3072, max_position_embeddings=512)
        os.makedirs(out, exist_ok=True)
        torch.save(bert_state_dict(generator), os.path.join(out, 'pytorch_model.bin'))
        with open(os.path.join(out, 'config.json'), 'w') as f:
            json.dump(CONFIG, f, indent=2)
        print(f'wrote a bert-base-size pytorch_model.bin to {out} (seed {args.seed})')
        return

    sd = bert_state_dict(generator)
    write_model_folder(os.path.join(out, 'tiny-f32'), sd)
    write_model_folder(os.path.join(out, 'tiny-f16'), cast(sd, torch.float16))
    write_model_folder(os.path.join(out, 'tiny-bf16'), cast(sd, torch.bfloat16))
    write_model_folder(os.path.join(out, 'tiny-legacy-format'), sd, _use_new_zipfile_serialization=False)
    write_model_folder(os.path.join(out, 'tiny-legacy-names'), bert_state_dict(generator, legacy_names=True))

    views = views_state_dict(generator)
    torch.save(views, os.path.join(out, 'views.bin'))
    write_safetensors(os.path.join(out, 'views.safetensors'), views)

    sharded = os.path.join(out, 'sharded')
    os.makedirs(sharded, exist_ok=True)
    names = list(sd.keys())
    first = names[: len(names) // 2]
    weight_map = {}
    for index, part in enumerate((first, names[len(names) // 2:])):
        shard = f'pytorch_model-{index + 1:05d}-of-00002.bin'
        torch.save(collections.OrderedDict((n, sd[n]) for n in part), os.path.join(sharded, shard))
        weight_map.update({n: shard for n in part})
    with open(os.path.join(sharded, 'pytorch_model.bin.index.json'), 'w') as f:
        json.dump({'metadata': {'total_size': 0}, 'weight_map': weight_map}, f, indent=2)
    write_safetensors(os.path.join(sharded, 'model.safetensors'), sd)

    malicious = os.path.join(out, 'malicious')
    os.makedirs(malicious, exist_ok=True)
    for name, (obj, options) in malicious_payloads(generator).items():
        torch.save(obj, os.path.join(malicious, f'{name}.bin'), **options)
    print(f'wrote fixtures to {out} (seed {args.seed})')


if __name__ == '__main__':
    main()
