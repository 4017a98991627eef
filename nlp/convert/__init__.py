"""Converters between the annotated-corpus format and interchange formats.

Every converter goes through the canonical record (nlp.corpus): a format module has
`read(path) -> Iterator[dict]` and `write(records, path) -> list[str]` (bio's take a level as
well), the list being what the format could not hold or had to change, one warning line each. Readers give only the layers
their format holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType

from nlp.convert import bio, brat, conllu, docbin, jsonl, labelstudio, pd
from nlp.corpus import FormatError, validate_record

LEVELS = ("char", "word")


@dataclass(frozen=True)
class Format:
    name: str
    module: ModuleType
    suffix: str
    has_level: bool = False  # takes --level (char | word)

    def reader(self, level: str):
        return partial(self.module.read, level=level) if self.has_level else self.module.read

    def writer(self, level: str):
        return partial(self.module.write, level=level) if self.has_level else self.module.write


FORMATS = {
    f.name: f
    for f in (
        Format("jsonl", jsonl, ".jsonl"),
        Format("spacy", docbin, ".spacy"),
        Format("conllu", conllu, ".conllu"),
        Format("bio", bio, ".bio", has_level=True),
        Format("brat", brat, ""),
        Format("labelstudio", labelstudio, ".json"),
        Format("pd", pd, ".pd"),
    )
}


def guess_format(path: Path) -> str | None:
    """The format a path's suffix names; a folder, or a path with no suffix, is brat."""
    if path.is_dir():
        return "brat"
    return next((f.name for f in FORMATS.values() if f.suffix == path.suffix), None)


def convert(source: Path, target: Path, from_format: str, to_format: str, level: str = "char") -> tuple[int, list[str]]:
    """Convert SOURCE to TARGET; returns the number of documents and the warning lines.
    SOURCE is read whole before TARGET is opened, so bad input leaves no half-written output."""
    try:
        records = list(FORMATS[from_format].reader(level)(source))
    except UnicodeDecodeError as error:
        raise FormatError(f"{source}: cannot decode as UTF-8: {error.reason}") from None
    for record in records:
        try:
            validate_record(record)
        except FormatError as error:
            raise FormatError(f"{source}: document {record['id']!r}: {error}") from None
    return len(records), FORMATS[to_format].writer(level)(records, target)
