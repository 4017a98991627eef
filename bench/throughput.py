"""Throughput, memory and start-up of `nlp annotate`, against raw jieba measured in the same run.

    python bench/throughput.py [--size-mb 5] [--segmenters pkuseg,jieba,char] [--processes 1,2]
                               [--stages ...] [--repeat 1] [--json out/throughput.json]

The corpus is fixed: the seed article plus the People's Daily test paragraphs (`nlp data fetch`
writes them to $NLP_DATA_DIR), repeated to --size-mb of UTF-8 JSONL. The baseline is raw
jieba.lcut on one core, in this process. Every other figure is a real `nlp annotate` run in a
subprocess, per segmenter, per stage set (tokenizer only, + ner, + quotes) and per --n-process:
chars/s of the whole run (start-up included), its ratio to the baseline, and the peak RSS of the
run's largest process (os.wait4: the parent or one of its workers). Start-up is the wall time of
annotating one short document (the best of three). Ratios are what to compare across machines;
chars/s depend on the machine and its load, which drifts on a shared machine (the baseline has
been seen to halve within an hour), so the baseline is measured again around every run (a few
seconds each), and each run's ratio is taken against the mean of the two measurements beside it.
With --repeat N every configuration runs N times and its row is the run of median ratio, with
the range of the N ratios beside it: one run's ratio has been seen to move by a third.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NLP_DATA_DIR", ROOT / ".cache" / "nlp-data"))
SEED = ROOT / "corpus" / "raw" / "kunshan_hitech_zone.txt"
STAGE_SETS = {"tokenizer": ["--exclude", "ner", "--exclude", "quotes"], "+ ner": ["--exclude", "quotes"], "+ quotes": []}
NLP = [sys.executable, "-m", "nlp"]


def build_corpus(path: Path, size_mb: float) -> list[str]:
    """Write the benchmark corpus as JSONL of {id, text}; return its texts."""
    paragraphs = [json.loads(line)["text"] for line in open(DATA_DIR / "pd_test.jsonl", encoding="utf-8")]
    texts, size = [SEED.read_text(encoding="utf-8")], 0
    with open(path, "w", encoding="utf-8") as handle:
        while size < size_mb * 1e6:
            text = texts[0] if not size else paragraphs[(len(texts) - 1) % len(paragraphs)]
            line = json.dumps({"id": f"d{len(texts):07d}", "text": text}, ensure_ascii=False) + "\n"
            handle.write(line)
            size += len(line.encode("utf-8"))
            texts.append(text)
    return texts[1:]


def jieba_rate(texts: list[str]) -> float:
    jieba.initialize()
    started = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return sum(map(len, texts)) / (time.perf_counter() - started)


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(args)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--segmenters", default="pkuseg,jieba,char")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--stages", default=",".join(STAGE_SETS), help="stage sets to run: " + ", ".join(STAGE_SETS))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration; the row is the run of median ratio, with the range")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nlp-bench-"))
    corpus = work / "corpus.jsonl"
    texts = build_corpus(corpus, args.size_mb)
    chars = sum(map(len, texts))
    baseline = jieba_rate(texts)
    print(f"corpus: {len(texts):,} documents, {chars:,} characters, {corpus.stat().st_size / 1e6:.1f} MB; "
          f"raw jieba.lcut, 1 core: {baseline:,.0f} chars/s", flush=True)
    tiny = work / "tiny.txt"
    tiny.write_text("国务院总理李鹏说：“今年要抓好农业。”", encoding="utf-8")
    rows = []
    before = baseline
    for segmenter in args.segmenters.split(","):
        # the best of three: one slow start on a shared machine says little
        startup = min(run([*NLP, "annotate", str(tiny), "-o", str(work / "tiny.jsonl"), "-q", "--segmenter", segmenter])[0] for _ in range(3))
        for stages in args.stages.split(","):
            for processes in map(int, args.processes.split(",")):
                command = [*NLP, "annotate", str(corpus), "-o", str(work / "out.jsonl"), "-q", "--segmenter", segmenter,
                           "--n-process", str(processes), *STAGE_SETS[stages]]
                trials = []  # (chars/s, raw jieba chars/s around the run, peak RSS)
                for _ in range(args.repeat):
                    seconds, rss = run(command)
                    after = jieba_rate(texts)
                    trials.append((chars / seconds, (before + after) / 2, rss))
                    before = after
                ratios = sorted(speed / local for speed, local, _ in trials)
                speed, local, rss = sorted(trials, key=lambda t: t[0] / t[1])[len(trials) // 2]  # the median run
                row = {"segmenter": segmenter, "stages": stages, "processes": processes, "chars_per_s": speed,
                       "ratio": speed / local, "ratio_min": ratios[0], "ratio_max": ratios[-1], "runs": len(trials),
                       "baseline_chars_per_s": local, "peak_rss_mb": max(t[2] for t in trials), "startup_s": startup}
                rows.append(row)
                spread = f" [{ratios[0]:.3f}-{ratios[-1]:.3f}]" if len(trials) > 1 else ""
                print(f"{segmenter:7} {stages:10} {processes} proc {row['chars_per_s']:10,.0f} chars/s "
                      f"{row['ratio']:6.3f}x{spread} (raw jieba {local:,.0f})  {row['peak_rss_mb']:6.0f} MB  start-up {startup:.2f} s", flush=True)
    baseline_after = jieba_rate(texts)
    print(f"raw jieba.lcut again after the runs: {baseline_after:,.0f} chars/s ({baseline_after / baseline:.2f} of the first)")
    print()
    print("| segmenter | stages | processes | chars/s | raw jieba chars/s | x raw jieba | range of x (runs) | peak RSS MB | start-up s |")
    print("|---|---|---:|---:|---:|---:|---|---:|---:|")
    for row in rows:
        print(f"| {row['segmenter']} | {row['stages']} | {row['processes']} | {row['chars_per_s']:,.0f} | "
              f"{row['baseline_chars_per_s']:,.0f} | {row['ratio']:.3f} | {row['ratio_min']:.3f}-{row['ratio_max']:.3f} ({row['runs']}) | "
              f"{row['peak_rss_mb']:.0f} | {row['startup_s']:.2f} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {"documents": len(texts), "chars": chars, "bytes": corpus.stat().st_size, "baseline_chars_per_s": baseline,
                   "baseline_after_chars_per_s": baseline_after, "runs": rows}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
