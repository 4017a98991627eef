import json

import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import FormatError, InputDoc, doc_to_record, read_corpus, validate_record
from nlp.hygiene import cut_paragraphs, hygiene_meta, mask_repeated, paragraphs, repeated_paragraphs, unmask_repeated
from tests.conftest import SEED


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_paragraphs_keep_offsets_into_the_untouched_text():
    text = "\ufeff标题\r\n\r\n\u3000\u3000第一段。  \n \t\n第二段"
    spans = paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["\ufeff标题", "第一段。", "第二段"]
    assert spans[1][0] == text.index("第一段")


def test_seed_paragraphs_and_repetitions(seed_text):
    assert len(paragraphs(seed_text)) == 56
    repeated = repeated_paragraphs(seed_text)
    # By hand: the block of lines 25-27 again at 51-53 (line 49 is line 23 with 一直以来， in front:
    # not exact, not a repetition), the block 75-85 again at 87-97, and line 111 three more times.
    assert [(line_of(seed_text, r["start"]), line_of(seed_text, r["first"])) for r in repeated] == [
        (51, 25), (53, 27), (87, 75), (89, 77), (91, 79), (93, 81), (95, 83), (97, 85), (115, 111), (119, 111), (121, 111),
    ]
    for r in repeated:
        assert seed_text[r["start"] : r["end"]] == seed_text[r["first"] : r["first"] + r["end"] - r["start"]]


def test_short_repeated_lines_are_not_repetitions():
    text = "（完）\n本报记者 叶伟\n第一段写得很长很长很长。\n（完）\n本报记者 叶伟\n第一段写得很长很长很长。"
    assert [text[r["start"] : r["end"]] for r in repeated_paragraphs(text)] == ["第一段写得很长很长很长。"]


def test_seed_cut_paragraphs(seed_text):
    cut = cut_paragraphs(seed_text)
    # Read by hand: the three paragraphs that stop mid-word; the title, byline, section headings
    # and the two picture captions end without punctuation too, but are not prose.
    assert [(line_of(seed_text, c["start"]), seed_text[c["end"] - 6 : c["end"]]) for c in cut] == [
        (43, "昆山富士康党"), (59, "新区坚持党建"), (71, "125个法定"),
    ]


@pytest.mark.parametrize(
    "paragraph,cut",
    [
        ("这些重大项目纷纷选择落户，与昆山高新区坚持党建", True),
        ("经济增长，", True),
        ("原先办理每张许可证都需要单独申报，整个流程走完大约需要125个法定", True),
        # one clause and no punctuation: a heading or a caption as far as the rule can tell
        ("整个流程走完大约需要125个法定", False),
        ("他说：“好。”", False),
        ("会上宣布了三件事：", False),
        ("学党史，办实事；", False),
        ("真的吗？", False),
        ("## 学党史悟思想 凝聚起干事创业强大伟力", False),
        ("# 标题：副标题，再副标题", False),
        ("本报记者 叶伟 特约通讯员 许嘉", False),
        ("昆山市“一业一证”改革首批行业综合许可证发布仪式", False),
    ],
)
def test_cut_rule(paragraph, cut):
    assert bool(cut_paragraphs(paragraph)) is cut


def test_hygiene_meta_is_valid_in_a_record():
    text = "第一段写得很长很长很长。\n第一段写得很长很长很长。\n他说，"
    record = {"id": "d", "text": text, "meta": hygiene_meta(text)}
    assert validate_record(record)["meta"] == {
        "repeated_paragraphs": [{"start": 13, "end": 25, "first": 0}],
        "cut_paragraphs": [{"start": 26, "end": 29}],
    }
    record["meta"]["repeated_paragraphs"][0]["first"] = 1
    with pytest.raises(FormatError, match="meta/repeated_paragraphs/0"):
        validate_record(record)
    record["meta"] = {"cut_paragraphs": [{"start": 26, "end": 30}]}
    with pytest.raises(FormatError, match="meta/cut_paragraphs/0"):
        validate_record(record)


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory):
    """The seed annotated with jieba, without and with --dedupe."""
    runs = {}
    for name, flags in (("plain", []), ("deduped", ["--dedupe"])):
        out = tmp_path_factory.mktemp(name) / "seed.jsonl"
        result = CliRunner().invoke(app, ["annotate", str(SEED), "-o", str(out), "--segmenter", "jieba", "--quiet", *flags])
        assert result.exit_code == 0, result.output
        [runs[name]] = read_corpus(out)  # read_corpus validates against the schema
    return runs["plain"], runs["deduped"]


def overlaps_repeat(record: dict, start: int, end: int) -> bool:
    return any(r["start"] < end and start < r["end"] for r in record["meta"]["repeated_paragraphs"])


def test_dedupe_keeps_the_original_text_and_tiles_it(seed_runs, seed_text):
    plain, deduped = seed_runs
    assert deduped["text"] == seed_text and deduped["meta"]["deduped"] and not plain["meta"]["deduped"]
    assert deduped["meta"]["repeated_paragraphs"] == plain["meta"]["repeated_paragraphs"] == repeated_paragraphs(seed_text)
    assert len(deduped["meta"]["cut_paragraphs"]) == 3
    text = deduped["text"]
    assert "".join(text[s:e] for s, e in deduped["tokens"]) == "".join(text.split())
    # jieba cuts a paragraph the same wherever it stands, so the copied tokens are its own
    assert deduped["tokens"] == plain["tokens"]


def test_dedupe_annotates_nothing_in_repeated_paragraphs(seed_runs):
    plain, deduped = seed_runs
    mentions = [(e["start"], e["end"]) for e in deduped["entities"]]
    for quote in deduped["quotes"]:
        mentions += [(quote["start"], quote["start"] + 1), (quote["end"] - 1, quote["end"])]
        mentions += [(quote[p]["start"], quote[p]["end"]) for p in ("speaker", "cue") if quote[p]]
    assert not any(overlaps_repeat(deduped, s, e) for s, e in mentions)
    # the entities and quotes of the repeated paragraphs are gone, and nothing else changed
    kept_entities = [e for e in plain["entities"] if not overlaps_repeat(plain, e["start"], e["end"])]
    kept_quotes = [q for q in plain["quotes"] if not overlaps_repeat(plain, q["start"], q["end"])]
    assert len(kept_entities) < len(plain["entities"]) and len(kept_quotes) < len(plain["quotes"])
    assert deduped["entities"] == kept_entities and deduped["quotes"] == kept_quotes


def test_a_quote_over_paragraphs_runs_over_a_dropped_one(jieba_pipeline):
    # Paragraph 2 repeats paragraph 1. Without it, the quote opened in paragraph 1 goes on in
    # paragraph 3 (each opening a mark, the last closing it): one quote of 张三, covering the gap.
    text = "张三说：“改革要一步一个脚印地走。\n\n张三说：“改革要一步一个脚印地走。\n\n“只有这样，群众才会满意。”\n"
    plain = doc_to_record(jieba_pipeline(text), "d")
    assert [(text[q["start"] : q["start"] + 5], q["speaker"]["start"]) for q in plain["quotes"]] == [("“改革要一", 19)]
    deduped = unmask_repeated(doc_to_record(jieba_pipeline(mask_repeated(text)), "d"), text)
    [quote] = deduped["quotes"]
    assert (quote["start"], quote["end"], quote["speaker"]["start"]) == (4, text.rindex("”") + 1, 0)
    assert [e["start"] for e in deduped["entities"]] == [0]
    validate_record(deduped)


def test_dask_workers_dedupe_as_one_process_does(seed_runs, seed_text):
    from nlp.annotate import PipelineSettings
    from nlp.parallel import annotate_partition

    # the settings a worker is sent carry --dedupe: a worker's record is the one process's
    doc = InputDoc("kunshan_hitech_zone", seed_text, str(SEED))
    records, errors = annotate_partition(PipelineSettings.of("jieba", dedupe=True), [doc], batch_size=1)
    assert not errors and [json.loads(record.line) for record in records.values()] == [seed_runs[1]]
