"""Hypothesis strategies for canonical annotated-corpus records (nlp/corpus.py).

records() draws whole valid records; the strategies it is built from (texts_with_tokens,
token_runs, mentions) serve properties of anything that reads or writes the format, such as
converters that must round-trip a record.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from nlp.corpus import FORMAT_VERSION
from nlp.hygiene import hygiene_meta

LABELS = ("PER", "LOC", "ORG")
# Word characters: CJK (BMP and the astral Extension B, two UTF-16 units), ASCII, emoji, and the
# punctuation of Chinese news, which a segmenter returns as tokens.
WORD_CHARS = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.sampled_from(string.ascii_letters + string.digits + string.punctuation),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.sampled_from("“”「」『』‘’，。！？、：；…—（）《》"),
)
# Whitespace as str.split() sees it, including line breaks a JSON Lines reader must not split on
# (U+2028, NEL) and the ideographic space that indents Chinese paragraphs.
SPACES = st.text(st.sampled_from(" \t\n\r\u3000\u00a0\u2028\x85"), min_size=1, max_size=3)
# Keys nlp.hygiene gives meaning to are drawn only from hygiene_meta, never at random.
RESERVED_META = {"deduped", "repeated_paragraphs", "cut_paragraphs", "warnings", "encoding"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def texts_with_tokens(draw, max_words: int = 30) -> tuple[str, list[list[int]]]:
    """A text and its tokens: words with or without whitespace between them, the tokens tiling
    the text's non-whitespace characters."""
    text, tokens = "", []
    for _ in range(draw(st.integers(1, max_words))):
        if draw(st.booleans()):
            text += draw(SPACES)
        word = draw(st.text(WORD_CHARS, min_size=1, max_size=4))
        tokens.append([len(text), len(text) + len(word)])
        text += word
    return text + draw(st.just("") | SPACES), tokens


@st.composite
def token_runs(draw, tokens: list[list[int]], max_runs: int = 5) -> list[tuple[int, int]]:
    """Non-overlapping character spans, each a run of whole tokens, in text order."""
    bounds = sorted(draw(st.lists(st.integers(0, len(tokens)), unique=True, max_size=2 * max_runs)))
    return [(tokens[a][0], tokens[b - 1][1]) for a, b in zip(bounds[::2], bounds[1::2])]


@st.composite
def mentions(draw, text: str, tokens: list[list[int]]) -> dict | None:
    """A speaker or cue: None, or a run of tokens with its text."""
    runs = draw(token_runs(tokens, max_runs=1))
    if not runs or draw(st.booleans()):
        return None
    start, end = runs[0]
    return {"start": start, "end": end, "text": text[start:end]}


@st.composite
def records(draw) -> dict:
    """A valid canonical record, shaped as doc_to_record writes it."""
    text, tokens = draw(texts_with_tokens())
    entities = [{"start": s, "end": e, "label": draw(st.sampled_from(LABELS))} for s, e in draw(token_runs(tokens))]
    quotes = [
        {
            "start": s,
            "end": e,
            "kind": draw(st.sampled_from(("direct", "indirect"))),
            "speaker": draw(mentions(text, tokens)),
            "cue": draw(mentions(text, tokens)),
        }
        for s, e in draw(token_runs(tokens))
    ]
    meta = draw(st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in RESERVED_META), JSON_VALUES, max_size=3))
    if draw(st.booleans()):
        meta.update(hygiene_meta(text), deduped=draw(st.booleans()))
    return {
        "version": FORMAT_VERSION,
        "id": draw(st.text(min_size=1, max_size=12)),
        "text": text,
        "tokens": tokens,
        "entities": entities,
        "quotes": quotes,
        "meta": meta,
    }
