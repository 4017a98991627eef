"""`nlp train ner`: the character NER trained on MSRA (optionally + People's Daily) with spaCy.

The corpora in canonical JSONL are turned into character DocBins, spaCy trains with nlp/ner.cfg
(model-best is picked by entity F1 on msra_dev), and the best checkpoint is copied, without the
training-only string table, into the package (nlp/models/ner/).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import registry

import nlp.ner  # noqa: F401  (registers the character tokenizer)
from nlp.ner import LABELS, MODEL_DIR

CONFIG = Path(__file__).parent / "ner.cfg"


class TimeUp(Exception):
    """Raised from spaCy's before_update hook when the time budget is spent."""


@registry.callbacks("nlp.stop_after_minutes.v1")
def stop_after_minutes(minutes: float) -> Callable[[object, dict], None]:
    deadline = time.monotonic() + minutes * 60

    def check(nlp, args: dict) -> None:
        if minutes > 0 and time.monotonic() > deadline:
            raise TimeUp(f"{minutes} minutes spent")

    return check


def jsonl_to_docbin(paths: Iterable[Path], out: Path, limit: int = 0) -> int:
    """Character docs with gold entities (labels outside LABELS dropped); returns the doc count."""
    vocab = spacy.blank("zh").vocab
    bin_ = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    count = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                text = record["text"]
                if not text.strip():
                    continue
                doc = Doc(vocab, words=list(text), spaces=[False] * len(text))
                doc.ents = [
                    doc.char_span(e["start"], e["end"], label=e["label"])
                    for e in record.get("entities", [])
                    if e["label"] in LABELS
                ]
                bin_.add(doc)
                count += 1
                if limit and count >= limit:
                    break
    out.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(out)
    return count


def train_ner(
    data_dir: Path,
    output: Path,
    *,
    with_pd: bool = False,
    max_minutes: float = 60,
    limit: int = 0,
    overrides: dict | None = None,
    init_from: Path | None = None,
    install: bool = False,
    say: Callable[[str], None] = print,
) -> Path:
    """Train; return the model-best folder (copied into the package when INSTALL).

    INIT_FROM: a trained model folder to go on training from (its tok2vec and ner are sourced).
    """
    from spacy.cli.train import train
    from spacy.util import load_config

    corpus = output / "corpus"
    train_files = [data_dir / "msra_train.jsonl"] + ([data_dir / "pd_train.jsonl"] if with_pd else [])
    n_train = jsonl_to_docbin(train_files, corpus / "train.spacy", limit)
    n_dev = jsonl_to_docbin([data_dir / "msra_dev.jsonl"], corpus / "dev.spacy")
    say(f"train: {n_train} docs from {', '.join(p.name for p in train_files)}; dev: {n_dev} docs (msra_dev)")
    settings = {
        "paths.train": str(corpus / "train.spacy"),
        "paths.dev": str(corpus / "dev.spacy"),
        "training.before_update": {"@callbacks": "nlp.stop_after_minutes.v1", "minutes": max_minutes},
        **(overrides or {}),
    }
    config_path = CONFIG
    if init_from is not None:
        config = load_config(CONFIG)
        for name in ("tok2vec", "ner"):
            config["components"][name] = {"source": str(init_from)}
        config_path = output / "config.cfg"
        config.to_disk(config_path)
        say(f"going on from {init_from}")
    started = time.monotonic()
    try:
        train(config_path, output, overrides=settings)
    except TimeUp:
        pass
    say(f"trained {(time.monotonic() - started) / 60:.1f} minutes -> {output / 'model-best'}")
    best = output / "model-best"
    if install:
        install_model(best, MODEL_DIR)
        say(f"installed {best} -> {MODEL_DIR}")
    return best


def install_model(source: Path, target: Path = MODEL_DIR) -> None:
    """Copy what inference needs: config, meta, weights; the string table is rebuilt at run time."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    strings = target / "vocab" / "strings.json"
    labels = sorted(set(LABELS) | {f"{m}-{label}" for m in "BILU" for label in LABELS})
    strings.write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
