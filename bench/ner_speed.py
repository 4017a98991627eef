"""NER speed and size: the character NER, the whole pipeline and raw jieba.posseg, in one run.

    PYTHONPATH=. python bench/ner_speed.py [--docs N]

Texts: MSRA test sentences from $NLP_DATA_DIR (what `nlp data fetch` writes) when present, and
the seed article. Prints chars/s (one process, best of --repeat runs) and the shipped model size.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

import jieba
import jieba.posseg
import spacy

from nlp.ner import MODEL_DIR  # also registers the NER's tokenizer and component
from nlp.pipeline import build_pipeline

ROOT = Path(__file__).resolve().parent.parent
jieba.setLogLevel(logging.WARNING)


def texts(limit: int) -> dict[str, list[str]]:
    found = {"seed article": [(ROOT / "corpus/raw/kunshan_hitech_zone.txt").read_text(encoding="utf-8")] * 5}
    msra = Path(os.environ.get("NLP_DATA_DIR", ".cache/nlp-data")) / "msra_test.jsonl"
    if msra.exists():
        with open(msra, encoding="utf-8") as handle:
            found[f"MSRA test ({limit} sentences)"] = [json.loads(line)["text"] for _, line in zip(range(limit), handle)]
    return found


def rate(run, docs: list[str], repeat: int) -> float:
    chars = sum(len(d) for d in docs)
    best = min(_timed(run, docs) for _ in range(repeat))
    return chars / best


def _timed(run, docs) -> float:
    start = time.perf_counter()
    run(docs)
    return time.perf_counter() - start


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="MSRA test sentences to time")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    inner = spacy.load(MODEL_DIR)
    msra_only = spacy.load(MODEL_DIR, exclude=["crf_persons"])
    pipeline = build_pipeline("jieba")
    jieba.posseg.lcut("预热")
    runs = {
        "jieba.posseg (old NER)": lambda docs: [jieba.posseg.lcut(d) for d in docs],
        "char NER, MSRA CRF alone": lambda docs: list(msra_only.pipe(docs, batch_size=64)),
        "char NER (both CRFs, model only)": lambda docs: list(inner.pipe(docs, batch_size=64)),
        "whole pipeline (jieba, ner, quotes)": lambda docs: list(pipeline.pipe(docs, batch_size=64)),
    }
    for name, docs in texts(args.docs).items():
        print(f"{name}: {sum(len(d) for d in docs):,} chars")
        for label, run in runs.items():
            run(docs[:5])  # warm up
            print(f"  {label:38s} {rate(run, docs, args.repeat):>10,.0f} chars/s")
    print(f"model {MODEL_DIR.relative_to(ROOT)}: {size_mb(MODEL_DIR):.1f} MB")


if __name__ == "__main__":
    main()
