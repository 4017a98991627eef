import json
import subprocess
import sys

from typer.testing import CliRunner

from nlp.cli import app
from tests.conftest import SEED

runner = CliRunner()


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_annotate_seed_and_self_evaluate(tmp_path):
    out = tmp_path / "seed.jsonl"
    result = runner.invoke(app, ["annotate", str(SEED), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    [record] = read_jsonl(out)
    assert record["id"] == "kunshan_hitech_zone" and record["text"] == SEED.read_text(encoding="utf-8")
    assert record["version"] == 1 and record["meta"]["segmenter"] == "pkuseg"  # the default
    scores_path = tmp_path / "self.json"
    result = runner.invoke(app, ["evaluate", str(out), str(out), "--json", str(scores_path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(scores_path.read_text())
    assert scores["segmentation"]["f"] == 1.0
    assert scores["ner"]["f"] == 1.0 and scores["quotes"]["end_to_end"]["f"] == 1.0


def test_resume_keeps_finished_documents_and_input_order(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"第{i}篇，他说：“好。”"}, ensure_ascii=False) + "\n" for i in range(4)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # an interrupted run: two complete lines (one of them a marker we can recognise) and half a line
    finished = {"id": "d1", "text": "第1篇，他说：“好。”", "tokens": [], "entities": [], "quotes": [], "meta": {"marker": True}}
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text(json.dumps(finished, ensure_ascii=False) + "\n" + '{"id": "d2", "te', encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(docs), "-o", str(out), "--resume", "--quiet"])
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["d0", "d1", "d2", "d3"]
    assert records[1]["meta"] == {"marker": True}  # kept, not annotated again
    assert not partial.exists()


def test_interrupted_run_leaves_only_complete_lines(tmp_path, monkeypatch):
    from nlp import annotate as annotate_module

    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"第{i}篇。"}, ensure_ascii=False) + "\n" for i in range(5)), encoding="utf-8")
    real = annotate_module.doc_to_record

    def crash_on_third(doc, doc_id, meta):
        if doc_id == "d2":
            raise KeyboardInterrupt
        return real(doc, doc_id, meta)

    monkeypatch.setattr(annotate_module, "doc_to_record", crash_on_third)
    out = tmp_path / "out.jsonl"
    runner.invoke(app, ["annotate", str(docs), "-o", str(out), "--quiet", "--batch-size", "1"])
    assert not out.exists()
    kept = (tmp_path / "out.jsonl.partial").read_text(encoding="utf-8")
    assert kept.endswith("\n") and [json.loads(l)["id"] for l in kept.splitlines()] == ["d0", "d1"]


def test_stdin_text_and_python_dash_m(tmp_path):
    out = tmp_path / "stdin.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "nlp", "annotate", "-", "-o", str(out), "--quiet"],
        input="外交部发言人朱邦造说：“中方欢迎。”".encode("utf-8"), capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()
    [record] = read_jsonl(out)
    assert record["id"] == "stdin" and record["quotes"][0]["speaker"]["text"] == "朱邦造"


def test_worker_processes_give_the_same_corpus(tmp_path):
    docs = tmp_path / "docs.jsonl"
    texts = ["国务院总理李鹏说：“今年要抓好农业。”", "“我只是上德育课，”徐虎说，“专业课由别人来上。”", "管风良表示，昆山高新区将继续发扬优良传统。"]
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts * 3)), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(app, ["annotate", str(docs), "-o", str(one), "-q"]).exit_code == 0
    assert runner.invoke(app, ["annotate", str(docs), "-o", str(two), "-q", "--n-process", "2", "--batch-size", "2"]).exit_code == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert any(r["quotes"] and r["quotes"][0]["speaker"] for r in read_jsonl(two))
