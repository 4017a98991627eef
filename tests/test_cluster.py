"""Annotation on a Dask cluster: the same bytes as one process, and no loss when a worker dies."""

import json
import os
import signal

from typer.testing import CliRunner

from nlp.annotate import PipelineSettings, annotate
from nlp.cli import app
from nlp.parallel import PartitionAnnotator

runner = CliRunner()
SENTENCES = [
    "国务院总理李鹏说：“今年要抓好农业。”",
    "“我们一定会坚持下去，”昆山高新区党工委书记管风良说，“让百姓满意。”",
    "外交部发言人朱邦造表示，中方对此表示欢迎。",
    "北京大学的王教授认为，这项研究意义重大。",
]


def write_inputs(path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"第{i}篇。" + SENTENCES[i % len(SENTENCES)] * (1 + i % 3)
            handle.write(json.dumps({"id": f"doc{i:03d}", "text": text}, ensure_ascii=False) + "\n")
    # a bad line mid-file: reported by the client, never sent to a worker
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"id": "broken", "text": \n')
        handle.write(json.dumps({"id": "last", "text": "他说：“好。”"}, ensure_ascii=False) + "\n")


def test_dask_local_cluster_writes_the_bytes_of_one_process(tmp_path):
    inputs = tmp_path / "docs.jsonl"
    write_inputs(inputs, 30)
    one, dask = tmp_path / "one.jsonl", tmp_path / "dask.jsonl"
    assert runner.invoke(app, ["annotate", str(inputs), "-o", str(one), "--segmenter", "jieba", "-q"]).exit_code == 0
    result = runner.invoke(
        app, ["annotate", str(inputs), "-o", str(dask), "--segmenter", "jieba", "--dask-local", "2", "--partition-size", "4", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "docs.jsonl:31: malformed JSON" in result.output
    assert dask.read_bytes() == one.read_bytes()
    assert len(dask.read_text(encoding="utf-8").splitlines()) == 31


def test_a_killed_worker_has_its_partitions_run_again(tmp_path):
    inputs = tmp_path / "docs.jsonl"
    write_inputs(inputs, 80)
    settings = PipelineSettings.of("jieba")
    one, dask = tmp_path / "one.jsonl", tmp_path / "dask.jsonl"
    annotate([str(inputs)], str(one), settings=settings)
    cluster = PartitionAnnotator.dask(local_workers=2, partition_size=4)
    victims: list[int] = []

    def kill_a_worker_once(chars: int) -> None:
        # kill, once, a worker that holds partitions, so that they must be run again elsewhere;
        # at the moment a record is written every partition in flight may have finished, so
        # look again at the next record until one is held
        busy = [] if victims else sorted(address for address, keys in cluster.executor.processing().items() if keys)
        if busy:
            pid = cluster.executor.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            victims.append(pid)

    try:
        report = annotate([str(inputs)], str(dask), settings=settings, workers=cluster, on_progress=kill_a_worker_once)
        survivors = set(cluster.executor.run(os.getpid).values())
    finally:
        cluster.close()
    assert victims and victims[0] not in survivors
    assert report.annotated == 81 and [e.line for e in report.errors] == [81]
    assert dask.read_bytes() == one.read_bytes()


def test_worker_processes_resume_in_input_order(tmp_path):
    inputs = tmp_path / "docs.jsonl"
    write_inputs(inputs, 20)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(app, ["annotate", str(inputs), "-o", str(one), "--segmenter", "jieba", "-q"]).exit_code == 0
    lines = one.read_text(encoding="utf-8").splitlines(keepends=True)
    # an interrupted run: some finished lines (not a prefix of the input order) and a torn one
    (tmp_path / "two.jsonl.partial").write_text("".join(lines[3:9]) + lines[9][:40], encoding="utf-8")
    result = runner.invoke(
        app, ["annotate", str(inputs), "-o", str(two), "--segmenter", "jieba", "--n-process", "2", "--partition-size", "3", "--resume"]
    )
    assert result.exit_code == 0, result.output
    assert "6 kept from the earlier run" in result.output
    assert two.read_bytes() == one.read_bytes()
