"""BRAT standoff: a folder with ID.txt and ID.ann per document and an annotation.conf; entities
and quotes with speakers and cues are held, tokens and meta lost.

Entities are text-bound annotations (T) labelled with their label, quotes T labelled
Quote_direct or Quote_indirect, speakers and cues T labelled Speaker and Cue (one T per mention,
however many quotes it serves), tied to their quotes by relations `Said Arg1:Speaker Arg2:Quote`
and `Cued Arg1:Cue Arg2:Quote`. Offsets are characters of the .txt, which holds the text exactly;
a span over line breaks is written as fragments between them (`start end;start end`), as brat wants. A
document id with slashes is a path below the folder; documents are read in path order.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from nlp.convert.common import (
    LINKS, MENTIONS, QUOTE_LABELS, Link, Losses, Region, fail, from_regions, new_record, numbered_lines, to_regions,
)

RELATIONS = {kind: kind.capitalize() for kind in LINKS.values()}


def write(records: Iterable[dict], path: Path) -> list[str]:
    losses = Losses("brat", ("entities", "quotes"))
    labels = set()
    for record in losses.watch(records):
        name = PurePosixPath(record["id"])
        if name.is_absolute() or ".." in name.parts:
            raise fail(path, None, f"document id {record['id']!r} is not a path below the folder")
        stem = path / name
        stem.parent.mkdir(parents=True, exist_ok=True)
        with open(stem.with_name(stem.name + ".txt"), "w", encoding="utf-8", newline="") as out:
            out.write(record["text"])
        regions, links = to_regions(record)
        labels.update(e["label"] for e in record.get("entities") or [])
        with open(stem.with_name(stem.name + ".ann"), "w", encoding="utf-8", newline="") as out:
            out.writelines(_text_bound(region, record["text"]) for region in regions)
            out.writelines(
                f"R{i}\t{RELATIONS[link.kind]} Arg1:{link.source} Arg2:{link.quote}\n" for i, link in enumerate(links, 1)
            )
    (path / "annotation.conf").write_text(_configuration(sorted(labels)), encoding="utf-8")
    return losses.messages()


def _text_bound(region: Region, text: str) -> str:
    fragments, start = [], region.start
    for end in [i for i in range(region.start, region.end) if text[i] in "\r\n"] + [region.end]:
        if end > start:
            fragments.append((start, end))
        start = end + 1
    offsets = ";".join(f"{s} {e}" for s, e in fragments)
    return f"{region.id}\t{region.label} {offsets}\t{' '.join(text[s:e] for s, e in fragments)}\n"


def _configuration(entity_labels: list[str]) -> str:
    quotes = "|".join(QUOTE_LABELS.values())
    return "\n".join([
        "[entities]", *entity_labels, *QUOTE_LABELS.values(), *MENTIONS.values(),
        "[relations]",
        f"{RELATIONS['said']}\tArg1:{MENTIONS['speaker']}, Arg2:{quotes}",
        f"{RELATIONS['cued']}\tArg1:{MENTIONS['cue']}, Arg2:{quotes}",
        # entities, quotes and their speakers nest and overlap
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "[events]", "[attributes]", "",
    ])


def read(path: Path) -> Iterator[dict]:
    if not path.is_dir():
        raise fail(path, None, "a brat corpus is a folder of .txt and .ann files")
    for ann in sorted(path.rglob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise fail(ann, None, f"no {txt.name} beside it")
        with open(txt, encoding="utf-8", newline="") as handle:
            text = handle.read()
        regions, links = _annotations(ann, text)
        entities, quotes = from_regions(text, regions, links)
        yield new_record(ann.relative_to(path).with_suffix("").as_posix(), text, entities=entities, quotes=quotes)


def _annotations(ann: Path, text: str) -> tuple[list[Region], list[Link]]:
    regions, links = [], []
    kinds = {name: kind for kind, name in RELATIONS.items()}
    for number, line in numbered_lines(ann):
        # the text of a T annotation may hold tabs itself
        columns = line.split("\t", 2)
        if line.startswith("T"):
            try:
                label, offsets = columns[1].split(" ", 1)
                fragments = [tuple(map(int, fragment.split())) for fragment in offsets.split(";")]
                start, end = fragments[0][0], fragments[-1][1]
            except (IndexError, ValueError):
                raise fail(ann, number, "expected ID<TAB>LABEL START END<TAB>TEXT") from None
            if len(columns) > 2 and columns[2] != " ".join(text[s:e] for s, e in fragments):
                raise fail(ann, number, f"{columns[2]!r} is not the text at {offsets} of the .txt")
            regions.append(Region(columns[0], label, start, end))
        elif line.startswith("R"):
            try:
                name, source, target = columns[1].split()
                links.append(Link(kinds.get(name, name), source.split(":")[1], target.split(":")[1]))
            except (IndexError, ValueError):
                raise fail(ann, number, "expected ID<TAB>RELATION Arg1:ID Arg2:ID") from None
    return regions, links
