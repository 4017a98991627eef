"""Scoring an annotated corpus against a gold file, layer by layer.

Documents are matched by id; a gold document is scored only on the layers it carries.
"""

from __future__ import annotations

from pathlib import Path

from nlp.corpus import FormatError, read_corpus
from nlp.evaluate.scorers import score_entities, score_quotes, score_segmentation

QUOTE_KINDS = ("direct", "indirect")


def pair_documents(gold_path: str | Path, pred_path: str | Path) -> list[tuple[dict, dict]]:
    """(gold, prediction) pairs in gold order; a missing id or a changed text is an error."""
    predictions = {}
    for record in read_corpus(pred_path):
        predictions[record["id"]] = record
    pairs = []
    for gold in read_corpus(gold_path):
        pred = predictions.get(gold["id"])
        if pred is None:
            raise FormatError(f"{pred_path}: no document with id {gold['id']!r}, which {gold_path} has")
        if pred["text"] != gold["text"]:
            at = next((i for i, (a, b) in enumerate(zip(gold["text"], pred["text"])) if a != b), min(len(gold["text"]), len(pred["text"])))
            raise FormatError(f"{pred_path}: the text of {gold['id']!r} differs from the gold text at offset {at}")
        pairs.append((gold, pred))
    return pairs


def evaluate_pairs(pairs: list[tuple[dict, dict]], train_words: set[str] | None = None) -> dict:
    """Scores for every layer that at least one gold document carries."""
    scores: dict = {"documents": len(pairs)}
    tokens = [(g, p) for g, p in pairs if "tokens" in g]
    entities = [(g, p) for g, p in pairs if "entities" in g]
    quotes = [(g, p) for g, p in pairs if "quotes" in g]
    if tokens:
        scores["segmentation"] = score_segmentation(tokens, train_words)
    if entities:
        scores["ner"] = score_entities(entities)
    if quotes:
        scores["quotes"] = score_quotes(quotes)
        scores["quotes"]["per_kind"] = {kind: score_quotes(quotes, kinds=(kind,)) for kind in QUOTE_KINDS}
    return scores


def read_word_list(path: str | Path) -> set[str]:
    """One word a line (anything after a tab or space is ignored, as in frequency lists)."""
    with open(path, encoding="utf-8") as handle:
        return {line.split()[0] for line in handle if line.strip()}
