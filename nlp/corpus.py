"""The canonical annotated-corpus format: JSON Lines, one document a line.

This module is the only place that reads or writes it: input readers (text files, folders,
JSONL, stdin), the Doc -> record conversion, validation against the JSON Schema, and the
atomic, resumable writer used by `nlp annotate`.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Iterable, Iterator

import jsonschema
import numpy as np
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

FORMAT_VERSION = 1
# The segmenter's words, kept by a stage that splits tokens afterwards (the NER does, to host its
# entities): the record's tokens are these words, not the split tokens.
if not Doc.has_extension("words"):
    Doc.set_extension("words", default=None)
if not Doc.has_extension("text"):
    Doc.set_extension("text", default=None)
SPACE = re.compile(r"\s")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_SPACE = re.compile(r"\S+")
LAYERS = ("tokens", "entities", "quotes")
STDIN = "-"


class FormatError(ValueError):
    """A record that breaks the format; the message names what and where."""


@dataclass(frozen=True)
class InputDoc:
    id: str
    text: str
    source: str
    line: int | None = None
    meta: dict = field(default_factory=dict)  # what the record's meta learns from reading, e.g. the encoding

    @property
    def where(self) -> str:
        return self.source if self.line is None else f"{self.source}:{self.line}"


@dataclass(frozen=True)
class InputError:
    source: str
    line: int | None
    reason: str

    def describe(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"

    def to_record(self) -> dict:
        return {"file": self.source, "line": self.line, "reason": self.reason}


# ---------------------------------------------------------------- validation


@lru_cache(maxsize=1)
def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("nlp").joinpath("annotated_corpus.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate_record(record: dict, flat_entities: bool = False) -> dict:
    """Check a record against the schema and its offsets against its text; return it. With
    FLAT_ENTITIES, entities may not overlap either, as in spaCy's doc.ents."""
    error = jsonschema.exceptions.best_match(schema_validator().iter_errors(record))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "record"
        raise FormatError(f"{where}: {error.message}")
    text = record["text"]
    for layer in ("tokens", "entities", "quotes"):
        for i, item in enumerate(record.get(layer) or []):
            start, end = (item[0], item[1]) if layer == "tokens" else (item["start"], item["end"])
            _check_offsets(text, start, end, f"{layer}/{i}")
            if layer != "quotes":
                continue
            for part in ("speaker", "cue"):
                mention = item.get(part)
                if mention:
                    _check_offsets(text, mention["start"], mention["end"], f"quotes/{i}/{part}")
                    if text[mention["start"] : mention["end"]] != mention["text"]:
                        raise FormatError(
                            f"quotes/{i}/{part}: text {mention['text']!r} differs from "
                            f"text[{mention['start']}:{mention['end']}] = {text[mention['start']:mention['end']]!r}"
                        )
    if flat_entities:
        _check_flat(record.get("entities") or [])
    _check_hygiene(record.get("meta") or {}, text)
    return record


def _check_flat(entities: list[dict]) -> None:
    reach = None  # the index of the entity ending furthest right so far, in order of start
    for i in sorted(range(len(entities)), key=lambda i: (entities[i]["start"], entities[i]["end"])):
        if reach is not None and entities[i]["start"] < entities[reach]["end"]:
            raise FormatError(f"entities/{i} {_span(entities[i])} overlaps entities/{reach} {_span(entities[reach])}")
        if reach is None or entities[i]["end"] > entities[reach]["end"]:
            reach = i


def _span(item: dict) -> str:
    return f"[{item['start']}, {item['end']})"


def _check_hygiene(meta: dict, text: str) -> None:
    for key in ("repeated_paragraphs", "cut_paragraphs"):
        for i, item in enumerate(meta.get(key, [])):
            _check_offsets(text, item["start"], item["end"], f"meta/{key}/{i}")
    for i, item in enumerate(meta.get("repeated_paragraphs", [])):
        first = item["first"]
        if first >= item["start"] or text[first : first + item["end"] - item["start"]] != text[item["start"] : item["end"]]:
            raise FormatError(f"meta/repeated_paragraphs/{i}: text[{item['start']}:{item['end']}] does not repeat the text at {first}")


def _check_offsets(text: str, start: int, end: int, where: str) -> None:
    if not 0 <= start < end <= len(text):
        raise FormatError(f"{where}: offsets [{start}, {end}) outside the text (length {len(text)})")


# ---------------------------------------------------------------- Doc <-> record


def doc_to_record(doc: Doc, doc_id: str, meta: dict | None = None) -> dict:
    """The canonical record of an annotated Doc; offsets index the untouched text."""
    return {
        "version": FORMAT_VERSION,
        "id": doc_id,
        "text": doc_text(doc),
        "tokens": doc._.words if doc._.words is not None else word_offsets(doc),
        "entities": [{"start": e.start_char, "end": e.end_char, "label": e.label_} for e in doc.ents],
        "quotes": [_quote_to_dict(q) for q in doc.spans.get("quotes", [])],
        "meta": meta or {},
    }


def word_offsets(doc: Doc) -> list[list[int]]:
    """Token offsets with whitespace removed: whitespace is never a token, and a token that
    holds a space (a Latin phrase from a segmenter) is split at it. Read from the token arrays:
    iterating a Doc builds a Token object per token."""
    text = doc_text(doc)
    starts, ends = token_bounds(doc)
    offsets = np.stack([starts, ends], axis=1).tolist()
    spaced = sorted({int(k) for k in np.searchsorted(starts, [m.start() for m in SPACE.finditer(text)], "right") - 1}, reverse=True)
    for k in spaced:
        start, end = offsets[k]
        offsets[k : k + 1] = [[m.start(), m.end()] for m in NOT_SPACE.finditer(text, start, end)]
    return offsets


def token_bounds(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """The start and end character offsets of every token of DOC."""
    bounds = doc.to_array([IDX, LENGTH])
    return bounds[:, 0], bounds[:, 0] + bounds[:, 1]


def doc_text(doc: Doc) -> str:
    """doc.text, kept on the doc after the first call (doc._.text): Doc.text joins every token
    anew, and three stages and the record read it. Retokenizing never changes a doc's text."""
    if doc._.text is None:
        doc._.text = doc.text
    return doc._.text


def word_spans(words: Iterable[str], text: str) -> list[list[int]]:
    """Offsets of a segmenter's words, in order, in the text they cut (whitespace words dropped)."""
    spans, cursor = [], 0
    for word in words:
        if word.strip():
            start = text.index(word, cursor)
            cursor = start + len(word)
            spans.append([start, cursor])
    return spans


def _mention(span: Span | None) -> dict | None:
    if span is None:
        return None
    return {"start": span.start_char, "end": span.end_char, "text": span.text}


def _quote_to_dict(quote: Span) -> dict:
    return {
        "start": quote.start_char,
        "end": quote.end_char,
        "kind": quote._.kind,
        "speaker": _mention(quote._.speaker),
        "cue": _mention(quote._.cue),
    }


# ---------------------------------------------------------------- reading corpora


def read_corpus(path: str | Path) -> Iterator[dict]:
    """Validated records of an annotated-corpus file; FormatError names file and line."""
    for number, record in iter_corpus(path):
        if isinstance(record, FormatError):
            raise FormatError(f"{path}:{number}: {record}")
        yield record


def iter_corpus(path: str | Path, flat_entities: bool = False) -> Iterator[tuple[int, dict | FormatError]]:
    """(line number, validated record) for every line of an annotated-corpus file; a bad line
    gives its FormatError instead, so that a reader may report it and go on."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                yield number, validate_record(json.loads(raw.decode("utf-8-sig")), flat_entities)
            except UnicodeDecodeError as error:
                yield number, FormatError(f"cannot decode as utf-8 at byte {error.start} of the line: {error.reason}")
            except (json.JSONDecodeError, FormatError) as error:
                yield number, FormatError(str(error))


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- reading inputs

# A byte-order mark names its encoding outright; UTF-32's marks begin with UTF-16's, so they go first.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Chinese text that is not UTF-8 is nearly always GBK or its superset GB18030.
FALLBACK_ENCODING = "gb18030"
BINARY_SNIFF_BYTES = 8192


class DecodeProblem(ValueError):
    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line


def iter_inputs(
    inputs: Iterable[str], encoding: str = "utf-8", strict_encoding: bool = False
) -> Iterator[InputDoc | InputError]:
    """Documents to annotate, in input order; bad input becomes an InputError, never an exception.

    An INPUT is a .txt file (id: its stem), a folder (every *.txt below it, sorted; id: the path
    relative to the folder without .txt), a .jsonl file of {"id", "text"}, or "-" for stdin
    (JSONL when it starts with "{", else one text document with id "stdin"). JSONL is read a line
    at a time, so an input of any size streams.
    """
    seen: dict[str, str] = {}  # id -> where it was first read
    for item in inputs:
        for doc in _iter_one_input(item, encoding, strict_encoding):
            if isinstance(doc, InputDoc):
                if doc.id in seen:
                    doc = InputError(doc.source, doc.line, f"duplicate document id {doc.id!r} (first at {seen[doc.id]})")
                else:
                    seen[doc.id] = doc.where
            yield doc


def _iter_one_input(item: str, encoding: str, strict: bool) -> Iterator[InputDoc | InputError]:
    if item == STDIN:
        stdin = sys.stdin.buffer
        if stdin.peek(64).lstrip()[:1] == b"{":
            yield from _from_jsonl(stdin, "<stdin>", encoding)
        else:
            yield _from_text(stdin.read(), "<stdin>", "stdin", encoding, strict)
        return
    path = Path(item)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.txt") if p.is_file())
        if not files:
            yield InputError(item, None, "folder holds no .txt file")
        for file in files:
            yield from _from_file(file, file.relative_to(path).with_suffix("").as_posix(), encoding, strict)
    elif path.is_file():
        yield from _from_file(path, path.stem, encoding, strict)
    else:
        yield InputError(item, None, "no such file or folder")


def _from_file(path: Path, doc_id: str, encoding: str, strict: bool) -> Iterator[InputDoc | InputError]:
    try:
        if path.suffix == ".jsonl":
            with open(path, "rb") as handle:
                yield from _from_jsonl(handle, str(path), encoding)
        else:
            yield _from_text(path.read_bytes(), str(path), doc_id, encoding, strict)
    except OSError as error:
        yield InputError(str(path), None, f"cannot read: {error.strerror}")


def _from_text(data: bytes, source: str, doc_id: str, encoding: str, strict: bool) -> InputDoc | InputError:
    try:
        text, note = decode_document(data, encoding, strict)
    except DecodeProblem as problem:
        return InputError(source, problem.line, str(problem))
    if not text.strip():
        return InputError(source, None, "empty document")
    return InputDoc(doc_id, text, source, meta={"encoding": note} if note else {})


def decode_document(data: bytes, encoding: str = "utf-8", strict: bool = False) -> tuple[str, str | None]:
    """The text of a document's bytes, and a note when it was not in ENCODING.

    A byte-order mark decides the encoding (a UTF-8 mark is dropped, as an encoding artefact and
    not text). Bytes with NUL in their first 8 KB are a binary file. Text that is not valid UTF-8
    from its first non-ASCII byte is decoded as GB18030 unless STRICT; UTF-8 that breaks later is
    corrupt, and an error.
    """
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise DecodeProblem(None, f"cannot decode as {codec} (byte-order mark) at byte {error.start}: {error.reason}")
            return text, None if codec == "utf-8-sig" else f"{codec} (byte-order mark)"
    nul = data.find(b"\0", 0, BINARY_SNIFF_BYTES)
    if nul >= 0:
        raise DecodeProblem(None, f"binary file (NUL byte at offset {nul}), not text")
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        failure = DecodeProblem(_line_of(data, error.start), f"cannot decode as {encoding} at byte {error.start}: {error.reason}")
        if strict or _codec_name(encoding) != "utf-8" or not data[: error.start].isascii():
            raise failure from None
    try:
        return data.decode(FALLBACK_ENCODING), f"{FALLBACK_ENCODING} (not valid {encoding})"
    except UnicodeDecodeError:
        raise failure from None


def _codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _from_jsonl(lines: Iterable[bytes], source: str, encoding: str) -> Iterator[InputDoc | InputError]:
    for number, raw in enumerate(lines, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode(encoding))
        except UnicodeDecodeError as error:
            yield InputError(source, number, f"cannot decode as {encoding} at byte {error.start} of the line: {error.reason}")
            continue
        except json.JSONDecodeError as error:
            yield InputError(source, number, f"malformed JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            yield InputError(source, number, 'record needs a non-empty string "id"')
        elif not isinstance(record.get("text"), str):
            yield InputError(source, number, 'record needs a string "text"')
        elif not record["text"].strip():
            yield InputError(source, number, f"empty document {record['id']!r}")
        elif surrogates := [(key, found) for key in ("id", "text") if (found := LONE_SURROGATE.search(record[key]))]:
            # a JSON escape such as \ud800 with no pair: no encoder (UTF-8 out, spaCy's strings) takes it
            key, found = surrogates[0]
            yield InputError(source, number, f"{key} holds a lone surrogate, U+{ord(found.group()):04X}, at character {found.start()}: not Unicode text")
        else:
            yield InputDoc(record["id"], record["text"], source, line=number)


# ---------------------------------------------------------------- writing


class CorpusWriter:
    """Writes OUT through OUT.partial, flushing whole lines, renamed to OUT on close.

    An interrupted run leaves OUT.partial holding only complete lines. With resume=True the
    records already complete in OUT and OUT.partial are kept and their ids skipped; they are
    written again in input order, so the finished file keeps the order of the inputs.
    """

    def __init__(self, path: str | Path, resume: bool = False):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.kept = self.path.with_name(self.path.name + ".resume")
        self._done: dict[str, tuple[Path, int]] = {}
        if resume:
            self._collect_finished()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] = open(self.partial, "w", encoding="utf-8")
        self.written = 0

    def _collect_finished(self) -> None:
        if self.partial.exists():
            with open(self.kept, "a", encoding="utf-8") as kept:
                for line in _complete_lines(self.partial):
                    kept.write(line)
            self.partial.unlink()
        for source in (self.path, self.kept):
            if source.exists():
                offset = 0
                with open(source, "rb") as handle:
                    for raw in handle:
                        if raw.endswith(b"\n"):
                            try:
                                self._done.setdefault(json.loads(raw)["id"], (source, offset))
                            except (json.JSONDecodeError, KeyError, TypeError):
                                pass
                        offset += len(raw)

    def is_done(self, doc_id: str) -> bool:
        return doc_id in self._done

    def write_done(self, doc_id: str) -> None:
        """Copy the finished record of doc_id from the earlier run."""
        source, offset = self._done[doc_id]
        with open(source, "rb") as handle:
            handle.seek(offset)
            self._handle.write(handle.readline().decode("utf-8"))
        self._flush()

    def write(self, record: dict) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: str) -> None:
        """One record, already serialised by dumps()."""
        self._handle.write(line + "\n")
        self._flush()

    def _flush(self) -> None:
        self._handle.flush()
        self.written += 1

    def close(self) -> None:
        self._handle.close()
        os.replace(self.partial, self.path)
        self.kept.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Stop without finishing: keep OUT.partial for a later --resume."""
        self._handle.close()


def _complete_lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.endswith("\n"):
                yield line
