"""The named-entity stage: a character-level CRF trained offline on MSRA.

Entities are found on characters whatever the segmenter, so a boundary inside a segmenter word
(13-14% of MSRA entities) costs nothing: `char_ner` runs its inner character pipeline on
doc.text, splits the outer tokens at entity boundaries and sets doc.ents.

The inner pipeline (nlp/models/ner/) is:
  tokenizer "nlp.char_features.v1" - one token per character; doc._.jieba.tags = each
      character's place in its jieba word (B/M/E/S), the word length and its dictionary POS;
  crf_entities - a linear-chain CRF over BIOES tags, its features the characters, bigrams and
      trigrams around each one, and the jieba words and tags around it (the dictionary's
      nr/ns/nt act as a lexicon); labels PER / LOC / ORG. CRFsuite trains it (nlp train ner);
      it ships and runs as arrays (LinearChainCRF);
  person_rules (added at load time): trims title words off PER spans, adds surname + honorific
      persons (王女士, 李某);
  entity_ruler (added at load time for a user gazetteer, overwrite_ents=True: it wins).
"""

from __future__ import annotations

import json
import logging
import re
from math import log
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Iterable, Iterator

import jieba
import jieba.posseg
import numpy as np
import pycrfsuite
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch, registry
from spacy_pkuseg.inference import run_viterbi

from nlp.corpus import doc_text, token_bounds, word_offsets
from nlp.util import char_batches, lookup

# jieba announces its dictionary loading on stderr, which would bury the progress bar and errors.
jieba.setLogLevel(logging.WARNING)

MODEL_DIR = Path(__file__).parent / "models" / "ner"
LABELS = ("PER", "LOC", "ORG")
EDGE = "^"  # stands for the character before the first / after the last
# A line longer than this is read in pieces: the CRF's memory grows with the length of what it
# reads, and its features reach two characters, so cutting after a sentence end loses nothing.
MAX_PIECE_CHARS = 5000
# and a batch of pieces holds at most this many characters, whatever the documents' lengths
MAX_BATCH_CHARS = 20000
SENTENCE_ENDS = "。！？"


# ---------------------------------------------------------------- character tokens and features


@registry.tokenizers("nlp.char_features.v1")
def create_char_feature_tokenizer():
    def make(nlp: Language) -> "CharFeatureTokenizer":
        return CharFeatureTokenizer(nlp.vocab)

    return make


@dataclass(frozen=True)
class JiebaTags:
    """What the character tokenizer read off a text, kept on the inner doc as doc._.jieba: the text
    (Doc.text joins every token anew, and here a token is a character) and its characters' jieba
    word tags (word_tags). A plain list, not token.tag_: writing and reading a tag per token
    through spaCy's string store cost a fifth of the NER's time."""

    text: str
    tags: list[str]


if not Doc.has_extension("jieba"):
    Doc.set_extension("jieba", default=None)


class CharFeatureTokenizer:
    """One token per character (whitespace included, so doc.text is the text), with the
    characters' jieba word tags in doc._.jieba."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        chars = list(text)
        doc = Doc(self.vocab, words=chars, spaces=[False] * len(chars))
        doc._.jieba = JiebaTags(text, word_tags(text))
        return doc

    # nothing to store: the tags come from jieba's dictionary
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "CharFeatureTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "CharFeatureTokenizer":
        return self


def word_tags(text: str) -> list[str]:
    """Per character: its place in its jieba word (B/M/E/S), the word length (capped at 5) and
    the word's dictionary POS, e.g. B3-nr. jieba runs without its HMM, and its dictionary tags
    are what the model should learn to trust or not."""
    tags = []
    for word, flag in dictionary_words(text):
        size = len(word)
        if size == 1:
            tags.append(f"S-{flag}")
        else:
            length = min(size, 5)
            tags.append(f"B{length}-{flag}")
            tags.extend([f"M{length}-{flag}"] * (size - 2))
            tags.append(f"E{length}-{flag}")
    if len(tags) != len(text):  # jieba never drops characters, but never trust that blindly
        tags = (tags + ["S-x"] * len(text))[: len(text)]
    return tags


def dictionary_words(text: str) -> list[tuple[str, str]]:
    """(word, flag) pairs, exactly those of jieba.posseg.cut(text, HMM=False) (tested), 1.5 times
    as fast: jieba builds its word graph in one pass (a dict of lists, two lookups a candidate)
    and scores it in another (a log and a generator of tuples a candidate); here one pass keeps
    each candidate's log frequency for the other. The NER reads this for every character."""
    tokenizer, flags = jieba.posseg.dt.tokenizer, jieba.posseg.dt.word_tag_tab
    tokenizer.check_initialized()
    frequency, log_total = tokenizer.FREQ.get, log(tokenizer.total)
    pairs = []
    for block in jieba.posseg.re_han_internal.split(text):
        if not block:
            continue
        if not jieba.posseg.re_han_internal.match(block):
            # spaces alone; numbers, letters and other characters one by one (jieba tests the
            # whole run for letters, each character for digits)
            for run in jieba.posseg.re_skip_internal.split(block):
                if jieba.posseg.re_skip_internal.match(run):
                    pairs.append((run, "x"))
                else:
                    letters = jieba.posseg.re_eng.match(run)
                    pairs += [(c, "m" if jieba.posseg.re_num.match(c) else "eng" if letters else "x") for c in run]
            continue
        n = len(block)
        # per start: (last character, log probability) of every dictionary word starting there;
        # jieba's dictionary holds every prefix of its words, with frequency 0 unless a word
        candidates = []
        for start in range(n):
            found = []
            end, seen = start, frequency(block[start])
            while seen is not None:
                if seen:
                    found.append((end, log(seen) - log_total))
                end += 1
                if end == n:
                    break
                seen = frequency(block[start : end + 1])
            candidates.append(found or [(start, -log_total)])
        # the most probable path from the end; equal scores go to the longer word, as in jieba
        score, last = [0.0] * (n + 1), [0] * n
        for start in range(n - 1, -1, -1):
            best, best_end = None, start
            for end, log_p in candidates[start]:
                total = log_p + score[end + 1]
                if best is None or total > best or (total == best and end > best_end):
                    best, best_end = total, end
            score[start], last[start] = best, best_end
        start, letters = 0, ""
        while start < n:
            word = block[start : last[start] + 1]
            if len(word) == 1 and jieba.posseg.re_eng1.match(word):
                letters += word  # single letters and digits run together into one "eng" word
            else:
                if letters:
                    pairs.append((letters, "eng"))
                    letters = ""
                pairs.append((word, flags.get(word, "x")))
            start += len(word)
        if letters:
            pairs.append((letters, "eng"))
    return pairs


def _char_type(char: str) -> str:
    if char.isdigit():
        return "D"
    if char.isascii() and char.isalpha():
        return "A"
    return "H" if "\u4e00" <= char <= "\u9fff" else "P"


BIAS = "b"  # a feature every character has: how likely each tag is anywhere


def crf_features(text: str, tags: list[str]) -> list[tuple[str, ...]]:
    """The CRF's features per character, as CRFsuite reads them: the bias, then "template=value"
    for every column of feature_columns."""
    columns = [[f"{name}={value}" for value in values] for name, values in feature_columns(text, tags)]
    return list(zip([BIAS] * len(text), *columns))


def feature_columns(text: str, tags: list[str]) -> list[tuple[str, list[str]]]:
    """The CRF's features, a column (template name, value per character) per template: the
    characters at -2..2, the bigrams and trigrams around each, its jieba word tag, POS and
    neighbouring tags, the character types around it, and the jieba word it is in with the words
    before and after."""
    n = len(text)
    c = EDGE * 2 + text + EDGE * 2  # c[i + 2] is text[i]
    kinds = "".join(map(_char_type, c))
    words = _words_around(text, tags)
    pos = [t.split("-", 1)[1] for t in tags]
    r = range(n)
    return [
        ("c0", list(text)),
        ("c-1", list(c[1 : n + 1])),
        ("c1", list(c[3 : n + 3])),
        ("c-2", list(c[:n])),
        ("c2", list(c[4 : n + 4])),
        ("c-1c0", [c[i + 1 : i + 3] for i in r]),
        ("c0c1", [c[i + 2 : i + 4] for i in r]),
        ("c-2c-1", [c[i : i + 2] for i in r]),
        ("c1c2", [c[i + 3 : i + 5] for i in r]),
        ("c-1c1", [c[i + 1] + c[i + 3] for i in r]),
        ("c-2c-1c0", [c[i : i + 3] for i in r]),
        ("c0c1c2", [c[i + 2 : i + 5] for i in r]),
        ("c-1c0c1", [c[i + 1 : i + 4] for i in r]),
        ("t0", tags),
        ("p0", pos),
        ("pl", [t[0] + p for t, p in zip(tags, pos)]),
        ("t-1", [EDGE, *tags[:-1]] if n else []),
        ("t1", [*tags[1:], EDGE] if n else []),
        ("ty", [kinds[i + 1 : i + 4] for i in r]),
        ("c0t0", [x + t for x, t in zip(text, tags)]),
        ("w0", [w for w, _, _ in words]),
        ("w-1", [w for _, w, _ in words]),
        ("w1", [w for _, _, w in words]),
    ]


def jieba_words(text: str, tags: list[str]) -> list[str]:
    """The jieba words of TEXT, read back from its characters' B/M/E/S places (word_tags)."""
    starts = [i for i, t in enumerate(tags) if t[0] in "BS"]
    if not starts or starts[0]:
        starts.insert(0, 0)
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _words_around(text: str, tags: list[str]) -> list[tuple[str, str, str]]:
    """Per character: its jieba word, the word before, the word after."""
    words = jieba_words(text, tags)
    around = []
    for k, word in enumerate(words):
        entry = (word, words[k - 1] if k else EDGE, words[k + 1] if k + 1 < len(words) else EDGE)
        around.extend([entry] * len(word))
    return around


def bioes_tags(length: int, entities: Iterable[tuple[int, int, str]]) -> list[str]:
    """The CRF's target: one BIOES tag a character for (start, end, label) entities."""
    tags = ["O"] * length
    for start, end, label in entities:
        if end - start == 1:
            tags[start] = f"S-{label}"
        else:
            tags[start] = f"B-{label}"
            tags[start + 1 : end - 1] = [f"I-{label}"] * (end - start - 2)
            tags[end - 1] = f"E-{label}"
    return tags


def bioes_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of the well-formed entities in a BIOES tag sequence; a broken one
    (B-PER I-LOC, I without B) is dropped rather than guessed."""
    spans, open_at, open_label = [], None, None
    for i, tag in enumerate(tags):
        place, _, label = tag.partition("-")
        if place == "S":
            spans.append((i, i + 1, label))
        if place == "E" and open_label == label:
            spans.append((open_at, i + 1, label))
        if place == "B":
            open_at, open_label = i, label
        elif place != "I" or label != open_label:
            open_at = open_label = None
    return spans


@Language.factory("crf_entities")
def make_crf_entities(nlp: Language, name: str) -> "CRFEntities":
    return CRFEntities()


class CRFEntities:
    """Sets doc.ents from a linear-chain CRF over feature_columns; the docs come from the
    nlp.char_features.v1 tokenizer (one token a character, doc._.jieba)."""

    def __init__(self):
        self.crf: LinearChainCRF | None = None

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        if self.crf is None:
            raise ValueError("crf_entities has no model: load a trained pipeline (nlp train ner)")
        for batch in minibatch(docs, size=batch_size):
            readings = [doc._.jieba for doc in batch]
            # no entity runs over a sentence end (北京。周教授 was one ORG): the best path without
            tagged = self.crf.tag_many([r.text for r in readings], [r.tags for r in readings], outside=SENTENCE_ENDS)
            for doc, tags in zip(batch, tagged):
                self.set_entities(doc, [Span(doc, start, end, label=label) for start, end, label in bioes_spans(tags)])
                yield doc

    def set_entities(self, doc: Doc, found: list[Span]) -> None:
        doc.ents = found

    def use(self, crfsuite_model: Path) -> None:
        """Take the model CRFsuite trained (nlp train ner)."""
        self.crf = LinearChainCRF.from_crfsuite(crfsuite_model)

    def to_disk(self, path, exclude=()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        self.crf.save(Path(path) / LinearChainCRF.FILE)

    def from_disk(self, path, exclude=()) -> "CRFEntities":
        self.crf = LinearChainCRF.load(Path(path) / LinearChainCRF.FILE)
        return self


@Language.factory("crf_persons")
def make_crf_persons(nlp: Language, name: str) -> "CRFPersons":
    return CRFPersons()


class CRFPersons(CRFEntities):
    """Persons from a CRF trained on People's Daily (nlp train persons), added where the entities
    before it found nothing: the MSRA model misses many names in People's Daily's own writing (龙乐豪,
    简世辉, 戴碧蓉 in the tuning set, each named again and again), which is what the quote stage
    reads. Only persons: People's Daily marks organisations and places otherwise than MSRA."""

    def set_entities(self, doc: Doc, found: list[Span]) -> None:
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        new = [span for span in found if span.label_ == "PER" and taken.isdisjoint(range(span.start, span.end))]
        doc.ents = sorted([*doc.ents, *new], key=lambda span: span.start)


class LinearChainCRF:
    """A CRF that CRFsuite trained, as arrays: a weight per (attribute, tag) and per tag pair.

    Tagging through CRFsuite spent most of its time handing it attribute strings (10 us a
    character, half the NER). Here the weights are regrouped by what they are looked up by: a
    character's block holds its weights as c-2 .. c2, an adjacent character pair's as c-2c-1 ..
    c1c2, a triple's as its three templates, a jieba tag's and a jieba word's likewise. A text's
    characters, pairs, triples, tags and words are looked up once each, the state scores are a
    few numpy gathers and sums, and the best tag sequence comes from pkuseg's compiled Viterbi
    (spacy-pkuseg, pinned for the segmenter). The tags are CRFsuite's own (tested)."""

    FILE = "weights.npz"
    CHARS = ("c-2", "c-1", "c0", "c1", "c2")
    PAIRS = ("c-2c-1", "c-1c0", "c0c1", "c1c2")  # the pair starting at -2, -1, 0, 1
    TRIPLES = ("c-2c-1c0", "c-1c0c1", "c0c1c2")  # the triple starting at -2, -1, 0
    KINDS = "DAHP"  # _char_type's
    TAG_KEY = 1 << 16  # c0t0's key: character id * TAG_KEY + tag id

    def __init__(self, labels: list[str], attributes: list[str], state: np.ndarray, transitions: np.ndarray):
        self.labels = list(labels)
        self.not_outside = np.array(self.labels) != "O"  # the labels a character forced O may not take
        self.attributes = list(attributes)
        self.unknown = len(self.attributes)  # the row of zeros that an unseen attribute reads
        self.state = np.vstack([state, np.zeros((1, len(self.labels)))])
        self.transitions = np.ascontiguousarray(transitions, dtype=np.float64)  # [from, to]
        # per template: attribute value -> row
        self.rows: dict[str, dict[str, int]] = {}
        for row, attribute in enumerate(self.attributes):
            name, _, value = attribute.partition("=")
            self.rows.setdefault(name, {})[value] = row
        self.bias = self.state[self.rows.get(BIAS, {}).get("", self.unknown)]
        rows = lambda name: self.rows.get(name, {})  # noqa: E731
        # characters: an id each (the last: one the model never saw), a block of c-2 .. c2 weights
        pairs = {v for name in self.PAIRS for v in rows(name)}
        triples = {v for name in self.TRIPLES for v in rows(name)}
        tag_chars = {v[0] for v in rows("c0t0")}
        chars = sorted({v for name in self.CHARS for v in rows(name)} | set("".join(pairs | triples | set(rows("c-1c1")))) | tag_chars | {EDGE})
        self.char_id = np.full(0x110000, len(chars), dtype=np.int64)
        self.char_id[[ord(c) for c in chars]] = np.arange(len(chars))
        self.chars = len(chars) + 1
        self.char_weights = self.block(chars, self.CHARS)
        self.char_kinds = np.array([self.KINDS.index(_char_type(c)) for c in chars] + [-1])
        self.kind_weights = self.block([a + b + c for a in self.KINDS for b in self.KINDS for c in self.KINDS], ("ty",))[:, 0]
        self.pair_of, self.pair_weights = self.keyed(sorted(pairs), self.PAIRS)
        self.triple_of, self.triple_weights = self.keyed(sorted(triples), self.TRIPLES)
        skips = sorted(rows("c-1c1"))
        self.skip_of = dict(zip(self.keys(skips), (rows("c-1c1")[v] for v in skips)))
        # jieba word tags: an id each, a block of (t-1 for the next character, t0 + p0 + pl, t1
        # for the previous one); a tag the model never saw gets an id when first met
        self.tag_of: dict[str, int] = {}
        self.tag_weights = np.zeros((0, 3, len(self.labels)))
        self.tag_ids([EDGE])  # id 0
        self.tag_ids(sorted({v for name in ("t-1", "t0", "t1") for v in rows(name)} | {v[1:] for v in rows("c0t0")}))
        self.char_tag_of = {
            int(self.char_id[ord(v[0])]) * self.TAG_KEY + self.tag_of[v[1:]]: row for v, row in rows("c0t0").items()
        }
        # jieba words: an id each, a block of (w-1 for the next word, w0, w1 for the previous
        # one); the last two ids: a word the model never saw, and the edge
        words = sorted({v for name in ("w-1", "w0", "w1") for v in rows(name)} - {EDGE})
        self.word_of = {w: i for i, w in enumerate(words)}
        self.word_weights = self.block([*words, "\0", EDGE], ("w-1", "w0", "w1"))
        self.word_edge = len(words) + 1

    def block(self, values: list[str], templates: tuple[str, ...]) -> np.ndarray:
        """[value, template]: the weights of template=value for every label; one row more, of zeros."""
        table = [self.rows.get(name, {}) for name in templates]
        index = [[rows.get(value, self.unknown) for rows in table] for value in values]
        index.append([self.unknown] * len(templates))
        return self.state[np.array(index, dtype=np.int64).reshape(-1, len(templates))]

    def keys(self, grams: list[str]) -> list[int]:
        """The integer key of character n-grams: their ids as digits in base self.chars."""
        keys = []
        for gram in grams:
            key = 0
            for char in gram:
                key = key * self.chars + int(self.char_id[ord(char)])
            keys.append(key)
        return keys

    def keyed(self, grams: list[str], templates: tuple[str, ...]) -> tuple[dict[int, int], np.ndarray]:
        return dict(zip(self.keys(grams), range(len(grams)))), self.block(grams, templates)

    def tag_ids(self, tags: list[str]) -> list[int]:
        ids = list(map(self.tag_of.get, tags))
        if None in ids:
            new = sorted({t for t, i in zip(tags, ids) if i is None})
            self.tag_of.update(zip(new, range(len(self.tag_of), len(self.tag_of) + len(new))))
            self.tag_weights = np.concatenate([self.tag_weights, np.stack([self.tag_block(t) for t in new])])
            ids = list(map(self.tag_of.get, tags))
        return ids

    def tag_block(self, tag: str) -> np.ndarray:
        place, _, pos = tag.partition("-")
        weight = lambda name, value: self.state[self.rows.get(name, {}).get(value, self.unknown)]  # noqa: E731
        own = weight("t0", tag) + weight("p0", pos) + weight("pl", place[:1] + pos) if tag != EDGE else 0 * self.bias
        return np.stack([weight("t-1", tag), own, weight("t1", tag)])

    @classmethod
    def from_crfsuite(cls, model_file: Path) -> "LinearChainCRF":
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_file))
        info = tagger.info()
        labels = sorted(info.labels, key=lambda label: int(info.labels[label]))
        label_ids = {label: i for i, label in enumerate(labels)}
        attributes = sorted({attribute for attribute, _ in info.state_features})
        attribute_ids = {attribute: i for i, attribute in enumerate(attributes)}
        state = np.zeros((len(attributes), len(labels)))
        for (attribute, label), weight in info.state_features.items():
            state[attribute_ids[attribute], label_ids[label]] = weight
        transitions = np.zeros((len(labels), len(labels)))
        for (source, target), weight in info.transitions.items():
            transitions[label_ids[source], label_ids[target]] = weight
        tagger.close()
        return cls(labels, attributes, state, transitions)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, labels=np.array(self.labels), attributes=np.array(self.attributes),
                            state=self.state[: self.unknown], transitions=self.transitions)

    @classmethod
    def load(cls, path: Path) -> "LinearChainCRF":
        arrays = np.load(path)
        return cls(arrays["labels"].tolist(), arrays["attributes"].tolist(), arrays["state"], arrays["transitions"])

    def tag(self, text: str, tags: list[str]) -> list[str]:
        """The best tag sequence for TEXT, whose characters have the jieba word TAGS."""
        return self.tag_many([text], [tags])[0]

    def tag_many(self, texts: list[str], tags: list[list[str]], outside: str = "") -> list[list[str]]:
        """The best tag sequence of each text, among those that tag the characters in OUTSIDE O.
        The texts are scored in one pass, joined by two edge characters: every feature reaches
        two characters at most and stops at the edge, so each text's scores are its own, and a
        batch of short texts costs one numpy pass."""
        joined = (EDGE * 2).join(texts)
        n = len(joined)
        padded = EDGE * 2 + joined + EDGE * 2
        x = self.char_id[np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32)]  # x[i + 2]: joined[i]
        base = self.chars
        pairs = lookup(self.pair_of, x[:-1] * base + x[1:], len(self.pair_of))
        triples = lookup(self.triple_of, (x[:-2] * base + x[1:-1]) * base + x[2:], len(self.triple_of))
        skips = lookup(self.skip_of, x[1 : n + 1] * base + x[3 : n + 3], self.unknown)
        kinds = self.char_kinds[x]
        for i in np.flatnonzero(kinds < 0).tolist():
            kinds[i] = self.KINDS.index(_char_type(padded[i]))
        g = np.array([0, *self.tag_ids([t for k, own in enumerate(tags) for t in ([EDGE, EDGE] if k else []) + own]), 0])  # 0: the edge
        char_tags = lookup(self.char_tag_of, x[2 : n + 2] * self.TAG_KEY + g[1:-1], self.unknown)
        cw, pw, tw, gw = self.char_weights, self.pair_weights, self.triple_weights, self.tag_weights
        scores = self.bias + self.state[skips] + self.state[char_tags]
        scores += cw[x[:n], 0] + cw[x[1 : n + 1], 1] + cw[x[2 : n + 2], 2] + cw[x[3 : n + 3], 3] + cw[x[4:], 4]
        scores += pw[pairs[:n], 0] + pw[pairs[1 : n + 1], 1] + pw[pairs[2 : n + 2], 2] + pw[pairs[3:], 3]
        scores += tw[triples[:n], 0] + tw[triples[1 : n + 1], 1] + tw[triples[2:], 2]
        scores += gw[g[:n], 0] + gw[g[1 : n + 1], 1] + gw[g[2:], 2]
        scores += self.kind_weights[(kinds[1 : n + 1] * 4 + kinds[2 : n + 2]) * 4 + kinds[3 : n + 3]]
        # the jieba words, read back from the tags' B/S places; the two edge characters between
        # texts are an edge word
        words, lengths = [self.word_edge], []
        unseen = len(self.word_of)
        for k, (text, own) in enumerate(zip(texts, tags)):
            if k:
                words.append(self.word_edge)
                lengths.append(2)
            own_words = jieba_words(text, own)
            words += map(self.word_of.get, own_words, repeat(unseen))
            lengths += map(len, own_words)
        words.append(self.word_edge)
        ids, ww = np.array(words), self.word_weights
        per_word = ww[ids[:-2], 0] + ww[ids[1:-1], 1] + ww[ids[2:], 2]
        scores += np.repeat(per_word, lengths, axis=0)
        if outside:
            forced = [m.start() for m in re.finditer(f"[{re.escape(outside)}]", joined)]
            scores[forced] = np.where(self.not_outside, -1e9, scores[forced])
        # run_viterbi reads edge_score[tag, next tag]: CRFsuite's transitions [from, to]
        best = []
        start = 0
        for text in texts:
            best.append([self.labels[i] for i in run_viterbi(scores[start : start + len(text)], self.transitions)[1]] if text else [])
            start += len(text) + 2
        return best


# ---------------------------------------------------------------- person rules

TITLE_WORDS = (
    "党支部书记|党委书记|总经理|副总经理|董事长|副董事长|书记|副书记|主任|副主任|局长|副局长|经理|主席|副主席|"
    "部长|副部长|厅长|市长|副市长|县长|省长|区长|镇长|乡长|村长|院长|校长|所长|处长|科长|司长|总理|副总理|"
    "委员|代表|记者|发言人|负责人|教授|研究员|工程师|队长|会长|秘书长|总裁|总监|主管|站长|馆长|行长|团长|政委|"
    "大使|总统|首相|外长|主持人|专家|老师|医生|律师|同志|先生|女士|小姐|博士|厂长|支书|导演|总导演|"
    "总策划|台长|副台长|议长|国务卿|法官|检察官|警官|将军|上校|大校|学者|作家|诗人|画家|书法家|艺术家|科学家|"
    "经济学家|教练|主教练|演员|歌手|主编|总编辑|院士|师长|军长|司令员|参谋长|指导员|教导员|连长|营长|"
    "首席执行官|执行官|理事长|总干事"
)
LEADING_TITLES = re.compile(f"^(?:(?:{TITLE_WORDS})[、，,及和与兼]?)+")
# A title after a full name is left out (QUOTE_CONVENTIONS: 刘志海大校 -> 刘志海); after a surname
# alone it stays (王女士, 李所长).
TRAILING_TITLE = re.compile(f"(?:{TITLE_WORDS})$")
TITLE_AT = re.compile(f"(?:{TITLE_WORDS})")
FULL_NAME = re.compile("[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff]+·[\u4e00-\u9fff·]+")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝"
)
# Surname + honorific or title is a person (QUOTE_CONVENTIONS "Persons": 王女士, 耿书记, 王某).
# Surnames that are also common function characters (和某些, 对于某种, 原任副院长) stay out of this rule.
HONORIFIC_SURNAMES = "".join(c for c in SURNAMES if c not in "和于时全应连成明向常文方解路游单任")
HONORIFIC = re.compile(
    f"[{HONORIFIC_SURNAMES}](?:女士|先生|小姐|某某|某(?![些种个项类地处时日天年月位家])|师傅|大爷|大妈|阿姨|"
    "(?:副|总|常务)?(?:书记|局长|主任|市长|县长|省长|区长|镇长|乡长|村长|院长|校长|处长|科长|部长|厅长|经理|董事长|主席)|"
    "老师|教授)"
)


def _title_cut(text: str, start: int, end: int) -> int | None:
    """Where a title begins inside the person span text[start:end]: a whole one at its end
    (李渭清教授), or the first characters of one that runs on past it (莱奇法|官)."""
    whole = TRAILING_TITLE.search(text, start, end)
    if whole:
        return whole.start() - start
    for size in (1, 2):
        partial = TITLE_AT.match(text, end - size)
        if partial and partial.end() > end and end - size > start:
            return end - size - start
    return None


@Language.component("person_rules")
def person_rules(doc: Doc) -> Doc:
    """Trim title words off PER spans (before a name, and after a full name); surname + honorific or
    title (王女士, 李某, 耿书记) is a person and replaces the entities inside it (the model often marks
    the surname alone), and so is 老/小 + a surname the model found (老张, 小许)."""
    spans = []
    text, tags = doc._.jieba.text, doc._.jieba.tags
    for ent in doc.ents:
        if ent.label_ == "PER":
            lead = LEADING_TITLES.match(ent.text)
            if lead and lead.end() < len(ent.text) - 1:
                ent = Span(doc, ent.start + lead.end(), ent.end, label="PER")  # one token a character
            cut = _title_cut(text, ent.start_char, ent.end_char)
            if cut and FULL_NAME.fullmatch(ent.text[:cut]):
                ent = Span(doc, ent.start, ent.start + cut, label="PER")  # 李渭清教授 -> 李渭清
            if len(ent) == 1 and ent.start and text[ent.start_char - 1] in "老小" and tags[ent.start - 1][:1] in "BS":
                ent = Span(doc, ent.start - 1, ent.end, label="PER")  # a surname the model found: 老张, 小许
        spans.append(ent)
    for match in HONORIFIC.finditer(text):
        start, end = match.span()
        if tags[start][:1] in ("M", "E"):
            continue  # the "surname" ends a word: 承包某, 业余教授, 接任院长
        overlapping = [e for e in spans if e.start < end and start < e.end]
        # a surname character that ends another entity (江苏省长), or a longer person (王金书记)
        if any(e.start < start or (e.label_ == "PER" and e.end > end) for e in overlapping):
            continue
        spans = [e for e in spans if e not in overlapping] + [Span(doc, start, end, label="PER")]
    doc.ents = filter_spans(spans)
    return doc


# ---------------------------------------------------------------- the gazetteer


@dataclass(frozen=True)
class GazetteerError:
    line: int
    reason: str


def read_gazetteer(path: str | Path) -> tuple[list[dict], list[GazetteerError]]:
    """Entity-ruler patterns from JSONL lines {"label", "pattern"}; bad lines come back as errors."""
    patterns, errors = [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(GazetteerError(number, f"not JSON: {error.msg}"))
                continue
            if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not item["label"]:
                errors.append(GazetteerError(number, 'needs a non-empty string "label"'))
            elif not (isinstance(item.get("pattern"), str) and item["pattern"]) and not isinstance(item.get("pattern"), list):
                errors.append(GazetteerError(number, 'needs a "pattern": a non-empty string or a token-pattern list'))
            else:
                patterns.append({"label": item["label"], "pattern": item["pattern"]})
    return patterns, errors


# ---------------------------------------------------------------- the component


@Language.factory("char_ner", default_config={"model_dir": None, "patterns": []})
def make_char_ner(nlp: Language, name: str, model_dir: str | None, patterns: list[dict]) -> "CharNER":
    return CharNER(spacy.load(model_dir or MODEL_DIR), patterns)


class CharNER:
    """Runs the character NER on doc.text and puts its entities on the outer doc's tokens."""

    def __init__(self, inner: Language, patterns: Iterable[dict] = ()):
        self.inner = inner
        inner.add_pipe("person_rules")
        patterns = list(patterns)
        if patterns:
            ruler = inner.add_pipe("entity_ruler", config={"overwrite_ents": True}, last=True)
            ruler.add_patterns(patterns)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def memory_zone(self, mem):
        # the inner pipeline has a vocab of its own, whose strings (character bigrams, word
        # features) would otherwise grow with every new text
        return self.inner.memory_zone(mem)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64):
        # batch by batch: the stream may be a whole corpus, which must never sit in memory
        for batch in minibatch(docs, size=batch_size):
            whole = [doc_text(doc) for doc in batch]
            pieces = [(i, start, end) for i, text in enumerate(whole) for start, end in text_pieces(text)]
            found: list[list[tuple[int, int, str]]] = [[] for _ in batch]
            texts = [whole[i][start:end] for i, start, end in pieces]
            chars = (c for group in char_batches(texts, MAX_BATCH_CHARS) for c in self.inner.pipe(group, batch_size=len(group)))
            for (i, start, _), piece in zip(pieces, chars):
                found[i] += [(start + e.start_char, start + e.end_char, e.label_) for e in piece.ents]
            for doc, offsets in zip(batch, found):
                yield self.transfer(doc, offsets)

    @staticmethod
    def transfer(doc: Doc, offsets: list[tuple[int, int, str]]) -> Doc:
        """Put entities given as (start, end, label) character offsets on DOC's tokens."""
        # the words stay as the segmenter cut them; the tokens split below only host the entities
        doc._.words = word_offsets(doc)
        split_at(doc, {o for start, end, _ in offsets for o in (start, end)})
        spans = [doc.char_span(start, end, label=label) for start, end, label in offsets]
        doc.ents = [span for span in spans if span is not None]
        return doc


def text_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces the NER reads TEXT in: each line that is not blank, on its own,
    so that no entity runs over a line break and what is found in a line does not depend on the
    lines around it (--dedupe blanks repeated paragraphs and promises the others are unchanged);
    a line longer than LIMIT is cut after a sentence end, or at LIMIT when it has none."""
    pieces: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]*[^\s][^\n]*", text):
        start, end = line.span()
        while end - start > limit:
            window = text[start : start + limit]
            cut = max(window.rfind(mark) for mark in SENTENCE_ENDS) + 1 or limit
            pieces.append((start, start + cut))
            start += cut
        pieces.append((start, end))
    return pieces


def split_at(doc: Doc, cuts: set[int]) -> None:
    """Split the tokens of DOC so that every offset in CUTS is a token boundary."""
    if not cuts or not len(doc):
        return
    starts, ends = token_bounds(doc)
    ordered = np.array(sorted(cuts))
    owners = np.maximum(np.searchsorted(starts, ordered, "right") - 1, 0)
    inside = (ordered > starts[owners]) & (ordered < ends[owners])
    plans: dict[int, list[int]] = {}
    for owner, cut in zip(owners[inside].tolist(), ordered[inside].tolist()):
        plans.setdefault(owner, []).append(cut)
    if not plans:
        return
    with doc.retokenize() as retokenizer:
        for owner, inner in plans.items():
            token = doc[owner]
            bounds = [0, *(cut - token.idx for cut in inner), len(token.text)]
            pieces = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(token, pieces, heads=[(token, i) for i in range(len(pieces))])
