"""Scoring an annotated corpus against a gold file, layer by layer.

Documents are matched by id; a gold document is scored only on the layers it carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from nlp.corpus import FormatError, InputError, iter_corpus
from nlp.evaluate.scorers import Pair, score_entities, score_quotes, score_segmentation

QUOTE_KINDS = ("direct", "indirect")


@dataclass
class Pairing:
    """The (gold, prediction) pairs to score, in gold order, and the documents that cost only themselves."""

    pairs: list[Pair] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: int = 0  # gold documents left out of the scores
    missing: int = 0  # gold documents with no prediction, scored as if nothing was predicted

    def report(self, path: str | Path, line: int | None, reason: str) -> None:
        self.errors.append(InputError(str(path), line, reason))


def pair_documents(gold_path: str | Path, pred_path: str | Path) -> Pairing:
    """Match the documents of PRED_PATH to those of GOLD_PATH by id.

    A bad document costs only itself, and every one is reported with its file and line. A line of
    either file that breaks the format, gold entities that overlap, a duplicate id, or a
    prediction whose text differs from its gold text leaves the gold document out of the scores
    (skipped). The format allows overlapping entities (brat holds them), but the scorers and
    reports take gold entities as spaCy's doc.ents, which never overlap. A gold document with no
    prediction is scored against an empty one (missing): a system that drops a document has
    failed on it, so its gold items count as false negatives.
    """
    pairing = Pairing()
    predictions: dict[str, tuple[int, dict]] = {}
    for number, pred in _records(pred_path, pairing):
        if pred["id"] in predictions:
            pairing.report(pred_path, number, f"duplicate document id {pred['id']!r} (first at line {predictions[pred['id']][0]})")
        else:
            predictions[pred["id"]] = (number, pred)
    gold_lines: dict[str, int] = {}
    for number, gold in _records(gold_path, pairing, gold=True):
        if gold["id"] in gold_lines:
            pairing.report(gold_path, number, f"duplicate document id {gold['id']!r} (first at line {gold_lines[gold['id']]})")
            pairing.skipped += 1
            continue
        gold_lines[gold["id"]] = number
        pred_line, pred = predictions.get(gold["id"], (None, None))
        if pred is None:
            pairing.report(gold_path, number, f"no document {gold['id']!r} in {pred_path}: scored as predicting nothing")
            pairing.missing += 1
            pairing.pairs.append((gold, {"id": gold["id"], "text": gold["text"], "tokens": [], "entities": [], "quotes": []}))
        elif pred["text"] != gold["text"]:
            at = next((i for i, (a, b) in enumerate(zip(gold["text"], pred["text"])) if a != b), min(len(gold["text"]), len(pred["text"])))
            pairing.report(pred_path, pred_line, f"text of {gold['id']!r} differs from {gold_path}:{number} at offset {at}")
            pairing.skipped += 1
        else:
            pairing.pairs.append((gold, pred))
    return pairing


def _records(path: str | Path, pairing: Pairing, gold: bool = False) -> Iterator[tuple[int, dict]]:
    """The valid records of PATH with their line numbers; a bad line is reported, and a bad gold
    line is a skipped document."""
    for number, record in iter_corpus(path, flat_entities=gold):
        if isinstance(record, FormatError):
            pairing.report(path, number, str(record))
            pairing.skipped += gold
        else:
            yield number, record


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
