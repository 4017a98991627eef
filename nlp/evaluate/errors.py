"""Error listing: which items a prediction got wrong, why, and where. Pure functions.

Every false positive and false negative the headline score counts becomes one error (so the
errors of a layer add up to its fp + fn), with a category that says what kind of mistake it is:

- entities (exact span and label): wrong label, boundary, spurious, missed
- quotes (exact span and speaker, the end-to-end score): wrong speaker, missing speaker,
  extra speaker, boundary, spurious, missed
- segmentation (exact word spans): split, merged, crossing
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable, Iterable, Sequence

from nlp.evaluate.scorers import Pair, entity_set, speaker_text

LAYER_NAMES = {"tokens": "segmentation", "entities": "entities", "quotes": "quotes"}
CATEGORIES = {
    "tokens": ("split", "merged", "crossing"),
    "entities": ("wrong label", "boundary", "spurious", "missed"),
    "quotes": ("wrong speaker", "missing speaker", "extra speaker", "boundary", "spurious", "missed"),
}
CONTEXT_CHARS = 12
Item = tuple  # (start, end, ...) as the scorers compare them


def _overlaps(a: Item, b: Item) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _overlaps_any(item: Item, others: Iterable[Item]) -> bool:
    return any(_overlaps(item, other) for other in others)


# ---------------------------------------------------------------- categories, one function per layer
# Each takes (item, the other side's items, is_false_positive) and names the mistake.


def _entity_category(item: Item, other: set, fp: bool) -> str:
    if any(o[:2] == item[:2] for o in other):
        return "wrong label"
    if _overlaps_any(item, other):
        return "boundary"
    return "spurious" if fp else "missed"


def _quote_category(item: Item, other: set, fp: bool) -> str:
    same_span = [o for o in other if o[:2] == item[:2]]
    if same_span:
        pred_speaker, gold_speaker = (item[2], same_span[0][2]) if fp else (same_span[0][2], item[2])
        if pred_speaker is None:
            return "missing speaker"
        return "extra speaker" if gold_speaker is None else "wrong speaker"
    if _overlaps_any(item, other):
        return "boundary"
    return "spurious" if fp else "missed"


def _token_category(item: Item, other: set, fp: bool) -> str:
    """A word inside one word of the other side was split off it (or, seen from the gold side,
    merged into it); a word whose ends are both boundaries of the other side spans several of
    its words. Gold and prediction swap roles, so the names follow the prediction's mistake."""
    start, end = item[:2]
    starts = {o[0] for o in other}
    ends = {o[1] for o in other}
    inside_one = any(o[0] <= start and end <= o[1] for o in other)
    covers_several = start in starts and end in ends
    if fp:
        return "split" if inside_one else "merged" if covers_several else "crossing"
    return "merged" if inside_one else "split" if covers_several else "crossing"


# ---------------------------------------------------------------- items as the scorers see them


def _token_items(record: dict) -> set[Item]:
    return {tuple(t) for t in record["tokens"]}


def _quote_items(record: dict) -> set[Item]:
    return {(q["start"], q["end"], speaker_text(q), q["kind"]) for q in record["quotes"]}


def _quote_key(item: Item) -> Item:
    # End to end compares span and speaker only; kind rides along for display.
    return item[:3]


ITEMS: dict[str, Callable[[dict], set[Item]]] = {"tokens": _token_items, "entities": entity_set, "quotes": _quote_items}
CATEGORY: dict[str, Callable[[Item, set, bool], str]] = {
    "tokens": _token_category,
    "entities": _entity_category,
    "quotes": _quote_category,
}


def _label(layer: str, item: Item) -> str:
    if layer == "entities":
        return item[2]
    if layer == "quotes":
        return f"{item[3]} ← {item[2] or '(no speaker)'}"
    return ""


def list_errors(pairs: Sequence[Pair], layer: str) -> list[dict]:
    """Every fp and fn of LAYER over the pairs whose gold carries it, in document order."""
    key = _quote_key if layer == "quotes" else (lambda item: item)
    category = CATEGORY[layer]
    errors = []
    for gold, pred in pairs:
        if layer not in gold:
            continue
        text = gold["text"]
        gold_items, pred_items = ITEMS[layer](gold), ITEMS[layer](pred)
        gold_keys, pred_keys = {key(i) for i in gold_items}, {key(i) for i in pred_items}
        found = []
        for side, own, other_keys in (("fp", pred_items, gold_keys), ("fn", gold_items, pred_keys)):
            for item in own:
                if key(item) in other_keys:
                    continue
                start, end = item[:2]
                found.append(
                    {
                        "doc": gold["id"],
                        "type": side,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "label": _label(layer, item),
                        "category": category(key(item), other_keys, side == "fp"),
                        **context(text, start, end),
                    }
                )
        errors += sorted(found, key=lambda e: (e["start"], e["end"], e["type"], e["label"]))
    return errors


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> dict:
    """The characters either side of a span, on one line."""

    def flat(part: str) -> str:
        return part.replace("\r", "").replace("\n", "⏎")

    return {"left": flat(text[max(0, start - width) : start]), "right": flat(text[end : end + width])}


def category_counts(errors: Iterable[dict], layer: str) -> dict[str, int]:
    counts = Counter(e["category"] for e in errors)
    return {name: counts[name] for name in CATEGORIES[layer]}


def top_errors(errors: Iterable[dict], side: str, limit: int = 15) -> list[dict]:
    """The most frequent errors of one side ("fp" or "fn"), grouped by text and label, with the
    first occurrence as the example; ties by text."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for error in errors:
        if error["type"] == side:
            groups[(error["text"], error["label"])].append(error)
    rows = []
    for (text, label), members in groups.items():
        categories = Counter(e["category"] for e in members)
        rows.append(
            {
                "text": text,
                "label": label,
                "count": len(members),
                "documents": len({e["doc"] for e in members}),
                "category": ", ".join(name for name, _ in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
                "example": members[0],
            }
        )
    rows.sort(key=lambda r: (-r["count"], r["text"], r["label"]))
    return rows[:limit]


def entity_confusion(pairs: Sequence[Pair], none: str = "(none)") -> dict[tuple[str, str], int]:
    """(gold label, predicted label) counts over exact spans; a span only one side has pairs
    with NONE, as in a token-level confusion matrix with O."""
    counts: Counter = Counter()
    for gold, pred in pairs:
        if "entities" not in gold:
            continue
        gold_labels = {e[:2]: e[2] for e in entity_set(gold)}
        pred_labels = {e[:2]: e[2] for e in entity_set(pred)}
        for span in gold_labels.keys() | pred_labels.keys():
            counts[(gold_labels.get(span, none), pred_labels.get(span, none))] += 1
    return dict(sorted(counts.items()))


def error_passages(pairs: Sequence[Pair], errors: Sequence[dict], layer: str, limit: int = 5) -> list[dict]:
    """The paragraphs holding the most errors, widened to whole paragraphs and whole items of
    either side so that no span is cut (a quote may run over paragraphs); most errors first,
    then document order, each distinct passage text once."""
    by_doc = {gold["id"]: (gold, pred) for gold, pred in pairs}
    counts: Counter = Counter()
    for error in errors:
        text = by_doc[error["doc"]][0]["text"]
        counts[(error["doc"], *paragraph_at(text, error["start"]))] += 1
    order = {doc: i for i, doc in enumerate(by_doc)}
    chosen = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0][0]], kv[0][1]))
    passages, seen = [], set()
    for (doc, start, end), n in chosen:
        gold, pred = by_doc[doc]
        items = ITEMS[layer](gold) | ITEMS[layer](pred)
        span, widened = (start, end), True
        while widened:
            touching = [item for item in items if _overlaps(item, span)]
            low, high = min([span[0]] + [i[0] for i in touching]), max([span[1]] + [i[1] for i in touching])
            wider = (paragraph_at(gold["text"], low)[0], paragraph_at(gold["text"], high - 1)[1])
            span, widened = wider, wider != span
        # A repeated paragraph repeats its errors; showing it twice would teach nothing.
        if gold["text"][span[0] : span[1]] in seen:
            continue
        seen.add(gold["text"][span[0] : span[1]])
        passages.append({"doc": doc, "start": span[0], "end": span[1], "errors": n})
        if len(passages) == limit:
            break
    return passages


def paragraph_at(text: str, offset: int) -> tuple[int, int]:
    """The line around OFFSET (news text puts one paragraph on a line)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end == -1 else end
