"""CoNLL-U: tokens and entities; quotes and meta are lost.

One document a `# newdoc id = ...`, sentences cut at 。！？ and line breaks (never inside an
entity), `# sent_id` and `# text` per sentence. Entities are BIO tags in MISC (NER=B-PER,
NER=I-PER), tokens split where an entity starts or ends inside one. The text comes back exactly:
SpaceAfter=No where no space follows a token, and UDPipe's SpacesAfter / SpacesBefore (on a
document's first token) for other whitespace, escaped as \\s \\t \\n \\r \\p (|) \\\\ (\\) and \\uXXXX.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from nlp.convert.common import (
    Losses, annotation_offsets, bio_tags, fail, flat_entities, new_record, numbered_lines, sentences, tile,
)
from nlp.data import tags_to_entities

ESCAPES = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p", "\\": "\\\\"}
UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")
COLUMNS = 10


def _escape(spaces: str) -> str:
    return "".join(ESCAPES.get(c, f"\\u{ord(c):04X}" if c.isspace() else c) for c in spaces)


def _unescape(value: str) -> str:
    letters = {code[1]: char for char, code in ESCAPES.items()}
    return UNESCAPE.sub(lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5 else letters.get(m[1], m[1]), value)


def write(records: Iterable[dict], path: Path) -> list[str]:
    losses = Losses("conllu", ("tokens", "entities"))
    with open(path, "w", encoding="utf-8") as out:
        for record in losses.watch(records):
            out.write(_document(record, losses))
    return losses.messages()


def _document(record: dict, losses: Losses) -> str:
    text, doc_id = record["text"], record["id"]
    entities = flat_entities(record, losses)
    units = tile(record, annotation_offsets({**record, "entities": entities}, ["entities"]), losses)
    tokens = [(s, e) for s, e in units if not text[s:e].isspace()]
    if not tokens:
        losses.add("cannot hold a document without words: {} dropped", "document", doc_id)
        return ""
    tags = bio_tags(tokens, entities)
    ends = [start for start, _ in tokens[1:]] + [len(text)]
    lines = [f"# newdoc id = {doc_id}"]
    for number, sentence in enumerate(sentences(text, tokens, entities), 1):
        first, last = tokens[sentence[0]], tokens[sentence[-1]]
        # a sentence runs over a line break only inside an entity; a comment cannot hold one
        shown = re.sub(r"[\r\n]", " ", text[first[0]:last[1]])
        lines += [f"# sent_id = {doc_id}-{number}", f"# text = {shown}"]
        for position, i in enumerate(sentence, 1):
            start, end = tokens[i]
            misc = [f"NER={tags[i]}"] if tags[i] != "O" else []
            if i == 0 and start > 0:
                misc.append(f"SpacesBefore={_escape(text[:start])}")
            after = text[end:ends[i]]
            if after == "":
                misc.append("SpaceAfter=No")
            elif after != " ":
                misc.append(f"SpacesAfter={_escape(after)}")
            lines.append("\t".join([str(position), text[start:end], *["_"] * 7, "|".join(misc) or "_"]))
        lines.append("")
    return "\n".join(lines) + "\n"


def read(path: Path) -> Iterator[dict]:
    doc_id, text, tokens, tags = None, "", [], []
    for number, line in numbered_lines(path):
        if line.startswith("# newdoc"):
            if tokens:
                yield _record(doc_id or path.stem, text, tokens, tags)
            _, _, value = line.partition("id =")
            doc_id, text, tokens, tags = value.strip() or None, "", [], []
        elif line.startswith("#") or not line.strip():
            continue
        else:
            columns = line.split("\t")
            if len(columns) != COLUMNS:
                raise fail(path, number, f"expected {COLUMNS} tab-separated columns, found {len(columns)}")
            if not columns[0].isdigit():  # a multiword token range (1-2) or an empty node (1.1)
                continue
            misc = dict(item.partition("=")[::2] for item in columns[9].split("|") if item != "_")
            tag = misc.get("NER", "O")
            if not re.fullmatch(r"O|[BIES]-\S+", tag):
                raise fail(path, number, f"NER={tag} is not a BIO tag")
            text += _unescape(misc.get("SpacesBefore", ""))
            tokens.append([len(text), len(text) + len(columns[1])])
            tags.append(tag)
            text += columns[1]
            text += _unescape(misc["SpacesAfter"]) if "SpacesAfter" in misc else "" if misc.get("SpaceAfter") == "No" else " "
    if tokens:
        yield _record(doc_id or path.stem, text, tokens, tags)


def _record(doc_id: str, text: str, tokens: list[list[int]], tags: list[str]) -> dict:
    entities = tags_to_entities((start, end, tag) for (start, end), tag in zip(tokens, tags))
    return new_record(doc_id, text, tokens=tokens, entities=entities)
