"""The canonical annotated-corpus format itself (nlp.corpus): it holds everything."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from nlp.corpus import dumps, read_corpus


def read(path: Path) -> Iterator[dict]:
    return read_corpus(path)


def write(records: Iterable[dict], path: Path) -> list[str]:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(dumps(record) + "\n")
    return []
