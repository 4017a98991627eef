"""Memory of `nlp annotate` against input size: peak RSS must not grow with the corpus.

    python bench/memory.py [--sizes-mb 10,100] [--segmenter pkuseg] [--n-process 1] [--exclude ...]

For each size, the benchmark corpus of bench/throughput.py (seed article + People's Daily test
paragraphs, repeated) is written as JSONL and annotated by a real `nlp annotate` subprocess. The
RSS of its largest process is sampled twice a second; the table gives it at each quarter of
the run and at its peak (os.wait4). Flat memory: the last quarter holds no more than the first,
and the peak at 100 MB is that of 10 MB.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
from throughput import NLP, build_corpus, run


def largest_rss_mb(process: psutil.Process) -> float:
    try:
        family = [process, *process.children(recursive=True)]
        return max(p.memory_info().rss for p in family) / 2**20
    except psutil.Error:
        return 0.0


def sampled_run(command: list[str]) -> tuple[float, float, list[float]]:
    """Wall seconds, peak RSS (MB) and the RSS sampled every half second."""
    samples: list[float] = []
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        samples.append(largest_rss_mb(watched))
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return seconds, max(samples, default=0.0), samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", default="10,100")
    parser.add_argument("--segmenter", default="pkuseg")
    parser.add_argument("--n-process", default="1")
    parser.add_argument("--exclude", action="append", default=[], help="a stage to leave out (ner, quotes)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nlp-memory-"))
    options = ["--segmenter", args.segmenter, "--n-process", args.n_process, *(f"--exclude={s}" for s in args.exclude)]
    print(f"nlp annotate {' '.join(options)}")
    print("| input MB | chars | seconds | chars/s | RSS MB at 25% / 50% / 75% / 100% of the run | peak RSS MB |")
    print("|---:|---:|---:|---:|---|---:|")
    for size in map(float, args.sizes_mb.split(",")):
        corpus = work / f"corpus-{size:g}mb.jsonl"
        chars = sum(map(len, build_corpus(corpus, size)))
        seconds, peak, samples = sampled_run([*NLP, "annotate", str(corpus), "-o", str(work / "out.jsonl"), "-q", *options])
        quarters = " / ".join(f"{samples[min(len(samples) - 1, int(len(samples) * q))]:.0f}" for q in (0.25, 0.5, 0.75, 0.999))
        print(f"| {corpus.stat().st_size / 1e6:.0f} | {chars:,} | {seconds:.0f} | {chars / seconds:,.0f} | {quarters} | {peak:.0f} |", flush=True)
        corpus.unlink()


if __name__ == "__main__":
    main()
