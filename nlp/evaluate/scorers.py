"""Scoring functions, one per layer: pure functions of gold and predicted records.

Like spaCy's Scorer, a score that has nothing to measure (no gold and no predicted item) is
None rather than 0 or 1. Counts (tp, fp, fn) travel with every P/R/F so reports can add
corpora up and readers can see how much a figure rests on.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Sequence

from spacy.scorer import PRFScore, Scorer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab

Pair = tuple[dict, dict]  # (gold record, predicted record)


def prf(score: PRFScore) -> dict:
    """P/R/F of a PRFScore with None where undefined, and the counts behind them."""
    has_pred = score.tp + score.fp > 0
    has_gold = score.tp + score.fn > 0
    p = score.precision if has_pred else None
    r = score.recall if has_gold else None
    f = score.fscore if has_pred or has_gold else None
    if has_gold != has_pred:
        f = 0.0
    return {"p": p, "r": r, "f": f, "tp": score.tp, "fp": score.fp, "fn": score.fn}


def _count(score: PRFScore, gold: set, pred: set) -> None:
    score.tp += len(gold & pred)
    score.fp += len(pred - gold)
    score.fn += len(gold - pred)


# ---------------------------------------------------------------- segmentation


def _tokens_doc(vocab: Vocab, record: dict) -> Doc:
    text = record["text"]
    words, spaces, cursor = [], [], 0
    for start, end in record["tokens"]:
        if start > cursor:  # whitespace between tokens becomes spaCy's whitespace tokens
            gap = text[cursor:start]
            if words and gap == " ":
                spaces[-1] = True
            else:
                words.append(gap)
                spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        cursor = end
    if cursor < len(text):
        words.append(text[cursor:])
        spaces.append(False)
    return Doc(vocab, words=words, spaces=spaces)


def score_segmentation(pairs: Sequence[Pair], train_words: set[str] | None = None) -> dict:
    """Word P/R/F over character spans (spaCy's score_tokenization), plus the SIGHAN OOV figures:
    OOV rate = share of gold words not in the training word list, OOV recall and IV recall =
    share of those gold words whose exact span the prediction has."""
    vocab = Vocab()
    examples = [Example(_tokens_doc(vocab, pred), _tokens_doc(vocab, gold)) for gold, pred in pairs]
    spacy_scores = Scorer.score_tokenization(examples)
    words = PRFScore()
    oov_found = oov_total = iv_found = iv_total = 0
    for gold, pred in pairs:
        gold_spans = {tuple(t) for t in gold["tokens"]}
        pred_spans = {tuple(t) for t in pred["tokens"]}
        _count(words, gold_spans, pred_spans)
        if train_words is not None:
            for span in gold_spans:
                found = span in pred_spans
                if gold["text"][span[0] : span[1]] in train_words:
                    iv_total += 1
                    iv_found += found
                else:
                    oov_total += 1
                    oov_found += found
    scores = prf(words)
    scores["token_acc"] = spacy_scores["token_acc"]
    if train_words is not None:
        total = oov_total + iv_total
        scores["oov_rate"] = oov_total / total if total else None
        scores["oov_recall"] = oov_found / oov_total if oov_total else None
        scores["iv_recall"] = iv_found / iv_total if iv_total else None
    return scores


# ---------------------------------------------------------------- entities


def entity_set(record: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in record["entities"]}


def score_entities(pairs: Sequence[Pair]) -> dict:
    """Exact-span entity P/R/F, micro over all labels and per label (as spaCy's ents_per_type)."""
    micro = PRFScore()
    per_label: dict[str, PRFScore] = defaultdict(PRFScore)
    for gold, pred in pairs:
        gold_ents, pred_ents = entity_set(gold), entity_set(pred)
        _count(micro, gold_ents, pred_ents)
        for label in {e[2] for e in gold_ents | pred_ents}:
            _count(per_label[label], {e for e in gold_ents if e[2] == label}, {e for e in pred_ents if e[2] == label})
    scores = prf(micro)
    scores["per_label"] = {label: prf(per_label[label]) for label in sorted(per_label)}
    return scores


# ---------------------------------------------------------------- quotes


def speaker_text(quote: dict) -> str | None:
    speaker = quote.get("speaker")
    return speaker["text"] if speaker else None


def overlap_matches(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one matches of overlapping spans, largest overlap first (ties by position)."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                candidates.append((-overlap, i, j))
    used_gold, used_pred, matches = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            matches.append((i, j))
    return matches


def score_quotes(pairs: Sequence[Pair], kinds: Iterable[str] = ("direct", "indirect")) -> dict:
    """Quote spans exact and by overlap, speaker accuracy on exact matches, and end to end
    (a quote counts only with its exact span and the right speaker: the same mention text, or
    null for both). Speakers compare by text because a name may be pointed at any of its mentions."""
    kinds = set(kinds)
    exact, overlap, end_to_end = PRFScore(), PRFScore(), PRFScore()
    speaker_right = speaker_total = 0
    for gold, pred in pairs:
        gold_quotes = [q for q in gold["quotes"] if q["kind"] in kinds]
        pred_quotes = [q for q in pred["quotes"] if q["kind"] in kinds]
        gold_spans = {(q["start"], q["end"]): speaker_text(q) for q in gold_quotes}
        pred_spans = {(q["start"], q["end"]): speaker_text(q) for q in pred_quotes}
        _count(exact, set(gold_spans), set(pred_spans))
        _count(end_to_end, set(gold_spans.items()), set(pred_spans.items()))
        matched = len(overlap_matches(gold_quotes, pred_quotes))
        overlap.tp += matched
        overlap.fp += len(pred_quotes) - matched
        overlap.fn += len(gold_quotes) - matched
        for span in set(gold_spans) & set(pred_spans):
            speaker_total += 1
            speaker_right += gold_spans[span] == pred_spans[span]
    return {
        "span": prf(exact),
        "overlap": prf(overlap),
        "speaker_accuracy": speaker_right / speaker_total if speaker_total else None,
        "speaker_matched": speaker_total,
        "end_to_end": prf(end_to_end),
    }
