"""The terminal table of `nlp evaluate`."""

from __future__ import annotations

from rich.table import Table


def fmt(value) -> str:
    return "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def delta(value) -> str:
    return "" if value is None else f"{value:+.4f}"


def score_rows(scores: dict) -> list[tuple[str, dict]]:
    """(name, {p, r, f, ...}) rows of every P/R/F the scores hold, in reading order."""
    rows = []
    if "segmentation" in scores:
        rows.append(("words", scores["segmentation"]))
    if "ner" in scores:
        rows.append(("entities", scores["ner"]))
        rows += [(f"  {label}", value) for label, value in scores["ner"]["per_label"].items()]
    if "quotes" in scores:
        quotes = scores["quotes"]
        for kind_name, kind in [("quotes", quotes)] + [(f"  {k}", v) for k, v in quotes["per_kind"].items()]:
            for part in ("span", "overlap", "end_to_end"):
                rows.append((f"{kind_name} {part}", kind[part]))
    return rows


def scores_table(scores: dict) -> Table:
    table = Table(title=f"{scores['documents']} documents")
    for column in ("layer", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "layer" else "right")
    for name, value in score_rows(scores):
        table.add_row(name, *(fmt(value.get(k)) for k in ("p", "r", "f", "tp", "fp", "fn")))
    extras = []
    seg = scores.get("segmentation", {})
    for key in ("oov_rate", "oov_recall", "iv_recall"):
        if key in seg:
            extras.append(f"{key} {fmt(seg[key])}")
    if "quotes" in scores:
        extras.append(f"speaker_accuracy {fmt(scores['quotes']['speaker_accuracy'])}")
        for kind, value in scores["quotes"]["per_kind"].items():
            extras.append(f"{kind} speaker_accuracy {fmt(value['speaker_accuracy'])}")
    if extras:
        table.caption = "; ".join(extras)
    return table


def comparison_table(report: dict) -> Table:
    """Metrics down, systems across, each after the first followed by its difference from it."""
    names = [s["name"] for s in report["systems"]]
    table = Table(title=f"{report['texts']['documents']} documents, baseline {names[0]}")
    table.add_column("metric")
    for i, name in enumerate(names):
        table.add_column(name, justify="right")
        if i:
            table.add_column(f"Δ {name}", justify="right")
    for row in report["comparison"]:
        cells = []
        for i, value in enumerate(row["values"]):
            cells.append(fmt(value))
            if i:
                cells.append(delta(row["deltas"][i]))
        table.add_row(row["metric"], *cells)
    return table
