"""Corpus statistics for reports. Pure functions of records.

Text figures (documents, characters, paragraphs, repeated paragraphs) describe the texts, which
gold and prediction share. Layer figures are counted per side over the documents whose gold
carries that layer, so gold and prediction counts are comparable (a gold file with entities on
one document is not set against predicted entities on three hundred).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from nlp.evaluate.scorers import Pair, speaker_text
from nlp.hygiene import MIN_REPEATED_PARAGRAPH, paragraphs


def text_stats(records: Iterable[dict], top: int = 10) -> dict:
    """Documents, characters, paragraphs, and the paragraphs that occur more than once."""
    documents = characters = paragraph_count = 0
    occurrences: Counter = Counter()
    where: dict[str, set[str]] = defaultdict(set)
    for record in records:
        documents += 1
        characters += len(record["text"])
        for start, end in paragraphs(record["text"]):
            paragraph = record["text"][start:end]
            paragraph_count += 1
            if len(paragraph) >= MIN_REPEATED_PARAGRAPH:
                occurrences[paragraph] += 1
                where[paragraph].add(record["id"])
    repeated = sorted((p for p, n in occurrences.items() if n > 1), key=lambda p: (-occurrences[p], p))
    return {
        "documents": documents,
        "characters": characters,
        "paragraphs": paragraph_count,
        "repeated_paragraphs": len(repeated),
        "repeated_copies": sum(occurrences[p] - 1 for p in repeated),
        "top_repeated": [{"text": p, "count": occurrences[p], "documents": sorted(where[p])} for p in repeated[:top]],
    }


def layer_stats(pairs: Sequence[Pair], side: int, top: int = 10) -> dict:
    """Token, entity and quote counts of one side (0 gold, 1 prediction); a layer the gold
    never carries is absent."""
    stats: dict = {}
    for layer in ("tokens", "entities", "quotes"):
        records = [pair[side] for pair in pairs if layer in pair[0]]
        if not records:
            continue
        stats[f"{layer}_documents"] = len(records)
        if layer == "tokens":
            stats["tokens"] = sum(len(r["tokens"]) for r in records)
        elif layer == "entities":
            labels = Counter(e["label"] for r in records for e in r["entities"])
            stats["entities"] = sum(labels.values())
            stats["entities_per_label"] = dict(sorted(labels.items()))
        else:
            quotes = [q for r in records for q in r["quotes"]]
            speakers = Counter(speaker_text(q) for q in quotes if q.get("speaker"))
            stats["quotes"] = len(quotes)
            stats["quotes_per_kind"] = dict(sorted(Counter(q["kind"] for q in quotes).items()))
            stats["quotes_with_speaker"] = sum(speakers.values())
            stats["speakers"] = len(speakers)
            stats["top_speakers"] = [
                {"speaker": name, "quotes": n} for name, n in sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            ]
    return stats
