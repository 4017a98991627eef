"""`nlp train ner`: the character NER trained on MSRA (optionally + People's Daily) with spaCy.

The corpora in canonical JSONL are turned into character DocBins, spaCy trains with nlp/ner.cfg
(model-best is picked by entity F1 on msra_dev), and the best checkpoint is copied, without the
training-only string table, into the package (nlp/models/ner/).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter
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


def read_records(paths: Iterable[Path], limit: int = 0) -> list[dict]:
    """Records with text, their entities restricted to LABELS."""
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if not record["text"].strip():
                    continue
                entities = [e for e in record.get("entities", []) if e["label"] in LABELS]
                records.append({"text": record["text"], "entities": entities})
                if limit and len(records) >= limit:
                    return records
    return records


def records_to_docbin(records: Iterable[dict], out: Path) -> int:
    """Character docs with gold entities; returns the doc count."""
    vocab = spacy.blank("zh").vocab
    bin_ = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    count = 0
    for record in records:
        text = record["text"]
        doc = Doc(vocab, words=list(text), spaces=[False] * len(text))
        doc.ents = [doc.char_span(e["start"], e["end"], label=e["label"]) for e in record["entities"]]
        bin_.add(doc)
        count += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(out)
    return count


class MentionSampler:
    """Stand-in entities for mention replacement, drawn from the training entities.

    A development set drawn from other articles shows the model's weakness: 43% of its person
    names occur in train, so a model that remembers names does well on an interleaved dev and
    badly on new text. Putting other names in the same contexts teaches it to find an entity by
    its context and its shape. Half the persons are new names made of a training surname and
    given-name characters (drawn by their frequency in two- and three-character names), so the
    model also sees names nobody in train has.
    """

    def __init__(self, records: list[dict], rng: random.Random):
        self.rng = rng
        mentions: dict[str, set[str]] = {label: set() for label in LABELS}
        surnames, given = Counter(), Counter()
        for record in records:
            for e in record["entities"]:
                mention = record["text"][e["start"]:e["end"]]
                mentions[e["label"]].add(mention)
                if e["label"] == "PER" and len(mention) in (2, 3):
                    surnames[mention[0]] += 1
                    given.update(mention[1:])
        self.mentions = {label: sorted(found) for label, found in mentions.items()}
        self.surnames, self.surname_weights = zip(*surnames.most_common())
        self.given, self.given_weights = zip(*given.most_common())

    def new_name(self) -> str:
        surname = self.rng.choices(self.surnames, self.surname_weights)[0]
        return surname + "".join(self.rng.choices(self.given, self.given_weights, k=self.rng.choice((1, 2))))

    def __call__(self, label: str) -> str:
        if label == "PER" and self.rng.random() < 0.5:
            return self.new_name()
        return self.rng.choice(self.mentions[label])


def replace_mentions(record: dict, sample: MentionSampler) -> dict:
    """The record with every entity replaced by a stand-in of the same label."""
    text, pieces, entities, at, length = record["text"], [], [], 0, 0
    for e in sorted(record["entities"], key=lambda e: e["start"]):
        mention = sample(e["label"])
        start = length + e["start"] - at
        pieces += [text[at:e["start"]], mention]
        entities.append({"start": start, "end": start + len(mention), "label": e["label"]})
        at, length = e["end"], start + len(mention)
    pieces.append(text[at:])
    return {"text": "".join(pieces), "entities": entities}


def augment(records: list[dict], copies: int, seed: int = 0) -> list[dict]:
    """RECORDS plus COPIES mention-replaced copies of each record that has entities."""
    if copies <= 0:
        return records
    sample = MentionSampler(records, random.Random(seed))
    extra = [replace_mentions(r, sample) for r in records if r["entities"] for _ in range(copies)]
    return records + extra


def train_ner(
    data_dir: Path,
    output: Path,
    *,
    with_pd: bool = False,
    augment_copies: int = 0,
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
    train_records = read_records(train_files, limit)
    n_train = records_to_docbin(augment(train_records, augment_copies), corpus / "train.spacy")
    n_dev = records_to_docbin(read_records([data_dir / "msra_dev.jsonl"]), corpus / "dev.spacy")
    say(f"train: {n_train} docs from {', '.join(p.name for p in train_files)} "
        f"({n_train - len(train_records)} mention-replaced copies); dev: {n_dev} docs (msra_dev)")
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
