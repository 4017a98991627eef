import pytest

from nlp.corpus import validate_record
from nlp.data import SOURCES, ChecksumError, fetch_source, msra_record, pd_record, pd_split

PD_LINE = "中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  在/p  北京/ns  发表/v  讲话/n  。/w"


def test_people_daily_line_to_record():
    record = validate_record(pd_record(3, PD_LINE))
    text = record["text"]
    assert text == "中共中央总书记、国家主席江泽民在北京发表讲话。"
    assert [text[s:e] for s, e in record["tokens"]][:3] == ["中共中央", "总书记", "、"]
    assert [(text[e["start"]:e["end"]], e["label"]) for e in record["entities"]] == [
        ("中共中央", "ORG"), ("江泽民", "PER"), ("北京", "LOC")
    ]
    assert record["id"] == "pd199801-00003" and record["meta"]["split"] == "train"


def test_split_rule():
    assert [pd_split(i) for i in (0, 1, 2, 9, 10, 11, 19484)] == ["test", "dev", "train", "train", "test", "dev", "train"]


def test_msra_bmes_to_entities():
    chars = list("中国人民银行在北京")
    tags = ["B-ORG", "M-ORG", "M-ORG", "M-ORG", "M-ORG", "E-ORG", "O", "B-LOC", "E-LOC"]
    record = validate_record(msra_record("msra-test-00000", list(zip(chars, tags)), "test"))
    assert [(record["text"][e["start"]:e["end"]], e["label"]) for e in record["entities"]] == [("中国人民银行", "ORG"), ("北京", "LOC")]
    single = msra_record("x", [("京", "S-LOC"), ("的", "O")], "train")
    assert single["entities"] == [{"start": 0, "end": 1, "label": "LOC"}]


def test_a_changed_corpus_file_is_refused(tmp_path):
    raw = tmp_path / "raw" / "pd199801.txt"
    raw.parent.mkdir()
    raw.write_text(PD_LINE, encoding="utf-8")
    with pytest.raises(ChecksumError, match="is not the pinned"):
        fetch_source(SOURCES["pd199801"], tmp_path, say=lambda message: None)
