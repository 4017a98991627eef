import json
import re

import pytest

from nlp.corpus import (
    CorpusWriter,
    FormatError,
    InputDoc,
    InputError,
    doc_to_record,
    iter_inputs,
    read_corpus,
    validate_record,
    word_offsets,
)


def test_seed_record_offsets_slice_back(jieba_pipeline, seed_text):
    record = doc_to_record(jieba_pipeline(seed_text), "seed")
    validate_record(record)
    text = record["text"]
    assert text == seed_text
    tokens = record["tokens"]
    assert "".join(text[s:e] for s, e in tokens) == "".join(text.split())
    assert all(a[1] <= b[0] for a, b in zip(tokens, tokens[1:]))
    assert not any(text[s:e].strip() != text[s:e] for s, e in tokens)
    for quote in record["quotes"]:
        for part in ("speaker", "cue"):
            if quote[part]:
                assert text[quote[part]["start"] : quote[part]["end"]] == quote[part]["text"]


def test_round_trip_through_jsonl(tmp_path, jieba_pipeline):
    text = "新华社北京１月１日电  国家主席江泽民说：“我们一定要办好。”\n"
    record = doc_to_record(jieba_pipeline(text), "pd-1", {"source": "test"})
    path = tmp_path / "c.jsonl"
    writer = CorpusWriter(path)
    writer.write(record)
    writer.close()
    assert list(read_corpus(path)) == [json.loads(json.dumps(record))]


def test_whitespace_is_never_a_token(jieba_pipeline):
    doc = jieba_pipeline("中国 人民\u3000银行\n\nHello world  ")
    spans = word_offsets(doc)
    assert all(doc.text[s:e].strip() == doc.text[s:e] and doc.text[s:e] for s, e in spans)
    assert "".join(doc.text[s:e] for s, e in spans) == "".join(doc.text.split())


@pytest.mark.parametrize(
    "record, message",
    [
        ({"id": "a"}, "'text' is a required property"),
        ({"id": "a", "text": "abc", "tokens": [[0, 4]]}, "tokens/0: offsets [0, 4) outside"),
        ({"id": "a", "text": "abc", "entities": [{"start": 0, "end": 1}]}, "'label' is a required property"),
        (
            {"id": "a", "text": "张三说", "quotes": [{"start": 0, "end": 3, "kind": "direct", "speaker": {"start": 0, "end": 2, "text": "李四"}}]},
            "quotes/0/speaker: text '李四' differs",
        ),
        ({"id": "a", "text": "abc", "quotes": [{"start": 0, "end": 1, "kind": "said"}]}, "kind"),
    ],
)
def test_validation_names_the_problem(record, message):
    with pytest.raises(FormatError, match=re.escape(message)):
        validate_record(record)


def test_read_corpus_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "b", "text": \n', encoding="utf-8")
    with pytest.raises(FormatError, match="bad.jsonl:2"):
        list(read_corpus(path))


def test_inputs_folders_jsonl_and_bad_input(tmp_path):
    folder = tmp_path / "raw"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("第二篇。", encoding="utf-8")
    (folder / "sub" / "a.txt").write_text("\ufeff第一篇。", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("中文".encode("gbk"))
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"id": "j1", "text": "第三篇"}\nnot json\n{"text": "no id"}\n{"id": "j1", "text": "again"}\n', encoding="utf-8")
    items = list(iter_inputs([str(folder), str(jsonl), str(tmp_path / "missing.txt")]))
    docs = [i for i in items if isinstance(i, InputDoc)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [(d.id, d.text) for d in docs] == [("b", "第二篇。"), ("gbk", "中文"), ("sub/a", "第一篇。"), ("j1", "第三篇")]
    reasons = [e.describe() for e in errors]
    assert any("empty.txt: empty document" in r for r in reasons)
    assert any("docs.jsonl:2: malformed JSON" in r for r in reasons)
    assert any('docs.jsonl:3: record needs a non-empty string "id"' in r for r in reasons)
    assert any("duplicate document id 'j1'" in r for r in reasons)
    assert any("missing.txt: no such file or folder" in r for r in reasons)


def test_gbk_input_with_encoding_option(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("昆山高新区".encode("gbk"))
    assert [d.text for d in iter_inputs([str(path)], encoding="gbk")] == ["昆山高新区"]
