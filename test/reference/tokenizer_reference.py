#!/usr/bin/python3
"""Independent reference for the tokenizer loader (src/core/text/).

Debian has no python3-tokenizers, so this script implements the three tokenization algorithms from
their published definitions (GPT-2 byte-level BPE, BERT WordPiece, SentencePiece Unigram/Viterbi)
in plain Python, writes three small made-up tokenizer.json files (public domain) and the ids and
decoded strings it computes for a list of texts. test/unit/text/tokenizerReference.test.ts checks the
TypeScript loader against them. Nothing here uses our code or @huggingface/tokenizers.

Run: /usr/bin/python3 test/reference/tokenizer_reference.py   (writes test/fixtures/text/)
"""
import json
import math
import os
import re
import unicodedata

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'text')


def write(name, obj):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write('\n')


# ---------------------------------------------------------------- GPT-2 byte-level BPE
def bytes_to_unicode():
    # GPT-2 encoder.py: printable bytes map to themselves, the others to 256 + n.
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('\xa1'), ord('\xac') + 1)) + list(range(ord('\xae'), ord('\xff') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


B2U = bytes_to_unicode()
U2B = {v: k for k, v in B2U.items()}
# The GPT-2 pattern with \p{L} -> [^\W\d_] and \p{N} -> \d: equal for the texts below (no No/Nl numbers).
GPT2_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
BPE_MERGES = [
    ('Ġ', 't'), ('h', 'e'), ('Ġt', 'he'), ('Ġ', 'a'), ('a', 't'), ('e', 'n'), ('Ġ', 'p'), ('Ġp', 'at'),
    ('i', 'en'), ('Ġpat', 'ien'), ('Ġpatien', 't'), ('e', 'r'), ('Ġ', 'f'), ('e', 'v'), ('Ġf', 'ev'),
    ('Ġfev', 'er'), ('r', 'a'), ('Ġ', 'r'), ('Ġr', 'at'), ('Ġrat', 'e'), ('Ġ', 'h'), ('Ġh', 'a'), ('Ġha', 's'),
    ('l', 'l'), ('he', 'll'), ('hell', 'o'), ('Ġ', 'w'), ('o', 'r'), ('Ġw', 'or'), ('Ġwor', 'l'), ('Ġworl', 'd'),
    ('7', '2'), ('Ġ', 'i'), ('Ġi', 's'), ('Ġ', 'b'), ('p', 'm'), ('Ġb', 'pm'), ('Ġ', 'Ġ'), ('Ã', '©'),
]


def bpe_vocab():
    vocab = {B2U[b]: b for b in range(256)}
    for a, b in BPE_MERGES:
        vocab.setdefault(a + b, len(vocab))
    return vocab


def bpe_word(word, ranks):
    # GPT-2 encoder.py bpe(): merge the lowest-ranked adjacent pair everywhere, left to right, until none.
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((parts[i], parts[i + 1]), math.inf), i) for i in range(len(parts) - 1)]
        best = min(pairs)[0]
        if best == math.inf:
            break
        a, b = BPE_MERGES[best]
        out, i = [], 0
        while i < len(parts):
            if i < len(parts) - 1 and parts[i] == a and parts[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(parts[i])
                i += 1
        parts = out
    return parts


def bpe_encode(text, vocab, specials):
    ranks = {m: i for i, m in enumerate(BPE_MERGES)}
    ids = []
    # Added tokens split the text first and are never merged.
    pieces = re.split('(' + '|'.join(re.escape(s) for s in specials) + ')', text) if specials else [text]
    for piece in pieces:
        if piece in specials:
            ids.append(specials[piece])
            continue
        for word in GPT2_SPLIT.findall(piece):
            mapped = ''.join(B2U[b] for b in word.encode('utf-8'))
            ids.extend(vocab[t] for t in bpe_word(mapped, ranks))
    return ids


def bpe_decode(ids, vocab, specials):
    inv = {v: k for k, v in vocab.items()}
    inv.update({v: k for k, v in specials.items()})
    out = bytearray()
    for i in ids:
        t = inv[i]
        out.extend(t.encode('utf-8') if t in specials else bytes(U2B[c] for c in t))
    return out.decode('utf-8', errors='replace')


# ---------------------------------------------------------------- BERT WordPiece
WP_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'patient', 'has', 'a', 'fever', 'heart', 'rate', 'is',
            'b', '##pm', 'cafe', 'naive', '.', ',', '!', "'", 's', 'it', 'fe', '##ver', '##s', '7', '##2', 'x', '##ray',
            'ray', '-', '心', '脏', 'hyper', '##tension', '##ten', '##sion', 'un', '##known']


def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def bert_normalize(text):
    # BertNormalizer(clean_text, handle_chinese_chars, lowercase, strip_accents follows lowercase).
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ('Cc', 'Cf') and ch not in '\t\n\r'):
            continue
        out.append(' ' if ch in ' \t\n\r' or unicodedata.category(ch) == 'Zs' else ch)
    text = ''.join(' %s ' % ch if is_cjk(ord(ch)) else ch for ch in out).lower()
    return ''.join(ch for ch in unicodedata.normalize('NFD', text) if unicodedata.category(ch) != 'Mn')


def bert_pre_tokenize(text):
    words = []
    for w in text.split():
        cur = ''
        for ch in w:
            if is_punct(ch):
                if cur:
                    words.append(cur)
                words.append(ch)
                cur = ''
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


def wordpiece(word, vocab, max_chars=100):
    # Greedy longest-match-first; any unmatched rest makes the whole word [UNK].
    if len(word) > max_chars:
        return ['[UNK]']
    out, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = ('##' if start > 0 else '') + word[start:end]
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return ['[UNK]']
        out.append(cur)
        start = end
    return out


def wp_encode(text, vocab):
    tokens = ['[CLS]'] + [t for w in bert_pre_tokenize(bert_normalize(text)) for t in wordpiece(w, vocab)] + ['[SEP]']
    return [vocab[t] for t in tokens]


def wp_decode(ids, inv, skip_special):
    tokens = [inv[i] for i in ids if not (skip_special and inv[i] in ('[CLS]', '[SEP]', '[PAD]', '[UNK]', '[MASK]'))]
    out = []
    for i, t in enumerate(tokens):
        t = t[2:] if i > 0 and t.startswith('##') else (t if i == 0 else ' ' + t)
        # cleanup=true: the transformers clean_up_tokenization rules, applied token by token.
        for a, b in ((' .', '.'), (' ?', '?'), (' !', '!'), (' ,', ','), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
            t = t.replace(a, b)
        out.append(t)
    return ''.join(out)


# ---------------------------------------------------------------- SentencePiece Unigram + Metaspace
UNI_PIECES = [('<unk>', 0.0), ('<s>', 0.0), ('</s>', 0.0), ('▁', -2.1), ('▁the', -3.3), ('▁pat', -6.2), ('ient', -5.9),
              ('▁patient', -7.7), ('▁has', -4.4), ('▁a', -3.9), ('▁fever', -8.8), ('▁fe', -5.1), ('ver', -5.3),
              ('t', -4.7), ('h', -4.8), ('e', -4.2), ('a', -4.3), ('s', -4.6), ('p', -5.0), ('i', -4.9), ('n', -4.5),
              ('r', -4.55), ('v', -5.6), ('f', -5.2), ('▁he', -4.05), ('art', -5.45), ('▁heart', -8.1), ('o', -4.65),
              ('l', -4.75), ('▁hello', -9.3), ('d', -4.85), ('▁world', -9.9), ('w', -5.7), ('c', -5.8), ('é', -7.3),
              ('▁caf', -8.4), ('.', -3.6), ('1', -6.1), ('2', -6.3), ('▁1', -6.6)]


def viterbi(word, pieces):
    # Best segmentation by total score; a character no piece starts with is <unk> at min score - 10.
    scores = {p: s for p, s in pieces[3:]}
    unk_score = min(s for _, s in pieces) - 10
    n = len(word)
    best = [(-math.inf, None)] * (n + 1)
    best[0] = (0.0, None)
    for end in range(1, n + 1):
        for start in range(end):
            piece = word[start:end]
            s = scores.get(piece)
            if s is None and end - start == 1 and not any(word.startswith(p, start) and len(p) == 1 for p in scores):
                s, piece = unk_score, None
            if s is not None and best[start][0] + s > best[end][0]:
                best[end] = (best[start][0] + s, (start, piece))
    out, end = [], n
    while end > 0:
        start, piece = best[end][1]
        out.append(piece)
        end = start
    return out[::-1]


def uni_encode(text, pieces):
    ids_of = {p: i for i, (p, _) in enumerate(pieces)}
    # Metaspace(replacement '▁', prepend_scheme 'always', split true): words start at each '▁'.
    s = text.replace(' ', '▁')
    if not s.startswith('▁'):
        s = '▁' + s
    words = [w for w in re.split('(?=▁)', s) if w]
    ids = []
    for w in words:
        for piece in viterbi(w, pieces):
            i = 0 if piece is None else ids_of[piece]
            if not (i == 0 and ids and ids[-1] == 0):  # consecutive unknowns fuse into one <unk>
                ids.append(i)
    return ids


def uni_decode(ids, pieces):
    text = ''.join(pieces[i][0] for i in ids).replace('▁', ' ')
    return text[1:] if text.startswith(' ') else text


TEXTS = [
    'the patient has a fever',
    'The heart rate is 72 bpm.',
    'hello world',
    'hello  world ',
    "it's a fever!",
    'naïve café',
    'hypertension, unknown x-ray',
    '心脏 72',
    'Patient: 🫀 rate<|endoftext|>the',
    '\tthe\npatient\r\n',
    'zzz',
]


def main():
    os.makedirs(OUT, exist_ok=True)
    vocab = bpe_vocab()
    specials = {'<|endoftext|>': 300}
    write('bpe-bytelevel.tokenizer.json', {
        'version': '1.0',
        'truncation': None, 'padding': None,
        'added_tokens': [{'id': 300, 'content': '<|endoftext|>', 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': False, 'use_regex': True},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '', 'end_of_word_suffix': '',
                  'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False, 'vocab': vocab, 'merges': [f'{a} {b}' for a, b in BPE_MERGES]},
    })
    write('bpe-bytelevel.tokenizer_config.json', {
        'bos_token': '<|endoftext|>', 'eos_token': {'__type': 'AddedToken', 'content': '<|endoftext|>', 'special': True},
        'unk_token': None, 'pad_token': None, 'clean_up_tokenization_spaces': False, 'model_max_length': 1024,
    })
    wp_vocab = {t: i for i, t in enumerate(WP_VOCAB)}
    write('wordpiece-bert.tokenizer.json', {
        'version': '1.0',
        'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for i, t in enumerate(WP_VOCAB[:5])],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
                           'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
                           'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [2], 'tokens': ['[CLS]']}, '[SEP]': {'id': '[SEP]', 'ids': [3], 'tokens': ['[SEP]']}}},
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': wp_vocab},
    })
    write('unigram-metaspace.tokenizer.json', {
        'version': '1.0',
        'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for i, t in enumerate(['<unk>', '<s>', '</s>'])],
        'normalizer': None,
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True},
        'post_processor': None,
        'decoder': {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': 0, 'vocab': [list(p) for p in UNI_PIECES], 'byte_fallback': False},
    })
    wp_inv = {i: t for t, i in wp_vocab.items()}
    expected = {'bpe': [], 'wordpiece': [], 'unigram': []}
    for text in TEXTS:
        ids = bpe_encode(text, vocab, specials)
        expected['bpe'].append({'text': text, 'ids': ids, 'decoded': bpe_decode(ids, vocab, specials)})
        if '<|' not in text:
            ids = wp_encode(text, wp_vocab)
            expected['wordpiece'].append({'text': text, 'ids': ids, 'decoded': wp_decode(ids, wp_inv, False), 'decodedSkip': wp_decode(ids, wp_inv, True)})
        # Unigram: texts of the pieces' alphabet plus a few unknown characters (which fuse).
        if not re.search(r'[\t\n\r<]', text):
            ids = uni_encode(text, UNI_PIECES)
            expected['unigram'].append({'text': text, 'ids': ids, 'decoded': uni_decode(ids, UNI_PIECES)})
    write('tokenizer_expected.json', expected)


if __name__ == '__main__':
    main()
