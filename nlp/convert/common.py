"""What the converters share: loss reports, the text cut into units, sentences, entity tags,
whitespace as visible symbols, and quotes as labelled regions linked by relations."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from nlp.corpus import FORMAT_VERSION, LAYERS, FormatError

NOUNS = {"tokens": "token", "entities": "entity", "quotes": "quote", "meta": "meta key"}
# A sentence ends after 。！？ (with the closing marks that follow) or at a line break; the
# whitespace after the end belongs to the sentence it ends.
SENTENCE_END = re.compile(r"(?:[。！？!?]+[”’」』）)]*|[\r\n])\s*")
# Line formats cannot show whitespace in a column: each whitespace character is written as a
# visible symbol, one for one, so offsets do not move (Unicode's control pictures; ␣ for the
# ideographic space, which has none). Any other whitespace is written as ␢ and read back as a space.
WHITESPACE_SYMBOLS = {" ": "␠", "\t": "␉", "\n": "␤", "\r": "␍", "\u3000": "␣"}
OTHER_WHITESPACE = "␢"
_ENCODE = str.maketrans(WHITESPACE_SYMBOLS)
_DECODE = str.maketrans({symbol: char for char, symbol in WHITESPACE_SYMBOLS.items()} | {OTHER_WHITESPACE: " "})
QUOTE_LABELS = {"direct": "Quote_direct", "indirect": "Quote_indirect"}
MENTIONS = {"speaker": "Speaker", "cue": "Cue"}
LINKS = {"speaker": "said", "cue": "cued"}


def plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


class Losses:
    """What a writer could not hold or had to change, counted over the documents, as the
    warning lines of `nlp convert`."""

    def __init__(self, format_name: str, holds: Iterable[str]):
        self.format_name = format_name
        self.holds = set(holds)
        self._counts: dict[tuple[str, str], list] = {}

    def watch(self, records: Iterable[dict]) -> Iterator[dict]:
        """The records, counting on the way the layers and meta the format cannot hold."""
        for record in records:
            for layer in (*LAYERS, "meta"):
                if layer not in self.holds and record.get(layer):
                    self.add(f"cannot hold {layer}: {{}} dropped", NOUNS[layer], record["id"], len(record[layer]))
            yield record

    def add(self, problem: str, noun: str, doc_id: str, count: int = 1) -> None:
        """Count COUNT NOUNs of document DOC_ID under PROBLEM, a message with {} for the counts."""
        if count:
            total = self._counts.setdefault((problem, noun), [0, set()])
            total[0] += count
            total[1].add(doc_id)

    def messages(self) -> list[str]:
        lines = []
        for (problem, noun), (count, docs) in self._counts.items():
            counted = f"{count} {plural(noun, count)}"
            if noun != "document":
                counted += f" in {len(docs)} {plural('document', len(docs))}"
            lines.append(f"{self.format_name} {problem.format(counted)}")
        return lines


def new_record(doc_id: str, text: str, **layers) -> dict:
    return {"version": FORMAT_VERSION, "id": doc_id, "text": text, **layers}


def fail(path: Path | str, line: int | None, reason: str) -> FormatError:
    where = path if line is None else f"{path}:{line}"
    return FormatError(f"{where}: {reason}")


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a UTF-8 file, split at line feeds only: a lone carriage return is text."""
    number = 0
    with open(path, encoding="utf-8", newline="\n") as handle:
        try:
            for number, line in enumerate(handle, 1):
                yield number, line.rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise fail(path, number + 1, f"cannot decode as UTF-8: {error.reason}") from None


# ---------------------------------------------------------------- whitespace as symbols


def encode_whitespace(text: str) -> str:
    """TEXT with its whitespace as visible symbols, one for one."""
    return "".join(OTHER_WHITESPACE if char.isspace() else char for char in text.translate(_ENCODE))


def report_whitespace(record: dict, losses: Losses) -> None:
    """Count the characters of the record's text that encode_whitespace cannot give back."""
    text, doc_id = record["text"], record["id"]
    symbols = set(WHITESPACE_SYMBOLS.values()) | {OTHER_WHITESPACE}
    losses.add("cannot hold its whitespace symbols as text: {} read back as whitespace", "character",
               doc_id, sum(char in symbols for char in text))
    losses.add(f"cannot hold rare whitespace: {{}} written as {OTHER_WHITESPACE}, read back as spaces", "character",
               doc_id, sum(char.isspace() and char not in WHITESPACE_SYMBOLS for char in text))


def decode_whitespace(text: str) -> str:
    return text.translate(_DECODE)


# ---------------------------------------------------------------- units, sentences, tags


def annotation_offsets(record: dict, layers: Iterable[str]) -> set[int]:
    """Where the items of LAYERS (entities, quotes with their speakers and cues) start and end."""
    offsets = set()
    for layer in layers:
        for item in record.get(layer) or []:
            offsets.update((item["start"], item["end"]))
            for part in MENTIONS:
                if item.get(part):
                    offsets.update((item[part]["start"], item[part]["end"]))
    return offsets


def tile(record: dict, cuts: set[int], losses: Losses | None = None) -> list[tuple[int, int]]:
    """The text cut into units that cover it: the record's tokens (its characters when it has
    none) split at whitespace and at CUTS, with the whitespace between them as units of their own
    (a run of it is one unit unless a cut falls inside). LOSSES, when given, hears of the tokens
    that were split and of text that was in no token."""
    text, doc_id = record["text"], record["id"]
    tokens = record.get("tokens")
    if tokens is None:
        tokens = [[i, i + 1] for i, char in enumerate(text) if not char.isspace()]
        if losses is not None:
            losses.add("wrote {} without tokens as characters", "document", doc_id)
    spaces = [m.span() for m in re.finditer(r"\s+", text)]
    bounds = sorted({0, len(text)} | cuts | {o for t in tokens for o in t} | {o for s in spaces for o in s})
    starts = [start for start, _ in tokens]
    units: list[tuple[int, int]] = []
    pieces_in: dict[int, int] = {}
    uncovered = 0
    for start, end in zip(bounds, bounds[1:]):
        if text[start:end].isspace():
            if units and text[units[-1][0]:units[-1][1]].isspace() and start not in cuts:
                units[-1] = (units[-1][0], end)
                continue
        else:
            owner = bisect_right(starts, start) - 1
            if owner >= 0 and tokens[owner][1] >= end:
                pieces_in[owner] = pieces_in.get(owner, 0) + 1
            else:
                uncovered += end - start
        units.append((start, end))
    if losses is not None:
        losses.add("split {} at annotation boundaries", "token", doc_id, sum(n > 1 for n in pieces_in.values()))
        losses.add("turned {} that were in no token into tokens", "character", doc_id, uncovered)
    return units


def flat_entities(record: dict, losses: Losses) -> list[dict]:
    """The record's entities without those that overlap an earlier one (reported)."""
    kept, end = [], 0
    for entity in sorted(record.get("entities") or [], key=lambda e: (e["start"], -e["end"])):
        if entity["start"] >= end:
            kept.append(entity)
            end = entity["end"]
    losses.add("cannot hold overlapping entities: {} dropped", "entity", record["id"], len(record.get("entities") or []) - len(kept))
    return kept


def bio_tags(units: list[tuple[int, int]], entities: list[dict]) -> list[str]:
    """A BIO tag per unit; every entity starts and ends on unit boundaries."""
    tags = ["O"] * len(units)
    index = {start: i for i, (start, _) in enumerate(units)}
    for entity in entities:
        i = index[entity["start"]]
        tags[i] = f"B-{entity['label']}"
        while units[i][1] < entity["end"]:
            i += 1
            tags[i] = f"I-{entity['label']}"
    return tags


def sentences(text: str, units: list[tuple[int, int]], entities: list[dict]) -> Iterator[list[int]]:
    """The indices of UNITS grouped into sentences (see SENTENCE_END); never inside an entity."""
    breaks = sorted({m.end() for m in SENTENCE_END.finditer(text)}
                    - {o for e in entities for o in range(e["start"] + 1, e["end"])})
    sentence: list[int] = []
    for i, (start, _) in enumerate(units):
        if sentence and bisect_right(breaks, start) > bisect_right(breaks, units[sentence[-1]][0]):
            yield sentence
            sentence = []
        sentence.append(i)
    if sentence:
        yield sentence


# ---------------------------------------------------------------- quotes as regions and links


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Link:
    kind: str  # a value of LINKS
    source: str  # the speaker's or cue's region id
    quote: str


def to_regions(record: dict) -> tuple[list[Region], list[Link]]:
    """Entities, quotes, speakers and cues as labelled regions (a mention shared by several quotes
    is one region), and the said/cued links from speakers and cues to their quotes."""
    regions = [Region(f"T{i}", e["label"], e["start"], e["end"]) for i, e in enumerate(record.get("entities") or [], 1)]
    mentions: dict[tuple, Region] = {}
    links = []
    for quote in record.get("quotes") or []:
        region = Region(f"T{len(regions) + 1}", QUOTE_LABELS[quote["kind"]], quote["start"], quote["end"])
        regions.append(region)
        for part, label in MENTIONS.items():
            mention = quote.get(part)
            if mention:
                key = (label, mention["start"], mention["end"])
                if key not in mentions:
                    mentions[key] = Region(f"T{len(regions) + 1}", *key)
                    regions.append(mentions[key])
                links.append(Link(LINKS[part], mentions[key].id, region.id))
    return regions, links


def from_regions(text: str, regions: list[Region], links: list[Link]) -> tuple[list[dict], list[dict]]:
    """Entities and quotes back from regions and links: the inverse of to_regions."""
    kinds = {label: kind for kind, label in QUOTE_LABELS.items()}
    parts = {label: part for part, label in MENTIONS.items()}
    by_id = {region.id: region for region in regions}
    attributed: dict[tuple[str, str], Region] = {}
    for link in links:
        source, quote = by_id.get(link.source), by_id.get(link.quote)
        # a relation drawn from the quote to its speaker means the same
        if source is not None and source.label in kinds:
            source, quote = quote, source
        if source is not None and quote is not None and source.label in parts and quote.label in kinds:
            attributed.setdefault((quote.id, parts[source.label]), source)
    entities, quotes = [], []
    for region in regions:
        if region.label in kinds:
            quote = {"start": region.start, "end": region.end, "kind": kinds[region.label]}
            for part in MENTIONS:
                mention = attributed.get((region.id, part))
                quote[part] = None if mention is None else {
                    "start": mention.start, "end": mention.end, "text": text[mention.start:mention.end]
                }
            quotes.append(quote)
        elif region.label not in parts:
            entities.append({"start": region.start, "end": region.end, "label": region.label})
    return entities, quotes
