"""Segmenters side by side on a People's Daily split: word P/R/F1, OOV recall, speed.

    python bench/segmenters.py [--split test|dev] [--data-dir .cache/nlp-data] [--limit N]

Needs `nlp data fetch`. Every backend segments the same texts in the same run, so the speed
column is comparable across rows (chars/s, and the ratio to raw jieba) even on a busy machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jieba

from nlp.corpus import read_corpus, word_offsets, word_spans
from nlp.data import DATA_DIR
from nlp.evaluate import read_word_list
from nlp.evaluate.scorers import score_segmentation
from nlp.pipeline import build_pipeline
from nlp.segment import cut_ahead, pkuseg_model_dir


def spacy_backend(segmenter: str, ahead: bool = False):
    """The pipeline's tokenizer, a text at a time; AHEAD: with the batch cut ahead, as `nlp annotate` has it."""
    pipeline = build_pipeline(segmenter)

    def segment(texts: list[str]) -> list[list[list[int]]]:
        if ahead:
            cut_ahead(pipeline, texts)
        return [word_offsets(pipeline.tokenizer(text)) for text in texts]

    return segment


def raw_jieba(hmm: bool):
    return lambda texts: [word_spans(jieba.cut(text, HMM=hmm), text) for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="only the first N paragraphs")
    args = parser.parse_args()
    gold = list(read_corpus(args.data_dir / f"pd_{args.split}.jsonl"))[: args.limit]
    train_words = read_word_list(args.data_dir / "pd_train.words")
    jieba.initialize()
    backends = {
        "jieba (raw)": raw_jieba(hmm=True),
        "jieba, HMM off (raw)": raw_jieba(hmm=False),
        "jieba (spaCy tokenizer)": spacy_backend("jieba"),
        "pkuseg ours (spaCy tokenizer)": spacy_backend("pkuseg"),
        "pkuseg ours, cut ahead": spacy_backend("pkuseg", ahead=True),
        "char (spaCy tokenizer)": spacy_backend("char"),
    }
    chars = sum(len(g["text"]) for g in gold)
    print(f"People's Daily 1998 {args.split} split: {len(gold)} paragraphs, {chars:,} characters")
    model_bytes = sum(p.stat().st_size for p in pkuseg_model_dir().iterdir())
    print(f"shipped pkuseg model: {model_bytes / 1e6:.1f} MB")
    rows, baseline = [], None
    for name, segment in backends.items():
        started = time.perf_counter()
        predicted = [{**g, "tokens": tokens} for g, tokens in zip(gold, segment([g["text"] for g in gold]))]
        seconds = time.perf_counter() - started
        scores = score_segmentation(list(zip(gold, predicted)), train_words)
        speed = chars / seconds
        baseline = baseline or speed
        rows.append((name, scores, speed, speed / baseline))
    print(f"{'backend':32} {'P':>7} {'R':>7} {'F1':>7} {'OOV-R':>7} {'IV-R':>7} {'chars/s':>10} {'x jieba':>8}")
    for name, s, speed, ratio in rows:
        print(f"{name:32} {s['p']:7.4f} {s['r']:7.4f} {s['f']:7.4f} {s['oov_recall']:7.4f} {s['iv_recall']:7.4f} {speed:10,.0f} {ratio:8.2f}")
    print(f"OOV rate of the {args.split} split against the train word list: {rows[0][1]['oov_rate']:.4f}")


if __name__ == "__main__":
    main()
