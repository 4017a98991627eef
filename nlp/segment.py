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

from nlp.util import char_batches, lookup

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


def cut_ahead(pipeline: Language, texts: list[str]) -> None:
    """Let the pipeline's pkuseg segmenter cut TEXTS in one batch before spaCy's tokenizer asks
    for them one at a time (FastPkuseg.cut_ahead); other segmenters have nothing to gain."""
    segmenter = getattr(pipeline.tokenizer, "pkuseg_seg", None)
    if hasattr(segmenter, "cut_ahead"):
        segmenter.cut_ahead(texts)


def load_pkuseg(pipeline: Language, model: Path | None = None) -> None:
    """Give the pipeline's tokenizer our pkuseg model, with no post-processing dictionary:
    pkuseg's bundled default dictionary merges words against the PKU standard the model learnt."""
    model = model or pkuseg_model_dir()
    if not (model / "weights.npz").exists():
        raise FileNotFoundError(f"no pkuseg model at {model}: train one with `nlp train segmenter`")
    pipeline.tokenizer.pkuseg_seg = fast_pkuseg(model)


NO_WORD = "**noWord"  # pkuseg's name for "no dictionary word here"


def fast_pkuseg(model: Path):
    """pkuseg with the same model and the same words, its CRF's node scores computed by
    PkusegScores for a whole text at once. pkuseg's own extractor (untyped Cython) slices and joins
    the dictionary-word candidates again for every character: 30 us a character, 30 times its
    Viterbi decoding, and alone enough to hold the full pipeline below its throughput target."""
    import spacy_pkuseg
    from spacy_pkuseg import Postprocesser, Preprocesser
    from spacy_pkuseg.inference import run_viterbi
    from spacy_pkuseg.model import Model

    class FastPkuseg(spacy_pkuseg.pkuseg):
        def __init__(self, model: Path):
            # pkuseg's own __init__ also reads its 12 MB of feature names (0.4 s of start-up),
            # which the tables do without; no user dictionary, no post-processing dictionary
            self.postag = False
            self.preprocesser = Preprocesser(None)
            self.postprocesser = Postprocesser(None, None)
            self.model = Model.load(str(model))
            self.scores = PkusegScores.load(model, self.model)
            # pkuseg starts a word at every tag whose name holds a B (B, B_single)
            self.word_start = np.array(["B" in tag for tag in self.scores.tables["tags"]])
            self.ahead: dict[str, list[str]] = {}

        def cut(self, text: str) -> list[str]:
            words = self.ahead.pop(text, None)
            return super().cut(text) if words is None else words

        def cut_ahead(self, texts: list[str]) -> None:
            """Cut TEXTS now, as pkuseg's cut() would, for the cut() calls that spaCy's tokenizer
            makes a text at a time: the scores of many short texts take one numpy pass, not one
            each (a news paragraph is about 100 characters)."""
            pieces: list[str] = []
            plans = []  # per text: a user-dictionary word, or the index of a piece to cut
            for text in texts:
                plan: list[str | int] = []
                for chunk in text.split():  # pkuseg cuts between whitespace
                    for piece, is_word, _ in zip(*self.preprocesser.solve(chunk)):
                        plan.append(piece if is_word else len(pieces))
                        pieces += [] if is_word else [piece]
                plans.append(plan)
            cut = [words for group in char_batches(pieces, 20000) for words in self._cut_together(group)]
            self.ahead = {
                text: [word for step in plan for word in ([step] if isinstance(step, str) else self.postprocesser(cut[step]))]
                for text, plan in zip(texts, plans)
            }

        def _cut_together(self, pieces: list[str]) -> list[list[str]]:
            # an unknown character reads as off the text, so eight of them (past the reach of
            # every feature) keep each piece's scores its own
            scores = self.scores(OFF_TEXT.join(pieces))
            starts = np.cumsum([0] + [len(piece) + len(OFF_TEXT) for piece in pieces])
            return [self._words(piece, scores[start : start + len(piece)]) for piece, start in zip(pieces, starts)]

        def _cut(self, text: str) -> list[str]:
            return self._words(text, self.scores(text))

        def _words(self, text: str, scores: np.ndarray) -> list[str]:
            _, tags = run_viterbi(scores, self.scores.edges)
            starts = np.flatnonzero(self.word_start[tags]).tolist()
            if not starts or starts[0]:
                starts.insert(0, 0)
            return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)])]

    return FastPkuseg(model)


OFF_TEXT = "\0" * 8  # see FastPkuseg._cut_together
NUM = "**Num"
LETTER = "**Letter"
NODE = re.compile(r"\*\*Num|\*\*Letter|.", re.S)  # the nodes of a normalised string
WORD_LENGTHS = range(2, 7)  # pkuseg's config.wordMin..wordMax, in nodes
UNIGRAMS = ("c-2", "c-1", "c", "c1", "c2")  # the node at -2..2
BIGRAMS = ("c-2c-1", "c-1c", "cc1")  # the node pairs at (-2, -1), (-1, 0), (0, 1)
HASH_STEP = np.uint64(0x9E3779B97F4A7C15)


def _hashes(windows: np.ndarray) -> np.ndarray:
    """Per row of node ids, a 64-bit hash of its first 2, 3, .. 6 nodes (one column a length).
    Ids count from 1 in it, so that a leading off-text or unknown node (id 0) still counts."""
    with np.errstate(over="ignore"):  # the hash wraps around by design
        ones = windows.astype(np.uint64) + np.uint64(1)
        h = ones[:, 0]
        columns = []
        for k in range(1, windows.shape[1]):
            h = h * HASH_STEP + ones[:, k]
            columns.append(h)
    return np.stack(columns, axis=1)


class PkusegScores:
    """The node scores of pkuseg's CRF for a whole text, from numpy arrays: the same features as
    pkuseg's FeatureExtractor.get_node_features_idx (nodes at -2..2, node pairs, dictionary words
    of 2-6 nodes ending and starting at a node, pairs of words around it), each template looked
    up for all nodes at once. A node is a character, **Num or **Letter. Node pairs are keyed by
    their ids, dictionary words by a 64-bit hash of their ids, and are only looked for where a
    word can start (the node pair there begins one). The tables are derived from pkuseg's feature
    names (`derive`, a second of Python) and ship beside the model as tables.npz."""

    FILE = "tables.npz"

    def __init__(self, tables: dict[str, np.ndarray], weights: np.ndarray, n_tag: int):
        from spacy_pkuseg.feature_extractor import FeatureExtractor as pkuseg_nodes

        self.tables = tables
        n_feature = int(tables["n_feature"])
        self.missing = n_feature  # the row of zeros that an absent feature reads
        self.node = np.vstack([weights[: n_feature * n_tag].reshape(n_feature, n_tag), np.zeros((1, n_tag))])
        # pkuseg's getLogYY: edge[previous, next] = 1 + the transition weight
        self.edges = 1.0 + weights[n_feature * n_tag :].reshape(n_tag, n_tag).T.copy()
        # code point -> node id; 0 for a character the model never saw (and off the text)
        self.ids = np.zeros(0x110000, dtype=np.int64)
        self.ids[tables["chars"]] = np.arange(3, 3 + len(tables["chars"]))
        amp = self.ids[ord("&")]
        self.ids[[ord(c) for c in pkuseg_nodes.num]] = 1
        self.ids[[ord(c) for c in pkuseg_nodes.letter]] = 2
        self.ids[[ord(c) for c in pkuseg_nodes.keywords]] = amp  # pkuseg renames them to & first
        self.ids[0] = 0  # OFF_TEXT's character
        self.vocab = len(tables["chars"]) + 3
        self.words = len(tables["w1_rows"]) - 1
        self.pair_of = dict(zip(tables["pair_keys"].tolist(), range(len(tables["pair_keys"]))))
        self.word_of = dict(zip(tables["word_keys"].tolist(), tables["word_ids"].tolist()))
        self.word_pair_of = dict(zip(tables["ww_keys"].tolist(), tables["ww_rows"].tolist()))
        # per side, the rows of (word, no-word) and (no-word, word) by word id (the last: none)
        base = self.words + 1
        side, pre, post = tables["ww_keys"] // base**2, tables["ww_keys"] // base % base - 1, tables["ww_keys"] % base - 1
        self.word_no_word, self.no_word_word = [], []
        for s in (0, 1):
            for table, word, other in ((self.word_no_word, pre, post), (self.no_word_word, post, pre)):
                rows = np.full(base, n_feature, dtype=np.int64)
                alone = (side == s) & (other < 0) & (word >= 0)
                rows[word[alone]] = tables["ww_rows"][alone]
                table.append(rows)
        # [node id, template]: the weights of c-2 .. c2, small enough to stay in the cache
        self.unigram_weights = self.node[tables["uni"]]
        # [node pair, template]: the weights of c-2c-1, c-1c, cc1, one block a pair; the last
        # block is an unknown pair's (index -1): no features, and it begins no word
        self.pair_weights = np.vstack([self.node[tables["pair_rows"]], np.zeros((1, 3, n_tag))])
        self.pair_begins_word = np.append(tables["pair_begins_word"], False)

    @classmethod
    def load(cls, model_dir: Path, model) -> "PkusegScores":
        """The scores of the pkuseg model in MODEL_DIR (MODEL: its weights, pkuseg's Model)."""
        path = model_dir / cls.FILE
        tables = dict(np.load(path)) if path.exists() else None
        if tables is None or int(tables["n_feature"]) != model.n_feature:
            tables = cls.derive(srsly.read_msgpack(model_dir / "features.msgpack"))
        return cls(tables, model.w, model.n_tag)

    def __call__(self, text: str) -> np.ndarray:
        """[node, tag]: the node scores of TEXT, as pkuseg's getLogYY gives them."""
        n = len(text)
        ids = np.zeros(n + 10, dtype=np.int64)  # 2 off-text nodes before, 8 after
        ids[2 : n + 2] = self.ids[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
        window = np.lib.stride_tricks.as_strided(ids, (n, 8), (8, 8), writeable=False)  # nodes i-2 .. i+5
        # pair[j]: the known node pair (j - 2, j - 1), or -1
        pair = lookup(self.pair_of, ids[: n + 2] * self.vocab + ids[1 : n + 3], -1)
        by_pair = self.pair_weights[pair]
        scores = self.unigram_weights[window[:, :5], np.arange(5)].sum(axis=1) + self.node[0]
        scores += by_pair[:n, 0] + by_pair[1 : n + 1, 1] + by_pair[2:, 2]
        starting, ending = self._words(window, pair)
        return scores + self._word_scores(starting, ending)

    def _words(self, window: np.ndarray, pair: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[node, k]: the dictionary word of WORD_LENGTHS[k] nodes starting at each node (one row
        more, of none), and ending at it; -1 for none."""
        n = len(window)
        starting = np.full((n + 1, 5), -1, dtype=np.int64)
        can_start = np.flatnonzero(self.pair_begins_word[pair[2:]])
        starting[can_start] = lookup(self.word_of, _hashes(window[can_start, 2:]), -1)
        shifted = np.vstack([np.full((6, 5), -1), starting])
        ending = shifted[np.arange(n)[:, None] + 7 - np.array(WORD_LENGTHS), np.arange(5)]
        return starting, ending

    def _word_scores(self, starting: np.ndarray, ending: np.ndarray) -> np.ndarray:
        """The scores of the word features, gathered sparsely: (node, feature row, times counted)
        for every word feature present."""
        t, n = self.tables, len(ending)
        scores = np.zeros((n, self.node.shape[1]))
        n_starting, n_ending = (starting >= 0).sum(axis=1), (ending >= 0).sum(axis=1)
        at_start, k_start = np.nonzero(starting[:n] >= 0)
        at_end, k_end = np.nonzero(ending >= 0)
        word_start, word_end = starting[at_start, k_start], ending[at_end, k_end]
        positions, rows = [at_start, at_end], [t["w1_rows"][word_start], t["wm1_rows"][word_end]]
        times = [np.ones(len(at_start)), np.ones(len(at_end))]
        # word pairs, one from each of five lengths ending before i x one from each starting at i
        # (side l), and ending at i x starting after i (side r); a missing length is a no-word,
        # so (word, no-word) counts once for every length with no word on the other side
        before = np.vstack([np.full((1, 5), -1), ending[:-1]])
        pre_count = [np.concatenate([[0], n_ending[:-1]]), n_ending]
        post_count = [n_starting[:n], n_starting[1:]]
        base = self.words + 1
        for side, (pre, post) in enumerate([(before, starting[:n]), (ending, starting[1:])]):
            p, q = pre_count[side], post_count[side]
            scores += ((5 - p) * (5 - q))[:, None] * self.node[t["ww_no_words"][side]]
            # (pre word, no-word): the ending words, one position on for side l
            at = at_end + 1 - side
            keep = at < n
            positions.append(at[keep])
            rows.append(self.word_no_word[side][word_end[keep]])
            times.append(5.0 - q[at[keep]])
            # (no-word, post word): the starting words, one position back for side r
            at = at_start - side
            keep = at >= 0
            positions.append(at[keep])
            rows.append(self.no_word_word[side][word_start[keep]])
            times.append(5.0 - p[at[keep]])
            both = np.flatnonzero((p > 0) & (q > 0))
            keys = (pre[both, :, None] + 1) * base + post[both, None, :] + 1
            pairs = (pre[both, :, None] >= 0) & (post[both, None, :] >= 0)
            positions.append(both[np.nonzero(pairs)[0]])
            rows.append(lookup(self.word_pair_of, keys[pairs] + side * base * base, self.missing))
            times.append(np.ones(int(pairs.sum())))
        weights = self.node[np.concatenate(rows)] * np.concatenate(times)[:, None]
        at = np.concatenate(positions)
        for tag in range(scores.shape[1]):
            scores[:, tag] += np.bincount(at, weights=weights[:, tag], minlength=n)
        return scores

    @classmethod
    def derive(cls, features: dict) -> dict[str, np.ndarray]:
        """The lookup tables for pkuseg's feature names (see the class doc), from its features file."""
        feature_to_idx, unigram, tag_to_idx = features["feature_to_idx"], set(features["unigram"]), features["tag_to_idx"]
        n_feature = max(feature_to_idx.values()) + 1
        chars: dict[str, int] = {}

        def node_id(node: str) -> int:
            if node == NUM:
                return 1
            if node == LETTER:
                return 2
            return chars.setdefault(node, 3 + len(chars))

        words = sorted(w for w in unigram if len(NODE.findall(w)) in WORD_LENGTHS)
        word_index = {w: i for i, w in enumerate(words)}
        word_nodes = np.zeros((len(words), 7), dtype=np.int64)
        for i, w in enumerate(words):
            nodes = [node_id(x) for x in NODE.findall(w)]
            word_nodes[i, : len(nodes)] = nodes
        lengths = np.array([len(NODE.findall(w)) for w in words], dtype=np.int64)
        uni_features, pair_features, ww_features = [], [], []
        w1_rows = np.full(len(words) + 1, n_feature, dtype=np.int32)  # the last: no word
        wm1_rows = w1_rows.copy()
        for name, idx in feature_to_idx.items():
            template, _, value = name.partition(".")
            if template in UNIGRAMS:
                uni_features.append((node_id(value), UNIGRAMS.index(template), idx))
            elif template in BIGRAMS:
                a, b = value.split(".")
                pair_features.append((node_id(a), node_id(b), BIGRAMS.index(template), idx))
            elif template in ("w1", "w-1") and value in word_index:
                (w1_rows if template == "w1" else wm1_rows)[word_index[value]] = idx
            elif template == "ww":
                side, _, both = value.partition(".")
                for cut in (k for k, c in enumerate(both) if c == "*"):
                    pre, post = both[:cut], both[cut + 1 :]
                    if (pre in word_index or pre == NO_WORD) and (post in word_index or post == NO_WORD):
                        ww_features.append(("lr".index(side), word_index.get(pre, -1) + 1, word_index.get(post, -1) + 1, idx))
                        break
        vocab = len(chars) + 3
        uni = np.full((vocab, 5), n_feature, dtype=np.int32)
        for node, column, idx in uni_features:
            uni[node, column] = idx
        # node pairs: those of the bigram features and those that begin a dictionary word
        pair_rows: dict[int, list[int]] = {}
        for a, b, column, idx in pair_features:
            pair_rows.setdefault(a * vocab + b, [n_feature] * 3)[column] = idx
        word_begins = set((word_nodes[:, 0] * vocab + word_nodes[:, 1]).tolist())
        pair_keys = np.array(sorted(pair_rows.keys() | word_begins), dtype=np.int64)
        base = len(words) + 1
        ww = np.array(ww_features, dtype=np.int64).reshape(-1, 4)
        ww_keys = ww[:, 0] * base**2 + ww[:, 1] * base + ww[:, 2]
        no_words = [feature_to_idx.get(f"ww.{side}.{NO_WORD}*{NO_WORD}", n_feature) for side in "lr"]
        hashes = _hashes(word_nodes)[np.arange(len(words)), lengths - 2] if len(words) else np.zeros(0, np.uint64)
        by_hash, by_ww = np.argsort(hashes), np.argsort(ww_keys)
        return {
            "n_feature": np.array(n_feature),
            "chars": np.array([ord(c) for c in chars], dtype=np.uint32),
            "uni": uni,
            "pair_keys": pair_keys,
            "pair_rows": np.array([pair_rows.get(k, [n_feature] * 3) for k in pair_keys.tolist()], dtype=np.int32).reshape(-1, 3),
            "pair_begins_word": np.array([k in word_begins for k in pair_keys.tolist()]),
            "word_keys": hashes[by_hash], "word_ids": by_hash.astype(np.int64),
            "w1_rows": w1_rows, "wm1_rows": wm1_rows,
            "ww_keys": ww_keys[by_ww], "ww_rows": ww[by_ww, 3].astype(np.int32), "ww_no_words": np.array(no_words),
            "tags": np.array(sorted(tag_to_idx, key=tag_to_idx.get)),
        }


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
    np.savez_compressed(out / PkusegScores.FILE, **PkusegScores.derive(srsly.read_msgpack(out / "features.msgpack")))
    return chosen
