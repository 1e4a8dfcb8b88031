"""Writes the SentencePiece Unigram fixtures of the XLM-RoBERTa tokenizer tests.

Trains small Unigram models with sentencepiece (Debian's python3-sentencepiece, offline) on a
generated multilingual corpus, and converts each to a tokenizer.json exactly as transformers'
XLMRobertaConverter (convert_slow_tokenizer.py) does for sentencepiece.bpe.model:

- vocab: <s>, <pad>, </s>, <unk> (score 0), then the model's pieces from the fourth on (the
  fairseq offset: sentencepiece id i >= 3 becomes id i + 1), then <mask> (score 0);
- unk_id 3, byte_fallback false;
- normalizer: Precompiled(the model's normalizer_spec.precompiled_charsmap), Replace(" {2,}", " ");
- pre_tokenizer and decoder: Metaspace("▁", prepend_scheme "always", split true);
- post_processor: TemplateProcessing "<s> $A </s>" / "<s> $A </s> </s> $B </s>";
- added tokens: the five special tokens, unnormalized, <mask> with lstrip.

Also writes, for texts where sentencepiece and Hugging Face's conversion should agree (single
spaces, no space at the ends, no unknown character), sentencepiece's own ids shifted by the
fairseq offset, for the tests to compare against.

Usage: /usr/bin/python3 test/parity/unigram_fixtures.py test/fixtures/unigram
"""

import base64
import json
import os
import random
import sys
import tempfile

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as model_pb2

SEED = 20261207

LATIN = (
    "the of and to in is was for that with on as by at from this have are not be which one all "
    "retrieval sparse lexical model query document ranking vector token language multilingual "
    "café résumé naïve façade über straße größe mädchen fiancée déjà vu piñata señor año "
    "niño corazón ação informação coração são não então português français español deutsch "
    "tiếng việt người việt nam hà nội đường phố cảm ơn xin chào thành phố hồ chí minh "
    "łódź żółć gęś świat zażółć kraków český řeka šťastný žluťoučký kůň dansk ørken æble "
    "ísland þorp ðú türkçe ığdır şeker çiçek göz müzik istanbul"
).split()
CYRILLIC = "привет мир москва россия поиск документ язык модель текст русский український київ".split()
GREEK = "καλημέρα κόσμε ελληνικά αθήνα γλώσσα κείμενο".split()
ARABIC = "مرحبا بالعالم اللغة العربية البحث نص القاهرة".split()
HEBREW = "שלום עולם עברית ירושלים".split()
DEVANAGARI = "नमस्ते दुनिया हिन्दी भाषा खोज क्षेत्र विद्यालय प्रश्न".split()
THAI = "สวัสดี ภาษาไทย กรุงเทพ".split()
AMHARIC = "ሰላም ዓለም አማርኛ ቋንቋ ኢትዮጵያ አዲስ አበባ".split()
EMOJI = ["😀", "😂", "👍", "👍🏽", "❤️", "🎉", "👨‍👩‍👧‍👦", "🇫🇷", "🇯🇵", "🔥"]
FULLWIDTH = ["ＡＢＣ", "ｈｅｌｌｏ", "１２３", "ＴＯＫＹＯ", "（ｔｅｓｔ）"]
SYMBOLS = ["①", "②", "Ⅻ", "ﬁ", "ﬂ", "²", "½", "™", "℃", "…", "—", "«", "»", "€", "£", "¥", "%", "&", "@", "#"]


def cjk_word(rng):
    kind = rng.random()
    if kind < 0.4:
        return "".join(chr(0x4E00 + int(rng.paretovariate(1.2) * 40) % 1500) for _ in range(rng.randint(1, 4)))
    if kind < 0.6:
        return "".join(chr(0x3041 + rng.randrange(83)) for _ in range(rng.randint(1, 5)))
    if kind < 0.75:
        return "".join(chr(0x30A1 + rng.randrange(89)) for _ in range(rng.randint(2, 5)))
    return "".join(chr(0xAC00 + int(rng.paretovariate(1.1) * 50) % 2000) for _ in range(rng.randint(1, 3)))


def number(rng):
    kind = rng.random()
    if kind < 0.6:
        return str(rng.randint(0, 100000))
    if kind < 0.8:
        return "%d.%02d" % (rng.randint(0, 999), rng.randint(0, 99))
    return "".join(chr(0x0660 + int(d)) for d in str(rng.randint(0, 9999)))


def sentence(rng):
    pools = [LATIN] * 6 + [CYRILLIC, GREEK, ARABIC, HEBREW, DEVANAGARI, THAI, AMHARIC]
    words = []
    for _ in range(rng.randint(3, 14)):
        r = rng.random()
        if r < 0.7:
            word = rng.choice(rng.choice(pools))
            if rng.random() < 0.15:
                word = word.capitalize()
            words.append(word)
        elif r < 0.82:
            words.append(cjk_word(rng))
        elif r < 0.9:
            words.append(number(rng))
        elif r < 0.94:
            words.append(rng.choice(EMOJI))
        elif r < 0.97:
            words.append(rng.choice(FULLWIDTH))
        else:
            words.append(rng.choice(SYMBOLS))
    text = " ".join(words)
    return text + rng.choice([".", "!", "?", "", ",", "。", "؟"])


def corpus(rng, count):
    return [sentence(rng) for _ in range(count)]


def train(lines, vocab_size, normalization, workdir, name):
    data = os.path.join(workdir, name + ".txt")
    with open(data, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    prefix = os.path.join(workdir, name)
    spm.SentencePieceTrainer.train(
        input=data,
        model_prefix=prefix,
        model_type="unigram",
        vocab_size=vocab_size,
        normalization_rule_name=normalization,
        character_coverage=0.995,
        num_threads=1,
        seed_sentencepiece_size=200000,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return prefix + ".model"


def special(content, token_id, lstrip=False):
    return {
        "id": token_id, "content": content, "single_word": False, "lstrip": lstrip,
        "rstrip": False, "normalized": False, "special": True,
    }


def xlmr_tokenizer_json(proto):
    """tokenizer.json as XLMRobertaConverter writes it (transformers 4.x, tokenizers 0.15+)."""
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    vocab += [[piece.piece, piece.score] for piece in proto.pieces[3:]]
    vocab += [["<mask>", 0.0]]
    mask_id = len(vocab) - 1
    charsmap = proto.normalizer_spec.precompiled_charsmap
    replace = {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}
    normalizers = [replace]
    if charsmap:
        normalizers.insert(0, {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")})
    metaspace = {"replacement": "▁", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special("<s>", 0), special("<pad>", 1), special("</s>", 2), special("<unk>", 3), special("<mask>", mask_id, lstrip=True)],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": dict(type="Metaspace", **metaspace),
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]},
            },
        },
        "decoder": dict(type="Metaspace", **metaspace),
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    }


def spm_reference(model_file, texts):
    """sentencepiece's ids for the texts it should agree on, shifted by the fairseq offset."""
    sp = spm.SentencePieceProcessor(model_file=model_file)
    rows = []
    for text in texts:
        if text != text.strip() or "  " in text or "\t" in text or "\n" in text:
            continue
        ids = sp.encode(text)
        if 0 in ids:  # an unknown character: fairseq maps it to <unk> (3), but fusing may differ
            continue
        rows.append({"text": text, "ids": [0] + [i + 1 for i in ids] + [2]})
    return rows


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/unigram"
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    lines = corpus(rng, 30000)
    held_out = corpus(random.Random(SEED + 1), 300)
    with tempfile.TemporaryDirectory() as workdir:
        for name, vocab_size, normalization in [("xlmr-nmt-nfkc", 3000, "nmt_nfkc"), ("identity", 1500, "identity")]:
            model_file = train(lines, vocab_size, normalization, workdir, name)
            proto = model_pb2.ModelProto()
            with open(model_file, "rb") as f:
                proto.ParseFromString(f.read())
            write_json(os.path.join(out, name + ".tokenizer.json"), xlmr_tokenizer_json(proto))
            if name == "xlmr-nmt-nfkc":
                write_json(os.path.join(out, name + ".spm-ids.json"), spm_reference(model_file, held_out))


if __name__ == "__main__":
    main()
