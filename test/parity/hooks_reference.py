#!/usr/bin/python3
"""What a PyTorch forward hook on every module of transformers' BertForMaskedLM,
DistilBertForMaskedLM or RobertaForMaskedLM captures, in plain PyTorch (no transformers).

The modules below copy modeling_bert.py, modeling_distilbert.py and modeling_roberta.py at
inference (eager attention, dropout off, output_attentions=True) with the same module tree, so
`model.named_modules()` gives Hugging Face's names; the checkpoint loads with load_state_dict
under its own names. A forward hook is registered on every module; a module that returns a
tuple is recorded by its first element (the hidden states), and the self-attention module
(BertSelfAttention, DistilBERT's MultiHeadSelfAttention) also gives `<name>.attention_probs`,
its second output (transformers' attentions).
Modules whose output is not an activation (the embedding tables, dropouts) are not recorded.

    /usr/bin/python3 test/parity/hooks_reference.py run MODEL_DIR INPUTS.json OUT.safetensors
    /usr/bin/python3 test/parity/hooks_reference.py write OUT_DIR

`run` writes every recorded module output as F32 by its module name, and input_ids and
attention_mask (I64). `write` (npm run parity:hooks-fixtures) makes OUT_DIR/<family>/ for the
models of FAMILIES: inputs.json (the first two rows of the model's parity inputs, of different
lengths, padded to the longer) and hooks.safetensors.
"""
import json
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402
import inspect_reference  # noqa: E402
import distilbert_reference  # noqa: E402


class Activation(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.fn = reference.activation(name)

    def forward(self, x):
        return self.fn(x)


# ---- BERT / RoBERTa (modeling_bert.py; RoBERTa's encoder is BERT's) ----

class BertEmbeddings(nn.Module):
    def __init__(self, cfg, roberta):
        super().__init__()
        H = cfg['hidden_size']
        self.roberta, self.pad = roberta, cfg['pad_token_id']
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], H)
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], H)
        self.token_type_embeddings = nn.Embedding(cfg['type_vocab_size'], H)
        self.LayerNorm = nn.LayerNorm(H, eps=cfg['layer_norm_eps'])

    def forward(self, ids, types):
        B, S = ids.shape
        if self.roberta:
            mask = ids.ne(self.pad).int()
            positions = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.pad
        else:
            positions = torch.arange(S).unsqueeze(0).expand(B, S)
        e = self.word_embeddings(ids) + self.token_type_embeddings(types) + self.position_embeddings(positions)
        return self.LayerNorm(e)


class BertSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg['hidden_size']
        self.A, self.hs = cfg['num_attention_heads'], H // cfg['num_attention_heads']
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)

    def forward(self, h, extended):
        B, S, H = h.shape

        def heads(x):
            return x.view(B, S, self.A, self.hs).permute(0, 2, 1, 3)

        q, k, v = heads(self.query(h)), heads(self.key(h)), heads(self.value(h))
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.hs) + extended, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(B, S, H)
        return context, probs


class BertSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg['hidden_size']
        self.dense, self.LayerNorm = nn.Linear(H, H), nn.LayerNorm(H, eps=cfg['layer_norm_eps'])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class BertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self, self.output = BertSelfAttention(cfg), BertSelfOutput(cfg)

    def forward(self, h, extended):
        context, probs = self.self(h, extended)
        return self.output(context, h), probs


class BertIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['intermediate_size'])
        self.intermediate_act_fn = Activation(cfg['hidden_act'])

    def forward(self, x):
        return self.intermediate_act_fn(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg['hidden_size']
        self.dense = nn.Linear(cfg['intermediate_size'], H)
        self.LayerNorm = nn.LayerNorm(H, eps=cfg['layer_norm_eps'])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention, self.intermediate, self.output = BertAttention(cfg), BertIntermediate(cfg), BertOutput(cfg)

    def forward(self, h, extended):
        attended, probs = self.attention(h, extended)
        return self.output(self.intermediate(attended), attended), probs


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg['num_hidden_layers'])])

    def forward(self, h, extended):
        for layer in self.layer:
            h, _ = layer(h, extended)
        return (h,)  # BaseModelOutput: last_hidden_state first


class BertModel(nn.Module):
    def __init__(self, cfg, roberta=False):
        super().__init__()
        self.embeddings, self.encoder = BertEmbeddings(cfg, roberta), BertEncoder(cfg)

    def forward(self, ids, mask, types):
        extended = (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        return self.encoder(self.embeddings(ids, types), extended)[0]


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg['hidden_size']
        self.dense = nn.Linear(H, H)
        self.transform_act_fn = Activation(cfg['hidden_act'])
        self.LayerNorm = nn.LayerNorm(H, eps=cfg['layer_norm_eps'])

    def forward(self, x):
        return self.LayerNorm(self.transform_act_fn(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transform = BertPredictionHeadTransform(cfg)
        self.decoder = nn.Linear(cfg['hidden_size'], cfg['vocab_size'])
        self.bias = nn.Parameter(torch.zeros(cfg['vocab_size']))  # the decoder's bias, tied

    def forward(self, x):
        return self.decoder(self.transform(x))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.predictions = BertLMPredictionHead(cfg)

    def forward(self, x):
        return self.predictions(x)


class BertForMaskedLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert, self.cls = BertModel(cfg), BertOnlyMLMHead(cfg)

    def forward(self, ids, mask, types):
        return self.cls(self.bert(ids, mask, types))


class RobertaLMHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        H = cfg['hidden_size']
        self.dense = nn.Linear(H, H)
        self.layer_norm = nn.LayerNorm(H, eps=cfg['layer_norm_eps'])
        self.decoder = nn.Linear(H, cfg['vocab_size'])
        self.bias = nn.Parameter(torch.zeros(cfg['vocab_size']))

    def forward(self, x):
        return self.decoder(self.layer_norm(F.gelu(self.dense(x))))


class RobertaForMaskedLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.roberta, self.lm_head = BertModel(cfg, roberta=True), RobertaLMHead(cfg)

    def forward(self, ids, mask, types):
        return self.lm_head(self.roberta(ids, mask, types))


# ---- DistilBERT (modeling_distilbert.py) ----

class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        D = cfg['dim']
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], D)
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], D)
        self.LayerNorm = nn.LayerNorm(D, eps=1e-12)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(positions))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        D = cfg['dim']
        self.A, self.dh = cfg['n_heads'], D // cfg['n_heads']
        self.q_lin, self.k_lin, self.v_lin, self.out_lin = (nn.Linear(D, D) for _ in range(4))

    def forward(self, x, mask):
        B, S, D = x.shape

        def shape(t):
            return t.view(B, -1, self.A, self.dh).transpose(1, 2)

        q = shape(self.q_lin(x)) / math.sqrt(self.dh)
        k, v = shape(self.k_lin(x)), shape(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3))
        scores = scores.masked_fill((mask == 0).view(B, 1, 1, S).expand_as(scores), torch.finfo(scores.dtype).min)
        weights = F.softmax(scores, dim=-1)
        context = torch.matmul(weights, v).transpose(1, 2).contiguous().view(B, -1, D)
        return self.out_lin(context), weights


class FFN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lin1 = nn.Linear(cfg['dim'], cfg['hidden_dim'])
        self.lin2 = nn.Linear(cfg['hidden_dim'], cfg['dim'])
        self.activation = Activation(cfg['activation'])

    def forward(self, x):
        return self.lin2(self.activation(self.lin1(x)))


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = MultiHeadSelfAttention(cfg)
        self.sa_layer_norm = nn.LayerNorm(cfg['dim'], eps=1e-12)
        self.ffn = FFN(cfg)
        self.output_layer_norm = nn.LayerNorm(cfg['dim'], eps=1e-12)

    def forward(self, x, mask):
        sa, weights = self.attention(x, mask)
        sa = self.sa_layer_norm(sa + x)
        # transformers returns (sa_weights, ffn_output) here; recorded by the hidden states
        return self.output_layer_norm(self.ffn(sa) + sa), weights


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg['n_layers'])])

    def forward(self, x, mask):
        for layer in self.layer:
            x, _ = layer(x, mask)
        return (x,)


class DistilBertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings, self.transformer = Embeddings(cfg), Transformer(cfg)

    def forward(self, ids, mask):
        return self.transformer(self.embeddings(ids), mask)[0]


class DistilBertForMaskedLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        D = cfg['dim']
        self.activation = Activation(cfg['activation'])
        self.distilbert = DistilBertModel(cfg)
        self.vocab_transform = nn.Linear(D, D)
        self.vocab_layer_norm = nn.LayerNorm(D, eps=1e-12)
        self.vocab_projector = nn.Linear(D, cfg['vocab_size'])

    def forward(self, ids, mask, types):
        x = self.vocab_layer_norm(self.activation(self.vocab_transform(self.distilbert(ids, mask))))
        return self.vocab_projector(x)


# ---- loading and hooks ----

def build(folder):
    with open(os.path.join(folder, 'config.json')) as f:
        raw = json.load(f)
    kind = raw.get('model_type', 'bert')
    weights, _ = inspect_reference.load_safetensors(os.path.join(folder, 'model.safetensors'))
    w = OrderedDict((k, v.to(torch.float32)) for k, v in weights.items() if v.is_floating_point())
    if kind == 'distilbert':
        cfg = dict(distilbert_reference.BASE, **raw)
        model = DistilBertForMaskedLM(cfg)
        if 'distilbert.embeddings.position_embeddings.weight' not in w:
            w['distilbert.embeddings.position_embeddings.weight'] = distilbert_reference.sinusoidal_table(
                cfg['max_position_embeddings'], cfg['dim'])
        w.setdefault('vocab_projector.weight', w['distilbert.embeddings.word_embeddings.weight'])
    elif kind == 'roberta':
        cfg = dict(dict(layer_norm_eps=1e-5, hidden_act='gelu'), **raw)
        model = RobertaForMaskedLM(cfg)
        w.setdefault('lm_head.decoder.weight', w['roberta.embeddings.word_embeddings.weight'])
        w.setdefault('lm_head.decoder.bias', w['lm_head.bias'])
    else:
        cfg = dict(dict(layer_norm_eps=1e-12, hidden_act='gelu'), **raw)
        model = BertForMaskedLM(cfg)
        w.setdefault('cls.predictions.decoder.weight', w['bert.embeddings.word_embeddings.weight'])
        w.setdefault('cls.predictions.decoder.bias', w['cls.predictions.bias'])
    model.load_state_dict(w, strict=True)
    return model.eval()


def hooked_outputs(model, ids, mask, types):
    recorded = OrderedDict()

    def hook(name):
        def record(module, _inputs, output):
            if isinstance(output, tuple):
                # the probabilities are the attention's own; the blocks above pass them on
                if isinstance(module, (BertSelfAttention, MultiHeadSelfAttention)):
                    recorded[name + '.attention_probs'] = output[1]
                output = output[0]
            recorded[name] = output
        return record

    for name, module in model.named_modules():
        if name and not isinstance(module, (nn.Embedding, nn.ModuleList)):
            module.register_forward_hook(hook(name))
    with torch.no_grad():
        model(ids, mask, types)
    return recorded


HERE = os.path.dirname(os.path.abspath(__file__))
# family -> the parity fixture whose model folder it uses
FAMILIES = OrderedDict([('bert', 'fixtures/f32'), ('distilbert', 'distilbert-fixtures/distilbert-f32'),
                        ('roberta', 'roberta-fixtures/roberta-f32')])


def two_rows(inputs):
    """The first two rows, cut to the longer one's length: a batch whose shorter row is padded."""
    mask = inputs['attention_mask'][:2]
    seq = max(sum(row) for row in mask)
    assert min(sum(row) for row in mask) < seq, 'rows of different lengths'
    return {'input_ids': [row[:seq] for row in inputs['input_ids'][:2]], 'attention_mask': [row[:seq] for row in mask]}


def write(out_dir):
    for family, model in FAMILIES.items():
        folder = os.path.join(out_dir, family)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(HERE, model, 'inputs.json')) as f:
            inputs = two_rows(json.load(f))
        with open(os.path.join(folder, 'inputs.json'), 'w') as f:
            json.dump(inputs, f, separators=(',', ':'))
        run(os.path.join(HERE, model), os.path.join(folder, 'inputs.json'), os.path.join(folder, 'hooks.safetensors'))
    print('wrote %d families to %s (torch %s)' % (len(FAMILIES), out_dir, torch.__version__), file=sys.stderr)


def run(folder, inputs_path, out_path):
    with open(inputs_path) as f:
        inputs = json.load(f)
    ids = torch.tensor(inputs['input_ids'], dtype=torch.int64)
    mask = torch.tensor(inputs['attention_mask'], dtype=torch.int64) if 'attention_mask' in inputs else torch.ones_like(ids)
    types = torch.tensor(inputs['token_type_ids'], dtype=torch.int64) if 'token_type_ids' in inputs else torch.zeros_like(ids)
    out = hooked_outputs(build(folder), ids, mask, types)
    out['input_ids'], out['attention_mask'] = ids, mask
    reference.write_safetensors(out_path, out, lambda n, t: 'F32' if t.is_floating_point() else 'I64')


def main():
    torch.set_num_threads(1)
    if sys.argv[1:2] == ['write'] and len(sys.argv) == 3:
        write(sys.argv[2])
    elif sys.argv[1:2] == ['run'] and len(sys.argv) == 5:
        run(*sys.argv[2:5])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
