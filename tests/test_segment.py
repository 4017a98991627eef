import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import word_offsets
from nlp.pipeline import build_pipeline
from nlp.segment import UserWord, read_user_dict

TEXT = "昆山高新区行政审批局开发了白名单功能"


def test_user_dict_format_and_bad_lines(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# domain words\n昆山高新区 20\n\n行政审批局\n一业一证 many\n三 个 字段\n", encoding="utf-8")
    words, problems = read_user_dict(path)
    assert words == [UserWord("昆山高新区", 20), UserWord("行政审批局", None)]
    assert [(p.line, p.reason.split(" ")[0]) for p in problems] == [(5, "frequency"), (6, "expected")]
    assert problems[0].describe().startswith(f"{path}:5: ")


def test_jieba_keeps_user_words_whole():
    words = [UserWord("昆山高新区", None), UserWord("行政审批局", None)]
    doc = build_pipeline("jieba", words)(TEXT)
    pieces = [doc.text[s:e] for s, e in word_offsets(doc)]
    assert pieces[:2] == ["昆山高新区", "行政审批局"]


def test_char_segmenter_refuses_a_user_dict(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("昆山高新区\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["annotate", "-", "-o", str(tmp_path / "o.jsonl"), "--segmenter", "char", "--user-dict", str(path)])
    assert result.exit_code == 2 and "char segmenter takes no user dictionary" in result.output


def test_bad_dictionary_lines_are_warnings_not_crashes(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("昆山高新区\n坏 行 啊\n", encoding="utf-8")
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(tmp_path / "o.jsonl"), "--user-dict", str(path)])
    assert result.exit_code == 0
    assert f"warning: {path}:2: expected 'word [frequency]'" in result.output.replace("\n", "")
