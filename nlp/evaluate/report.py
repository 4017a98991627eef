"""Evaluation reports a person can act on: Markdown and one self-contained HTML file.

build_report gathers scores, corpus statistics and error lists for one gold file and one or
more predictions (pure data, also what `nlp report --json` writes); render_markdown and
render_html lay it out. The HTML adds charts (PNG data: URIs) and displaCy renderings of the
passages with the most errors, gold beside prediction, errors marked with ✗. Output depends
only on the inputs, apart from the one "Generated" line.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import jinja2
from spacy import displacy

from nlp.evaluate import evaluate_pairs
from nlp.evaluate import charts
from nlp.evaluate.errors import (
    CATEGORIES,
    ITEMS,
    LAYER_NAMES,
    category_counts,
    entity_confusion,
    error_passages,
    list_errors,
    top_errors,
)
from nlp.evaluate.scorers import Pair, speaker_text
from nlp.evaluate.stats import layer_stats, text_stats
from nlp.evaluate.table import delta, fmt, score_rows

NONE_LABEL = "(none)"
TOP_ERRORS = 15
PASSAGES = 4
ERROR_MARK = " ✗"
ENTITY_COLORS = {"PER": "#aa9cfc", "LOC": "#feca74", "ORG": "#7aecec"}
QUOTE_COLORS = {"direct": "#4c72b0", "indirect": "#55a868", "speaker": "#dd8452", "cue": "#8c8c8c"}
ERROR_COLOR = "#ff5252"


def build_report(gold: str | Path, systems: Sequence[tuple[str, str | Path, list[Pair]]], train_words: set[str] | None = None) -> dict:
    """Everything a report shows, for SYSTEMS = (name, prediction path, pairs) against GOLD.
    The first system is the baseline that differences are taken against."""
    layers = [layer for layer in LAYER_NAMES if any(layer in g for g, _ in systems[0][2])]
    entries = []
    for name, path, pairs in systems:
        errors = {layer: list_errors(pairs, layer) for layer in layers}
        entries.append(
            {
                "name": name,
                "path": str(path),
                "pairs": pairs,
                "scores": evaluate_pairs(pairs, train_words),
                "stats": layer_stats(pairs, side=1),
                "confusion": entity_confusion(pairs, NONE_LABEL) if "entities" in layers else {},
                "errors": errors,
                "error_counts": {layer: category_counts(errors[layer], layer) for layer in layers},
                "top": {layer: {side: top_errors(errors[layer], side, TOP_ERRORS) for side in ("fp", "fn")} for layer in layers},
            }
        )
    gold_pairs = systems[0][2]
    all_stats = [layer_stats(gold_pairs, side=0)] + [e["stats"] for e in entries]
    labels = sorted({label for e in entries for g, p in e["confusion"] for label in (g, p)} - {NONE_LABEL})
    return {
        "gold": str(gold),
        "layers": layers,
        "layer_names": LAYER_NAMES,
        "categories": CATEGORIES,
        "systems": entries,
        "texts": text_stats(g for g, _ in gold_pairs),
        "entity_labels": labels,
        "confusion_labels": labels + [NONE_LABEL],
        "layer_titles": [LAYER_NAMES[layer] for layer in layers],
        "score_rows": [score_rows(e["scores"]) for e in entries],
        "annotation_rows": annotation_rows(all_stats),
        "speaker_rows": speaker_rows(all_stats),
        "comparison": compare([e["scores"] for e in entries]),
        "train_words": train_words is not None,
    }


def annotation_rows(stats: Sequence[dict]) -> list[dict]:
    """Rows of layer counts, one value per side (gold first); the gold decides which exist."""
    gold = stats[0]
    rows = []
    for key, name in (("tokens", "tokens"), ("entities", "entities"), ("quotes", "quotes"), ("quotes_with_speaker", "quotes with a speaker"), ("speakers", "distinct speakers")):
        if key in gold:
            rows.append({"name": name, "values": [s[key] for s in stats]})
        per = {"entities": "entities_per_label", "quotes": "quotes_per_kind"}.get(key)
        if per in gold:
            names = sorted(set().union(*(s[per] for s in stats)))
            rows += [{"name": f"{key} {name}", "values": [s[per].get(name, 0) for s in stats]} for name in names]
    return rows


def speaker_rows(stats: Sequence[dict]) -> list[list[str]]:
    """Rank by rank, "speaker (quotes)" of each side, gold first."""
    if "top_speakers" not in stats[0]:
        return []
    columns = [[f"{t['speaker']} ({t['quotes']})" for t in s["top_speakers"]] for s in stats]
    return [[column[i] if i < len(column) else "" for column in columns] for i in range(max(map(len, columns)))]


def metric_rows(scores: dict) -> list[tuple[str, float | None]]:
    """Every figure of a scores dict as (name, value), in reading order."""
    rows, layer = [], ""
    for name, value in score_rows(scores):
        # score_rows indents the rows under a layer (labels, quote kinds); a metric name needs the layer
        name = f"{layer} {name.strip()}" if name.startswith(" ") else name
        layer = name.split()[0]
        rows += [(f"{name} {column}", value[key]) for key, column in (("p", "P"), ("r", "R"), ("f", "F1"))]
    for key in ("token_acc", "oov_rate", "oov_recall", "iv_recall"):
        if key in scores.get("segmentation", {}):
            rows.append((f"words {key}", scores["segmentation"][key]))
    if "quotes" in scores:
        rows.append(("quotes speaker_accuracy", scores["quotes"]["speaker_accuracy"]))
        rows += [(f"quotes {kind} speaker_accuracy", value["speaker_accuracy"]) for kind, value in scores["quotes"]["per_kind"].items()]
    return rows


def compare(all_scores: Sequence[dict]) -> list[dict]:
    """One row per metric: each system's value and its difference from the first system's."""
    columns = [dict(metric_rows(scores)) for scores in all_scores]
    rows = []
    for metric, base in metric_rows(all_scores[0]):
        values = [column.get(metric) for column in columns]
        deltas = [None if base is None or v is None else v - base for v in values]
        rows.append({"metric": metric, "values": values, "deltas": deltas})
    return rows


def report_scores(report: dict) -> dict:
    """The JSON of `nlp report`: scores per system and differences from the first."""
    names = [s["name"] for s in report["systems"]]
    return {
        "gold": report["gold"],
        "baseline": names[0],
        "systems": {s["name"]: {"path": s["path"], "scores": s["scores"]} for s in report["systems"]},
        "differences": {
            name: {row["metric"]: row["deltas"][i] for row in report["comparison"]} for i, name in enumerate(names) if i > 0
        },
    }


# ---------------------------------------------------------------- rendering


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("nlp", "evaluate/templates"),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(fmt=fmt, delta=delta, md=_md, short=_short)
    return environment


def _md(value) -> str:
    """A Markdown table cell: no line breaks, no characters that start markup."""
    text = str(value).replace("\n", " ")
    for char in "\\|*_`<[":
        text = text.replace(char, "\\" + char)
    return text


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_markdown(report: dict, generated: str | None = None) -> str:
    return _environment().get_template("report.md.j2").render(report=report, generated=generated or _timestamp())


def render_html(report: dict, generated: str | None = None) -> str:
    figures = {
        "errors": charts.error_category_chart(
            {LAYER_NAMES[layer]: {s["name"]: s["error_counts"][layer] for s in report["systems"]} for layer in report["layers"]}
        )
        if report["layers"]
        else None
    }
    if "entities" in report["layers"]:
        figures["label_f1"] = charts.label_f1_chart(
            {s["name"]: {"all": s["scores"]["ner"]["f"]} | {k: v["f"] for k, v in s["scores"]["ner"]["per_label"].items()} for s in report["systems"]}
        )
        figures["confusion"] = [
            charts.confusion_chart(s["confusion"], report["confusion_labels"], f"Entity labels: {s['name']}") for s in report["systems"]
        ]
    samples = {
        s["name"]: {layer: _samples(s, layer) for layer in report["layers"] if layer in RENDERERS} for s in report["systems"]
    }
    return _environment().get_template("report.html.j2").render(
        report=report, generated=generated or _timestamp(), figures=figures, samples=samples
    )


def write_reports(report: dict, markdown: Path | None = None, html: Path | None = None) -> None:
    generated = _timestamp()
    if markdown is not None:
        markdown.write_text(render_markdown(report, generated), encoding="utf-8")
    if html is not None:
        html.write_text(render_html(report, generated), encoding="utf-8")


# ---------------------------------------------------------------- displaCy samples


def _samples(system: dict, layer: str) -> list[dict]:
    pairs = system["pairs"]
    by_doc = {gold["id"]: (gold, pred) for gold, pred in pairs}
    errors = system["errors"][layer]
    samples = []
    for passage in error_passages(pairs, errors, layer, PASSAGES):
        gold, pred = by_doc[passage["doc"]]
        wrong = {
            side: {(e["start"], e["end"]) for e in errors if e["doc"] == passage["doc"] and e["type"] == side} for side in ("fn", "fp")
        }
        render = RENDERERS[layer]
        samples.append(
            passage | {"gold": render(gold, passage, wrong["fn"], "gold"), "pred": render(pred, passage, wrong["fp"], "prediction")}
        )
    return samples


def _within(passage: dict, start: int, end: int) -> bool:
    return passage["start"] <= start and end <= passage["end"]


def _render_entities(record: dict, passage: dict, wrong: set, title: str) -> str:
    offset = passage["start"]
    ents, colors = [], dict(ENTITY_COLORS)
    for start, end, label in sorted(ITEMS["entities"](record)):
        if _within(passage, start, end):
            if (start, end) in wrong:
                label += ERROR_MARK
                colors[label] = ERROR_COLOR
            ents.append({"start": start - offset, "end": end - offset, "label": label})
    data = {"text": record["text"][passage["start"] : passage["end"]], "ents": ents, "title": title}
    return displacy.render(data, style="ent", manual=True, options={"colors": colors})


def _render_quotes(record: dict, passage: dict, wrong: set, title: str) -> str:
    """Quote spans labelled with kind and speaker, and the speaker and cue mentions. The span
    style needs tokens; cutting the passage at every span boundary keeps Chinese text whole."""
    spans, colors = [], dict(QUOTE_COLORS)
    for quote in sorted(record["quotes"], key=lambda q: (q["start"], q["end"])):
        if not _within(passage, quote["start"], quote["end"]):
            continue
        label = f"{quote['kind']} ← {speaker_text(quote) or NONE_LABEL}"
        error = (quote["start"], quote["end"]) in wrong
        label += ERROR_MARK if error else ""
        colors[label] = ERROR_COLOR if error else QUOTE_COLORS[quote["kind"]]
        spans.append((quote["start"], quote["end"], label))
        for part in ("speaker", "cue"):
            mention = quote.get(part)
            if mention and _within(passage, mention["start"], mention["end"]):
                spans.append((mention["start"], mention["end"], part))
    text = record["text"][passage["start"] : passage["end"]]
    cuts = sorted({0, len(text)} | {p - passage["start"] for s in spans for p in s[:2]})
    tokens = [text[a:b] for a, b in zip(cuts, cuts[1:])]
    index = {cut: i for i, cut in enumerate(cuts)}
    data = {
        "text": text,
        "tokens": tokens,
        "spans": [
            {"start_token": index[s - passage["start"]], "end_token": index[e - passage["start"]], "label": label}
            for s, e, label in sorted(set(spans))
        ],
        "title": title,
    }
    return displacy.render(data, style="span", manual=True, options={"colors": colors})


RENDERERS = {"entities": _render_entities, "quotes": _render_quotes}
