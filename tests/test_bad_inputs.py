"""The bad-input catalogue: each bad input gives one message naming its file and line or offset,
and costs only itself; and a killed `nlp annotate` resumes to the same bytes as a clean run."""

import codecs
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import FormatError, iter_corpus, read_corpus, validate_record
from nlp.hygiene import text_warnings
from nlp.quotes.marks import quote_spans
from tests.conftest import ROOT

runner = CliRunner()
GOOD = "国务院总理李鹏说：“今年要抓好农业。”"
# jieba without the NER: the fastest pipeline, enough for what reading and writing do with bad input
FAST = ["--segmenter", "jieba", "--exclude", "ner"]


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def annotate(tmp_path, *inputs, options=FAST):
    """Run `nlp annotate` on good.txt and INPUTS; (result, records by id, error lines, warning lines)."""
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    out, failures = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["annotate", str(good), *map(str, inputs), "-o", str(out), "--errors", str(failures), *options])
    records = {r["id"]: r for r in read_corpus(out)} if out.exists() else {}
    lines = result.output.splitlines()
    errors = [l for l in lines if l.startswith("error:")]
    # --errors holds the same failures as stderr, one JSON line each
    assert [f"error: {f['file']}{'' if f['line'] is None else ':' + str(f['line'])}: {f['reason']}" for f in read_jsonl(failures)] == errors
    return result, records, errors, [l for l in lines if l.startswith("warning:")]


def assert_one_error(tmp_path, *inputs, message, options=FAST):
    """INPUTS give exactly MESSAGE (a regex), and the good document is annotated all the same."""
    result, records, errors, _ = annotate(tmp_path, *inputs, options=options)
    assert result.exit_code == 0, result.output
    assert len(errors) == 1 and re.fullmatch(message, errors[0]), errors
    assert records["good"]["text"] == GOOD and records["good"]["quotes"]
    return records


# ---------------------------------------------------------------- encodings


def test_gbk_text_is_decoded_with_a_note(tmp_path):
    text = "昆山高新区管委会主任说：“今年要抓好招商。”\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    result, records, errors, _ = annotate(tmp_path, path)
    assert result.exit_code == 0 and not errors
    assert records["gbk"]["text"] == text
    assert records["gbk"]["meta"]["encoding"] == "gb18030 (not valid utf-8)"
    assert "encoding" not in records["good"]["meta"]


def test_gbk_text_with_strict_encoding_is_an_error(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(b"Kunshan\n" + "昆山高新区".encode("gbk"))
    assert_one_error(
        tmp_path, path, options=[*FAST, "--strict-encoding"],
        message=re.escape(f"error: {path}:2: cannot decode as utf-8 at byte 8: ") + ".+",
    )


@pytest.mark.parametrize(
    "bom, codec, note",
    [
        (codecs.BOM_UTF8, "utf-8", None),  # an encoding artefact, not text: dropped with no note
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16 (byte-order mark)"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16 (byte-order mark)"),
    ],
)
def test_byte_order_mark_decides_the_encoding(tmp_path, bom, codec, note):
    text = "新华社北京１月１日电\n外交部发言人说：“中方欢迎。”\n"
    path = tmp_path / "bom.txt"
    path.write_bytes(bom + text.encode(codec))
    result, records, errors, _ = annotate(tmp_path, path)
    assert result.exit_code == 0 and not errors
    assert records["bom"]["text"] == text
    assert records["bom"]["meta"].get("encoding") == note


# ---------------------------------------------------------------- files that are not documents


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text(" \n", encoding="utf-8")
    assert_one_error(tmp_path, path, message=re.escape(f"error: {path}: empty document"))


@pytest.mark.parametrize(
    "data, nul",
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 8), (gzip.compress("第一篇。".encode("utf-8"), mtime=0), 3)],
    ids=["png", "gzip"],
)
def test_binary_file(tmp_path, data, nul):
    path = tmp_path / "picture.txt"
    path.write_bytes(data)
    assert_one_error(tmp_path, path, message=re.escape(f"error: {path}: binary file (NUL byte at offset {nul}), not text"))


def test_path_that_does_not_exist(tmp_path):
    path = tmp_path / "missing.txt"
    assert_one_error(tmp_path, path, message=re.escape(f"error: {path}: no such file or folder"))


def test_every_input_failing_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text(" ", encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(empty), "-o", str(tmp_path / "out.jsonl"), "--quiet", *FAST])
    assert result.exit_code == 1


def test_one_megabyte_line_is_annotated_and_a_longer_text_refused(tmp_path):
    big = tmp_path / "big.txt"
    text = ("国务院总理李鹏说今年要抓好农业工作，" * 20000)[:349_999] + "。"
    big.write_text(text, encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    # spaCy's max_length counts characters: a megabyte of ASCII is over it, and would stop the run
    huge = tmp_path / "huge.txt"
    huge.write_text("a b " * 262_144, encoding="ascii")
    records = assert_one_error(
        tmp_path, big, huge, message=re.escape(f"error: {huge}: 1048576 characters, more than the pipeline's max_length of 1000000")
    )
    tokens = records["big"]["tokens"]
    assert records["big"]["text"] == text and "".join(text[s:e] for s, e in tokens) == text


# ---------------------------------------------------------------- JSONL


def write_jsonl(path, *lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_malformed_jsonl_line(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", '{"id": "a", "text": "第一篇。"}', '{"id": "b", "text": ', '{"id": "c", "text": "第三篇。"}')
    records = assert_one_error(tmp_path, docs, message=re.escape(f"error: {docs}:2: malformed JSON: ") + ".+")
    assert set(records) == {"good", "a", "c"}


def test_lone_surrogate_in_a_jsonl_text(tmp_path):
    # valid JSON, but no Unicode text: \ud800 has no low surrogate after it
    docs = write_jsonl(tmp_path / "docs.jsonl", '{"id": "a", "text": "第一篇。"}', '{"id": "b", "text": "中国\\ud800人民"}', '{"id": "c", "text": "第三篇。"}')
    records = assert_one_error(tmp_path, docs, message=re.escape(f"error: {docs}:2: text holds a lone surrogate, U+D800, at character 2: not Unicode text"))
    assert set(records) == {"good", "a", "c"}


def test_duplicate_id(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", '{"id": "a", "text": "第一篇。"}', '{"id": "b", "text": "第二篇。"}', '{"id": "a", "text": "又一篇。"}')
    records = assert_one_error(tmp_path, docs, message=re.escape(f"error: {docs}:3: duplicate document id 'a' (first at {docs}:1)"))
    assert records["a"]["text"] == "第一篇。" and set(records) == {"good", "a", "b"}


# ---------------------------------------------------------------- quotation marks


def test_unclosed_quote_mark_is_a_warning_not_a_quote(tmp_path):
    text = "他说：“今年要抓好农业。\n国务院总理李鹏表示，明年也要抓好农业。\n“这是第三段的话。”他说。\n"
    path = tmp_path / "unclosed.txt"
    path.write_text(text, encoding="utf-8")
    result, records, errors, warnings = annotate(tmp_path, path)
    assert result.exit_code == 0 and not errors
    assert warnings == [f"warning: {path}: unclosed quote mark at offset 3"]
    record = records["unclosed"]
    assert record["meta"]["warnings"] == ["unclosed quote mark at offset 3"]
    assert "warnings" not in records["good"]["meta"]
    # the open mark starts no quote, and no quote crosses a paragraph
    assert record["quotes"] and all(q["start"] != 3 and "\n" not in text[q["start"] : q["end"]] for q in record["quotes"])


def test_quote_over_paragraphs_is_not_unclosed():
    text = "他说：“第一段的话。\n“第二段的话。”\n"
    assert quote_spans(text) == [(3, len(text) - 1)] and text_warnings(text) == []


# ---------------------------------------------------------------- overlapping entities


def test_overlapping_entities_are_named(tmp_path):
    entities = [{"start": s, "end": e, "label": "LOC"} for s, e in ((0, 2), (4, 6), (8, 12), (10, 14))]
    record = {"id": "a", "text": "一" * 20, "entities": entities}
    with pytest.raises(FormatError, match=re.escape("entities/3 [10, 14) overlaps entities/2 [8, 12)")):
        validate_record(record, flat_entities=True)
    # the format holds them (brat does, and nlp convert reports them lost where a format cannot)
    assert validate_record(record)
    path = write_jsonl(tmp_path / "gold.jsonl", '{"id": "a", "text": "abc"}', json.dumps(record))
    [(_, first), (_, second)] = iter_corpus(path, flat_entities=True)
    assert first["id"] == "a" and str(second) == "entities/3 [10, 14) overlaps entities/2 [8, 12)"


# ---------------------------------------------------------------- nlp evaluate


def evaluate(tmp_path, gold_lines, pred_lines):
    """Run `nlp evaluate` on the records given; (result, scores or None, error lines)."""
    gold = write_jsonl(tmp_path / "gold.jsonl", *map(json.dumps, gold_lines))
    pred = write_jsonl(tmp_path / "pred.jsonl", *map(json.dumps, pred_lines))
    scores = tmp_path / "scores.json"
    result = runner.invoke(app, ["evaluate", str(gold), str(pred), "--json", str(scores)])
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    return result, json.loads(scores.read_text("utf-8")) if scores.exists() else None, errors


def doc(doc_id, text="李鹏在北京。", entities=((0, 2, "PER"), (3, 5, "LOC"))):
    return {"id": doc_id, "text": text, "entities": [{"start": s, "end": e, "label": label} for s, e, label in entities]}


def test_evaluate_skips_a_changed_text(tmp_path):
    result, scores, errors = evaluate(tmp_path, [doc("a"), doc("b")], [doc("a", "李鹏在上海。"), doc("b")])
    assert result.exit_code == 0, result.output
    assert errors == [f"error: {tmp_path / 'pred.jsonl'}:1: text of 'a' differs from {tmp_path / 'gold.jsonl'}:1 at offset 3"]
    assert scores["documents"] == 1 and scores["skipped"] == 1 and scores["missing"] == 0
    assert scores["ner"]["f"] == 1.0


def test_evaluate_scores_a_missing_prediction_as_empty(tmp_path):
    result, scores, errors = evaluate(tmp_path, [doc("a"), doc("b")], [doc("b")])
    assert result.exit_code == 0, result.output
    assert errors == [f"error: {tmp_path / 'gold.jsonl'}:1: no document 'a' in {tmp_path / 'pred.jsonl'}: scored as predicting nothing"]
    assert scores["documents"] == 2 and scores["missing"] == 1 and scores["skipped"] == 0
    assert (scores["ner"]["tp"], scores["ner"]["fn"], scores["ner"]["fp"]) == (2, 2, 0)


def test_evaluate_skips_overlapping_gold_entities_and_bad_lines(tmp_path):
    overlapping = doc("b", entities=((0, 2, "PER"), (1, 5, "LOC")))
    gold = [doc("a"), overlapping, doc("c")]
    result, scores, errors = evaluate(tmp_path, gold, [doc("a"), doc("b"), doc("c")])
    assert result.exit_code == 0, result.output
    assert errors == [f"error: {tmp_path / 'gold.jsonl'}:2: entities/1 [1, 5) overlaps entities/0 [0, 2)"]
    assert scores["documents"] == 2 and scores["skipped"] == 1
    (tmp_path / "gold.jsonl").write_text('{"id": "a", "text": \n' + json.dumps(doc("c")) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(tmp_path / "gold.jsonl"), str(tmp_path / "pred.jsonl")])
    assert result.exit_code == 0 and re.search(r"gold\.jsonl:1: Expecting value", result.output)


def test_evaluate_with_nothing_to_score_fails(tmp_path):
    result, scores, errors = evaluate(tmp_path, [doc("a")], [doc("a", "李鹏在上海。")])
    assert result.exit_code == 2 and scores is None
    assert len(errors) == 2 and "could be scored" in errors[1]
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nowhere.jsonl"), str(tmp_path / "pred.jsonl")])
    assert result.exit_code == 2 and "nowhere.jsonl" in result.output


# ---------------------------------------------------------------- crash safety


def start(docs, out, *options):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "nlp", "annotate", str(docs), "-o", str(out), "--batch-size", "8", *options]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count_lines(path):
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def kill_after(process, partial, lines, timeout=300):
    """SIGKILL PROCESS once PARTIAL holds LINES complete lines; fail if it finished first."""
    deadline = time.monotonic() + timeout
    while count_lines(partial) < lines:
        assert process.poll() is None, f"finished before it could be killed: {process.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    return count_lines(partial)


def test_killed_twice_and_resumed_gives_the_same_bytes(tmp_path):
    texts = ["国务院总理李鹏说：“今年要抓好农业。”", "“我只是上德育课，”徐虎说，“专业课由别人来上。”", "管风良表示，昆山高新区将继续发扬优良传统。"]
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"第{i}篇。{texts[i % 3]}"}, ensure_ascii=False) + "\n" for i in range(3000)), encoding="utf-8")
    clean = tmp_path / "clean.jsonl"
    done = start(docs, clean, "--quiet")
    assert done.wait() == 0, done.communicate()
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    first = kill_after(start(docs, out), partial, 200)
    assert not out.exists()
    # the resumed run copies what the first one finished, then goes on: kill it past that point
    kill_after(start(docs, out, "--resume"), partial, first + 200)
    assert not out.exists()
    last = start(docs, out, "--resume")
    stdout, stderr = last.communicate()
    assert last.returncode == 0, stderr
    assert "kept from the earlier run" in stderr
    assert out.read_bytes() == clean.read_bytes()
    assert not partial.exists()
    # the pipeline's entities are spaCy's doc.ents: they never overlap
    assert sum(bool(validate_record(r, flat_entities=True)["entities"]) for r in read_corpus(out)) > 1000
