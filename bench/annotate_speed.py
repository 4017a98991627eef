"""Throughput of the whole pipeline, per stage and end to end, beside raw jieba in the same run.

    python bench/annotate_speed.py [--segmenter pkuseg] [--repeat 20]

Texts: the bundled corpus (corpus/raw) and the gold paragraphs (corpus/gold), repeated so each
measurement lasts a few seconds. Ratios to raw jieba.cut on the same texts are what to compare
across machines; chars/s depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jieba

from nlp.pipeline import DEFAULT_SEGMENTER, build_pipeline

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "raw").rglob("*.txt"))]
    for gold in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")):
        found += [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def rate(chars: int, run) -> float:
    started = time.perf_counter()
    run()
    return chars / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmenter", default=DEFAULT_SEGMENTER)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    batch = texts() * args.repeat
    chars = sum(len(t) for t in batch)
    pipeline = build_pipeline(args.segmenter)
    jieba.initialize()
    pipeline("预热。")
    baseline = rate(chars, lambda: [list(jieba.cut(t)) for t in batch])
    rows = [("raw jieba.cut", baseline)]
    rows.append((f"tokenizer ({args.segmenter})", rate(chars, lambda: [pipeline.make_doc(t) for t in batch])))
    docs = [pipeline.make_doc(t) for t in batch]
    for name, component in pipeline.pipeline:
        rows.append((f"  {name} alone", rate(chars, lambda: [component(d) for d in docs])))
    rows.append(("whole pipeline, 1 process", rate(chars, lambda: list(pipeline.pipe(batch, batch_size=64)))))
    rows.append(("whole pipeline, 2 processes", rate(chars, lambda: list(pipeline.pipe(batch, batch_size=64, n_process=2)))))
    print(f"{len(batch)} documents, {chars:,} characters; segmenter {args.segmenter}")
    print(f"{'stage':32} {'chars/s':>12} {'x raw jieba':>12}")
    for name, speed in rows:
        print(f"{name:32} {speed:12,.0f} {speed / baseline:12.2f}")


if __name__ == "__main__":
    main()
