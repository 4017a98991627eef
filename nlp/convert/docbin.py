"""spaCy's DocBin (.spacy): the Docs the pipeline itself makes, so the format holds every layer.

A Doc's tokens tile its text, so whitespace between words becomes the token's trailing space or
a whitespace token of its own, and words are split where an entity, quote, speaker or cue starts
or ends inside one (reported, though nothing is lost: the record's own tokens stay in
Doc._.words, as the NER stage keeps them; a record without tokens gets characters).
Quotes are doc.spans["quotes"], labelled with their kind, with Span._.kind/_.speaker/_.cue as
the quote stage stores them in doc.user_data, so plain spaCy reads them with no nlp import:
user_data[("quotes", "speaker", quote.start_char, quote.end_char)] is the speaker's
(start_char, end_char) or None, and likewise "cue". user_data also holds "id", "meta" (JSON
text, as msgpack would turn its lists into tuples) and "layers", the layers the record has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from nlp.convert.common import Losses, annotation_offsets, fail, flat_entities, tile
from nlp.corpus import LAYERS, doc_to_record

HOLDS = (*LAYERS, "meta")


def write(records: Iterable[dict], path: Path) -> list[str]:
    # the quote stage's module registers Span._.kind, _.speaker and _.cue
    import nlp.quotes.component  # noqa: F401

    losses = Losses("spacy", HOLDS)
    docs = DocBin(store_user_data=True)
    vocab = Vocab()
    for record in losses.watch(records):
        docs.add(record_to_doc(record, vocab, losses))
    docs.to_disk(path)
    return losses.messages()


def record_to_doc(record: dict, vocab: Vocab, losses: Losses) -> Doc:
    text = record["text"]
    words: list[str] = []
    spaces: list[bool] = []
    for start, end in tile(record, annotation_offsets(record, ("entities", "quotes")), losses):
        piece = text[start:end]
        # spaCy's convention: one space after a word is its trailing whitespace, the rest a token
        if piece.startswith(" ") and words and not spaces[-1] and not words[-1].isspace():
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)
    doc = Doc(vocab, words=words, spaces=spaces)
    doc._.words = record.get("tokens")
    doc.ents = [doc.char_span(e["start"], e["end"], label=e["label"]) for e in flat_entities(record, losses)]
    quotes = []
    for quote in record.get("quotes") or []:
        span = doc.char_span(quote["start"], quote["end"], label=quote["kind"])
        span._.kind = quote["kind"]
        for part in ("speaker", "cue"):
            mention = quote.get(part)
            setattr(span._, part, mention and doc.char_span(mention["start"], mention["end"]))
        quotes.append(span)
    doc.spans["quotes"] = quotes
    doc.user_data.update(
        id=record["id"], meta=json.dumps(record.get("meta"), ensure_ascii=False), layers=[k for k in HOLDS if k in record]
    )
    return doc


def read(path: Path) -> Iterator[dict]:
    import nlp.quotes.component  # noqa: F401

    try:
        docs = DocBin().from_disk(path)
    except (ValueError, KeyError):
        raise fail(path, None, "not a spaCy DocBin file") from None
    for index, doc in enumerate(docs.get_docs(Vocab())):
        meta = json.loads(doc.user_data.get("meta", "null"))
        record = doc_to_record(doc, doc.user_data.get("id", f"{path.stem}-{index:05d}"), meta)
        # msgpack gives the offsets back as tuples
        record["tokens"] = [list(token) for token in record["tokens"]]
        layers = doc.user_data.get("layers", HOLDS)
        yield {key: value for key, value in record.items() if key not in HOLDS or key in layers}
