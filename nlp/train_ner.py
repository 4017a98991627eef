"""`nlp train ner`: the character NER trained on MSRA (optionally + People's Daily) with CRFsuite.

Each training sentence becomes its crf_features and BIOES tags; CRFsuite fits the CRF by L-BFGS
with elastic-net regularisation (c1, c2); the model is saved as a spaCy pipeline (char tokenizer
+ crf_entities), scored on msra_dev with spaCy's NER scorer, and copied into the package
(nlp/models/ner/) when asked. MSRA test is never read.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

import pycrfsuite
import spacy
from spacy.scorer import get_ner_prf
from spacy.training import Example

from nlp.ner import LABELS, MODEL_DIR, LinearChainCRF, bioes_tags, crf_features, word_tags


def read_records(paths: Iterable[Path], limit: int = 0, labels: tuple[str, ...] = LABELS) -> list[dict]:
    """Records with id and text, their entities restricted to LABELS."""
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if not record["text"].strip():
                    continue
                entities = [e for e in record.get("entities", []) if e["label"] in labels]
                records.append({"id": record.get("id"), "text": record["text"], "entities": entities})
                if limit and len(records) >= limit:
                    return records
    return records


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
    augment_copies: int = 1,
    max_iterations: int = 500,
    c1: float = 0.02,
    c2: float = 0.005,
    limit: int = 0,
    install: bool = False,
    say: Callable[[str], None] = print,
) -> Path:
    """Train; return the model folder (copied into the package when INSTALL)."""
    train_files = [data_dir / "msra_train.jsonl"] + ([data_dir / "pd_train.jsonl"] if with_pd else [])
    records = read_records(train_files, limit)
    examples = augment(records, augment_copies)
    say(f"train: {len(examples)} sentences from {', '.join(p.name for p in train_files)} "
        f"({len(examples) - len(records)} mention-replaced copies)")
    crf_file = fit_crf(examples, output, c1=c1, c2=c2, max_iterations=max_iterations, say=say)
    model = save_and_score(crf_file, output, read_records([data_dir / "msra_dev.jsonl"]), "msra_dev entity", say)
    if install:
        # the People's Daily person CRF (nlp train persons) stays with the new model
        old = spacy.load(MODEL_DIR) if MODEL_DIR.exists() else None
        persons = old.get_pipe("crf_persons").crf if old is not None and "crf_persons" in old.pipe_names else None
        if MODEL_DIR.exists():
            shutil.rmtree(MODEL_DIR)
        shutil.copytree(model, MODEL_DIR)
        if persons is not None:
            install_persons(persons)
        say(f"installed {model} -> {MODEL_DIR}" + (" (with the person CRF it had)" if persons is not None else ""))
    return model


def fit_crf(examples: list[dict], output: Path, *, c1: float, c2: float, max_iterations: int, say: Callable[[str], None]) -> Path:
    """CRFsuite's L-BFGS fit of the EXAMPLES' BIOES tags: OUTPUT/model.crfsuite."""
    started = time.monotonic()
    trainer = pycrfsuite.Trainer(verbose=False)
    for record in examples:
        text = record["text"]
        spans = [(e["start"], e["end"], e["label"]) for e in record["entities"]]
        trainer.append(crf_features(text, word_tags(text)), bioes_tags(len(text), spans))
    say(f"features: {(time.monotonic() - started) / 60:.1f} minutes")
    # possible_transitions: weights for tag pairs never seen in train too (they learn to be unlikely)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    output.mkdir(parents=True, exist_ok=True)
    crf_file = output / "model.crfsuite"
    trainer.train(str(crf_file))
    say(f"trained {(time.monotonic() - started) / 60:.1f} minutes, {trainer.logparser.last_iteration['num']} iterations")
    return crf_file


def train_persons(
    data_dir: Path,
    output: Path,
    *,
    held_out: set[str] = frozenset(),
    augment_copies: int = 1,
    max_iterations: int = 150,
    c1: float = 0.02,
    c2: float = 0.005,
    install: bool = False,
    say: Callable[[str], None] = print,
) -> Path:
    """Train the People's Daily person CRF (crf_persons) on PD train's persons, leaving out the
    paragraphs in HELD_OUT (the quote tuning set, so that its speakers stay unseen); score it on
    PD dev's persons; add it to the installed NER model when INSTALL."""
    persons = ("PER",)
    records = [r for r in read_records([data_dir / "pd_train.jsonl"], labels=persons) if r["id"] not in held_out]
    examples = augment(records, augment_copies)
    say(f"train: {len(records)} People's Daily paragraphs ({len(held_out)} held out), {len(examples) - len(records)} mention-replaced copies")
    crf_file = fit_crf(examples, output, c1=c1, c2=c2, max_iterations=max_iterations, say=say)
    model = save_and_score(crf_file, output, read_records([data_dir / "pd_dev.jsonl"], labels=persons), "pd_dev person", say)
    if install:
        install_persons(LinearChainCRF.from_crfsuite(crf_file))
        say(f"added the person CRF to {MODEL_DIR}")
    return model


def save_and_score(crf_file: Path, output: Path, dev: list[dict], name: str, say: Callable[[str], None]) -> Path:
    """The CRF as a spaCy pipeline in OUTPUT/model, its scores on DEV in OUTPUT/dev_scores.json."""
    model = output / "model"
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "nlp.char_features.v1"}}})
    pipeline.add_pipe("crf_entities").use(crf_file)
    pipeline.to_disk(model)
    scores = dev_scores(pipeline, dev)
    (output / "dev_scores.json").write_text(json.dumps(scores, indent=2), encoding="utf-8")
    say(f"{name} F1 {scores['ents_f']:.4f} (P {scores['ents_p']:.4f} R {scores['ents_r']:.4f}): {output / 'dev_scores.json'}")
    return model


def install_persons(crf: LinearChainCRF) -> None:
    """Put CRF in the installed NER model as its person CRF, after the MSRA CRF."""
    installed = spacy.load(MODEL_DIR)
    if "crf_persons" in installed.pipe_names:
        installed.remove_pipe("crf_persons")
    installed.add_pipe("crf_persons", after="crf_entities").crf = crf
    installed.to_disk(MODEL_DIR)


def dev_scores(pipeline, records: list[dict]) -> dict:
    """spaCy's NER scores (model alone, no person rules) of PIPELINE on RECORDS."""
    predictions = pipeline.pipe(r["text"] for r in records)
    return get_ner_prf([
        Example.from_dict(predicted, {"entities": [(e["start"], e["end"], e["label"]) for e in record["entities"]]})
        for record, predicted in zip(records, predictions)
    ])
