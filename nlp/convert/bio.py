"""CoNLL-2003-style BIO: one unit a line (`unit<TAB>TAG`), a blank line after each sentence,
`-DOCSTART- ID` before each document. Level char (MSRA's layout): a unit is a character and
entities are all the format holds; level word: a unit is a token (split where an entity starts or
ends inside one) or a run of whitespace, and tokens are held too. Quotes and meta are lost.

Whitespace is written as visible symbols (common.WHITESPACE_SYMBOLS: ␠ space, ␤ line break,
␉ tab, ␍ carriage return, ␣ ideographic space), so the text comes back exactly. Reading takes
the first column and the last (CoNLL-2003's four columns too), and BIOES or BMES tags as well;
a file with no -DOCSTART- line (MSRA's) is one document a sentence.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from nlp.convert.common import (
    Losses, annotation_offsets, bio_tags, decode_whitespace, encode_whitespace, fail, flat_entities, new_record,
    numbered_lines, report_whitespace, sentences, tile,
)
from nlp.data import tags_to_entities

DOCSTART = "-DOCSTART-"
TAG = re.compile(r"O|[BIMES]-\S+")


def write(records: Iterable[dict], path: Path, level: str = "char") -> list[str]:
    losses = Losses("bio", ("entities",) if level == "char" else ("tokens", "entities"))
    with open(path, "w", encoding="utf-8") as out:
        for record in losses.watch(records):
            text = record["text"]
            entities = flat_entities(record, losses)
            if level == "char":
                units = [(i, i + 1) for i in range(len(text))]
            else:
                units = tile(record, annotation_offsets({**record, "entities": entities}, ["entities"]), losses)
            report_whitespace(record, losses)
            shown, tags = encode_whitespace(text), bio_tags(units, entities)
            out.write(f"{DOCSTART} {record['id']}\n\n")
            for sentence in sentences(text, units, entities):
                out.write("".join(f"{shown[units[i][0]:units[i][1]]}\t{tags[i]}\n" for i in sentence) + "\n")
    return losses.messages()


def read(path: Path, level: str = "char") -> Iterator[dict]:
    doc_id, units, tags, sentence_docs = None, [], [], 0
    for number, line in numbered_lines(path):
        if line.startswith(DOCSTART):
            if doc_id is not None:
                yield _record(doc_id, units, tags, level)
            doc_id, units, tags = line[len(DOCSTART):].strip() or f"{path.stem}-{number}", [], []
        elif not line.strip():
            if doc_id is None and units:
                yield _record(f"{path.stem}-{sentence_docs:05d}", units, tags, level)
                units, tags, sentence_docs = [], [], sentence_docs + 1
        else:
            columns = line.split("\t") if "\t" in line else line.split()
            if len(columns) < 2:
                raise fail(path, number, "expected a unit and a tag")
            if not TAG.fullmatch(columns[-1]):
                raise fail(path, number, f"{columns[-1]!r} is not a BIO tag")
            units.append(decode_whitespace(columns[0]))
            tags.append(columns[-1])
    if units or doc_id is not None:
        yield _record(doc_id or f"{path.stem}-{sentence_docs:05d}", units, tags, level)


def _record(doc_id: str, units: list[str], tags: list[str], level: str) -> dict:
    offsets, cursor = [], 0
    for unit in units:
        offsets.append((cursor, cursor + len(unit)))
        cursor += len(unit)
    entities = tags_to_entities((start, end, tag) for (start, end), tag in zip(offsets, tags))
    record = new_record(doc_id, "".join(units), entities=entities)
    if level == "word":
        record["tokens"] = [[start, end] for (start, end), unit in zip(offsets, units) if not unit.isspace()]
    return record
