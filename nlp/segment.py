"""Segmenters: the pkuseg model that ships with the package, user dictionaries, pkuseg training.

The shipped pkuseg model is trained by `nlp train segmenter` on the People's Daily 1998 train
split, to the PKU standard that corpus follows.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

import numpy as np
import srsly
from spacy.language import Language

PKUSEG_MODEL = "pkuseg_pd1998"


@dataclass(frozen=True)
class UserWord:
    word: str
    freq: int | None


@dataclass(frozen=True)
class DictProblem:
    path: str
    line: int
    reason: str

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def pkuseg_model_dir() -> Path:
    return Path(str(resources.files("nlp").joinpath("models", PKUSEG_MODEL)))


def load_pkuseg(pipeline: Language, model: Path | None = None) -> None:
    """Give the pipeline's tokenizer our pkuseg model, with no post-processing dictionary:
    pkuseg's bundled default dictionary merges words against the PKU standard the model learnt."""
    model = model or pkuseg_model_dir()
    if not (model / "weights.npz").exists():
        raise FileNotFoundError(f"no pkuseg model at {model}: train one with `nlp train segmenter`")
    pipeline.tokenizer.pkuseg_seg = fast_pkuseg(model)


NO_WORD = "**noWord"  # pkuseg's name for "no dictionary word here"


def fast_pkuseg(model: Path):
    """pkuseg with the same model and the same output, but its per-character feature lists built
    for a whole text at once (PkusegFeatures). pkuseg's own extractor (untyped Cython) slices and
    joins the dictionary-word candidates again for every character: 30 us a character, 30 times
    its Viterbi decoding, and alone enough to hold the full pipeline below its throughput target."""
    import spacy_pkuseg
    from spacy_pkuseg import inference
    from spacy_pkuseg.config import config

    class FastPkuseg(spacy_pkuseg.pkuseg):
        def _cut(self, text: str) -> list[str]:
            _, tags = inference.decodeViterbi_fast(self.features(list(self.feature_extractor.normalize_text(text))), self.model)
            starts = [i for i, tag in enumerate(tags) if i == 0 or tag in self.word_start_tags]
            return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)])]

    segmenter = FastPkuseg(str(model), user_dict=None)
    extractor = segmenter.feature_extractor
    segmenter.features = PkusegFeatures(extractor.feature_to_idx, extractor.unigram, config.wordMax, config.wordMin)
    # pkuseg starts a word at every tag whose name holds a B (B, B_single)
    segmenter.word_start_tags = {idx for idx, tag in segmenter.idx_to_tag.items() if "B" in tag}
    return segmenter


class PkusegFeatures:
    """The feature indices of every node of a text (a normalised character: itself, **Num or
    **Letter), exactly those of pkuseg's FeatureExtractor.get_node_features_idx and in its order:
    character n-grams around the node, dictionary words (lengths word_max..word_min) ending at it
    and starting at it, then the pairs of words around it (ww.l: ending before it x starting at
    it; ww.r: ending at it x starting after it). Each n-gram template is looked up for the whole
    text at once, and the rows of positions with no dictionary word, most of them, are shared."""

    def __init__(self, feature_to_idx: dict[str, int], unigram: set[str], word_max: int, word_min: int):
        self.lookup = feature_to_idx.get
        self.unigram = unigram
        self.lengths = range(word_max, word_min - 1, -1)
        self.no_words = [NO_WORD] * len(self.lengths)
        # only a node pair that begins some dictionary word can begin one: most positions stop there
        self.word_starts = {word[:2] if "*" not in word else "".join(re.findall(r"\*\*Num|\*\*Letter|.", word, re.S)[:2]) for word in unigram}
        self.no_word_rows = {side: self.indices([f"ww.{side}.{NO_WORD}*{NO_WORD}"] * len(self.lengths)) for side in "lr"}
        self.no_pairs = {side: row * len(self.lengths) for side, row in self.no_word_rows.items()}

    def indices(self, keys: list[str]) -> list[int]:
        return [index for index in map(self.lookup, keys) if index is not None]

    def __call__(self, nodes: list[str]) -> list[list[int]]:
        words_from, words_to = self.words(nodes)
        all_features = []
        for i, chars in enumerate(self.char_ngrams(nodes)):
            features = [0]
            features += [index for index in chars if index is not None]
            ending, starting = words_to[i], words_from[i]
            if ending is not self.no_words:
                features += self.indices(["w-1." + word for word in ending if word is not NO_WORD])
            if starting is not self.no_words:
                features += self.indices(["w1." + word for word in starting if word is not NO_WORD])
            features += self.pairs("l", words_to[i - 1] if i > 0 else self.no_words, starting)
            features += self.pairs("r", ending, words_from[i + 1])
            all_features.append(features)
        return all_features

    def words(self, nodes: list[str]) -> tuple[list[list[str]], list[list[str]]]:
        """For every node, per length, the dictionary word starting at it and the one ending at it
        (or NO_WORD); a row with no word is self.no_words itself. words_from has one row more."""
        n, lengths, no_words = len(nodes), self.lengths, self.no_words
        words_from = []
        for i in range(n - 1):
            if nodes[i] + nodes[i + 1] not in self.word_starts:
                words_from.append(no_words)
                continue
            row = ["".join(nodes[i : i + length]) if i + length <= n else NO_WORD for length in lengths]
            row = [word if word in self.unigram else NO_WORD for word in row]
            words_from.append(row if row != no_words else no_words)
        words_from += [no_words] * (min(n, 1) + 1)
        words_to = []
        for i in range(n):
            row = [words_from[i - length + 1][k] if i - length + 1 >= 0 else NO_WORD for k, length in enumerate(lengths)]
            words_to.append(row if row != no_words else no_words)
        return words_from, words_to

    def char_ngrams(self, nodes: list[str]):
        """Per node, the indices (or None) of its n-gram templates, in pkuseg's order."""
        lookup, n = self.lookup, len(nodes)

        def shifted(prefix: str, offset: int) -> list[int | None]:
            """The index of prefix + the node at i - offset, for every i (None off the text)."""
            keys = [lookup(prefix + node) for node in nodes]
            return [None] * offset + keys[: n - offset] if offset >= 0 else keys[-offset:] + [None] * -offset

        bigrams = list(zip(nodes, nodes[1:]))
        return zip(
            shifted("c.", 0),
            shifted("c-1.", 1),
            [None] + [lookup(f"c-1c.{a}.{b}") for a, b in bigrams],
            shifted("c1.", -1),
            [lookup(f"cc1.{a}.{b}") for a, b in bigrams] + [None],
            shifted("c-2.", 2),
            [None, None] + [lookup(f"c-2c-1.{a}.{b}") for a, b in bigrams[: max(n - 2, 0)]],
            shifted("c2.", -2),
        )

    def pairs(self, side: str, pres: list[str], posts: list[str]) -> list[int]:
        if pres is self.no_words and posts is self.no_words:
            return self.no_pairs[side]
        prefix = f"ww.{side}."
        no_word_row = self.no_word_rows[side] if posts is self.no_words else self.indices([f"{prefix}{NO_WORD}*{post}" for post in posts])
        features = []
        for pre in pres:
            features += no_word_row if pre is NO_WORD else self.indices([f"{prefix}{pre}*{post}" for post in posts])
        return features


# ---------------------------------------------------------------- user dictionaries


def read_user_dict(path: str | Path) -> tuple[list[UserWord], list[DictProblem]]:
    """One word a line, optionally followed by a frequency (jieba's format without the tag);
    blank lines and lines starting with # are skipped, bad lines reported, not fatal."""
    words, problems = [], []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) > 2:
                problems.append(DictProblem(str(path), number, f"expected 'word [frequency]', got {line.strip()!r}"))
            elif len(fields) == 2 and not fields[1].isdigit():
                problems.append(DictProblem(str(path), number, f"frequency {fields[1]!r} is not a whole number"))
            else:
                words.append(UserWord(fields[0], int(fields[1]) if len(fields) == 2 else None))
    return words, problems


def add_user_words(pipeline: Language, words: list[UserWord]) -> None:
    """Make the segmenter keep these words whole (jieba: dictionary entries; pkuseg: forced words)."""
    segmenter = pipeline.tokenizer.segmenter
    if segmenter == "jieba":
        import jieba

        for entry in words:
            jieba.add_word(entry.word, freq=entry.freq)
    elif segmenter == "pkuseg":
        pipeline.tokenizer.pkuseg_update_user_dict([entry.word for entry in words])
    else:
        raise ValueError("the char segmenter takes no user dictionary")


# ---------------------------------------------------------------- training


def write_segmented(corpus: Path, out: Path) -> int:
    """A corpus in pkuseg's training format: one paragraph a line, words separated by spaces."""
    count = 0
    with open(corpus, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as target:
        for line in source:
            record = json.loads(line)
            target.write(" ".join(record["text"][s:e] for s, e in record["tokens"]) + "\n")
            count += 1
    return count


class _StopTraining(Exception):
    pass


def train_pkuseg(
    data_dir: Path, work_dir: Path, max_iter: int = 20, patience: int = 2,
    say: Callable[[str], None] = print,
) -> tuple[Path, list[float]]:
    """Train pkuseg's CRF on the PD train split, scoring dev after every iteration and keeping
    the weights of the best one; stops after `patience` iterations without improvement.
    Returns the folder of the best model and the dev F1 of every iteration."""
    import spacy_pkuseg
    from spacy_pkuseg import trainer

    work_dir.mkdir(parents=True, exist_ok=True)
    train_file, dev_file = work_dir / "train.txt", work_dir / "dev.txt"
    say(f"train {write_segmented(data_dir / 'pd_train.jsonl', train_file)} paragraphs, "
        f"dev {write_segmented(data_dir / 'pd_dev.jsonl', dev_file)} paragraphs")
    best_dir = work_dir / "best"
    best_dir.mkdir(exist_ok=True)
    scores: list[float] = []

    class KeepBestTrainer(trainer.Trainer):
        def test(self, testset, iteration):
            result = super().test(testset, iteration)
            scores.append(result[0] / 100)
            say(f"iteration {iteration}: dev F1 {scores[-1]:.4f} ({time.strftime('%H:%M:%S')})")
            if scores[-1] >= max(scores):
                self.model.save(str(best_dir))
            elif len(scores) - 1 - scores.index(max(scores)) >= patience:
                raise _StopTraining
            return result

    # pkuseg's train() builds its Trainer from this module attribute; the subclass adds checkpoints.
    trainer.Trainer = KeepBestTrainer
    try:
        spacy_pkuseg.train(str(train_file), str(dev_file), str(work_dir / "model"), train_iter=max_iter)
    except _StopTraining:
        say("dev F1 stopped improving")
    finally:
        trainer.Trainer = KeepBestTrainer.__base__
    (best_dir / "features.msgpack").write_bytes((work_dir / "model" / "features.msgpack").read_bytes())
    return best_dir, scores


def prune_pkuseg(model: Path, out: Path, min_weight: float) -> dict:
    """Drop the features whose weights are all below min_weight in absolute value (they barely
    move a score) and store the rest compressed; returns counts and sizes."""
    features = srsly.read_msgpack(model / "features.msgpack")
    weights = np.load(model / "weights.npz")
    n_tag, n_feature = (int(x) for x in weights["sizes"])
    w = weights["w"]
    node = w[: n_tag * n_feature].reshape(n_feature, n_tag)
    edge = w[n_tag * n_feature :]
    keep = np.abs(node).max(axis=1) >= min_weight
    new_index = np.cumsum(keep) - 1
    features["feature_to_idx"] = {
        name: int(new_index[idx]) for name, idx in features["feature_to_idx"].items() if keep[idx]
    }
    out.mkdir(parents=True, exist_ok=True)
    srsly.write_msgpack(out / "features.msgpack", features)
    kept = int(keep.sum())
    np.savez_compressed(out / "weights.npz", sizes=np.array([n_tag, kept]), w=np.concatenate([node[keep].reshape(-1), edge]))
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"features": n_feature, "kept": kept, "bytes": size}


def segmentation_f1(model: Path, records: list[dict]) -> float:
    """Word F1 of a pkuseg model folder on gold-segmented records."""
    import spacy_pkuseg

    from nlp.corpus import word_spans
    from nlp.evaluate.scorers import score_segmentation

    segmenter = spacy_pkuseg.pkuseg(str(model), user_dict=None)
    pairs = [(record, {**record, "tokens": word_spans(segmenter.cut(record["text"]), record["text"])}) for record in records]
    return score_segmentation(pairs)["f"]


def ship_pkuseg(
    best: Path, out: Path, dev_records: list[dict], thresholds: tuple[float, ...] = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2),
    max_bytes: int = 30_000_000, tolerance: float = 0.001, say: Callable[[str], None] = print,
) -> dict:
    """Prune the trained model at the largest threshold whose dev F1 stays within `tolerance`
    of the unpruned model and whose files fit in max_bytes; write it to `out`."""
    candidates = []
    for threshold in thresholds:
        folder = best.parent / f"pruned-{threshold}"
        stats = prune_pkuseg(best, folder, threshold)
        stats.update(threshold=threshold, dev_f1=segmentation_f1(folder, dev_records), folder=str(folder))
        say(f"prune |w| < {threshold}: {stats['kept']:,}/{stats['features']:,} features, "
            f"{stats['bytes'] / 1e6:.1f} MB, dev F1 {stats['dev_f1']:.4f}")
        candidates.append(stats)
    full = candidates[0]["dev_f1"]
    fitting = [c for c in candidates if c["bytes"] <= max_bytes and c["dev_f1"] >= full - tolerance]
    chosen = fitting[-1] if fitting else min(candidates, key=lambda c: c["bytes"])
    out.mkdir(parents=True, exist_ok=True)
    for name in ("features.msgpack", "weights.npz"):
        (out / name).write_bytes((Path(chosen["folder"]) / name).read_bytes())
    return chosen
