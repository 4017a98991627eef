"""The character NER on real text: the seed article's speakers, the gazetteer, boundaries inside
segmenter words, title chains and honorifics."""

from __future__ import annotations

import json
from pathlib import Path

import pycrfsuite
import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Span
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import doc_to_record
from nlp.ner import (
    CRFPersons,
    JiebaTags,
    LinearChainCRF,
    bioes_spans,
    bioes_tags,
    crf_features,
    read_gazetteer,
    text_pieces,
    word_tags,
)
from nlp.pipeline import build_pipeline
from nlp.util import char_batches

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "corpus" / "raw" / "kunshan_hitech_zone.txt").read_text(encoding="utf-8")
SPEAKERS = ("管风良", "刘昌", "王磊", "刘璇", "严斌", "张建文")


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline("jieba")


@pytest.fixture(scope="module")
def seed_doc(pipeline):
    return pipeline(SEED)


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize("name", SPEAKERS)
def test_every_speaker_of_the_seed_article_is_a_person(seed_doc, name):
    assert (name, "PER") in ents(seed_doc)


def test_title_chain_leaves_the_name_alone(seed_doc):
    start = SEED.index("党支部书记、总经理刘昌") + len("党支部书记、总经理")
    people = [e for e in seed_doc.ents if e.label_ == "PER" and e.start_char <= start < e.end_char]
    assert [(e.start_char, e.end_char) for e in people] == [(start, start + 2)]


def test_the_speakers_are_attributed(seed_doc):
    speakers = {q._.speaker.text for q in seed_doc.spans["quotes"] if q._.speaker is not None}
    assert set(SPEAKERS) <= speakers


def test_surname_and_honorific_is_a_person(pipeline):
    doc = pipeline("家住昆山的王女士告诉记者，李某当晚并不在场。")
    assert ("王女士", "PER") in ents(doc)
    assert ("李某", "PER") in ents(doc)


def test_a_title_after_a_full_name_is_left_out():
    # the rules on a model's PER spans (one token a character, as the inner pipeline has them)
    import spacy
    from spacy.tokens import Doc, Span

    from nlp.ner import person_rules

    text = "李渭清教授说，王局长笑了，莱奇法官说。"
    doc = Doc(spacy.blank("zh").vocab, words=list(text), spaces=[False] * len(text))
    doc._.jieba = JiebaTags(text, word_tags(text))
    doc.ents = [Span(doc, 0, 5, label="PER"), Span(doc, 7, 8, label="PER"), Span(doc, 13, 16, label="PER")]
    assert ents(person_rules(doc)) == [("李渭清", "PER"), ("王局长", "PER"), ("莱奇", "PER")]  # 莱奇法|官 too


def test_entity_boundary_inside_a_jieba_word_is_exact(pipeline):
    text = "中美两国元首在北京会晤。"
    doc = pipeline(text)
    # jieba keeps 中美 as one word; the entities are its characters
    assert ("中", "LOC") in ents(doc) and ("美", "LOC") in ents(doc)
    assert doc.text == text
    assert [t.text for t in doc][:2] == ["中", "美"]
    # the words of the record stay the segmenter's: the split tokens only host the entities
    record = doc_to_record(doc, "t")
    assert [text[s:e] for s, e in record["tokens"]][:2] == ["中美", "两国"]


def test_gazetteer_wins_over_the_model():
    text = "昆山富士康环保科技有限公司党支部书记、总经理刘昌表示，昆山高新区的企业越来越多。"
    model = ents(build_pipeline("jieba")(text))
    assert ("昆山富士康环保科技有限公司党支部", "ORG") in model  # the model overshoots
    assert ("昆山高新区", "LOC") not in model  # and misses a name it never saw
    gazetteer = [{"label": "ORG", "pattern": "昆山富士康环保科技有限公司"}, {"label": "LOC", "pattern": "昆山高新区"}]
    ruled = ents(build_pipeline("jieba", entities=gazetteer)(text))
    assert ruled == [("昆山富士康环保科技有限公司", "ORG"), ("刘昌", "PER"), ("昆山高新区", "LOC")]


def test_bad_gazetteer_lines_are_reported_with_their_number(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text(
        '{"label": "ORG", "pattern": "昆山高新区"}\n'
        "not json\n"
        '{"pattern": "苏州"}\n'
        '{"label": "LOC", "pattern": "大渔村"}\n',
        encoding="utf-8",
    )
    patterns, errors = read_gazetteer(gazetteer)
    assert [p["pattern"] for p in patterns] == ["昆山高新区", "大渔村"]
    assert [e.line for e in errors] == [2, 3]

    text_file = tmp_path / "news.txt"
    text_file.write_text("昆山高新区的大渔村很美。", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["annotate", str(text_file), "-o", str(output), "--entities", str(gazetteer), "-q"])
    assert result.exit_code == 0, result.output
    assert f"{gazetteer}:2:" in result.output and f"{gazetteer}:3:" in result.output
    record = json.loads(output.read_text(encoding="utf-8").splitlines()[0])
    found = {(record["text"][e["start"]:e["end"]], e["label"]) for e in record["entities"]}
    assert {("昆山高新区", "ORG"), ("大渔村", "LOC")} <= found


def test_the_ner_streams_batch_by_batch(pipeline):
    ner = pipeline.get_pipe("ner")

    def corpus():
        for _ in range(3):
            yield pipeline.make_doc("国家主席江泽民在北京。")
        raise AssertionError("the whole corpus was read before the first document came out")

    first = next(ner.pipe(corpus(), batch_size=2))
    assert ("江泽民", "PER") in ents(first)


def test_a_text_is_read_line_by_line_and_a_long_line_cut_after_a_sentence():
    text = "李鹏说：“好。”\n" * 3 + "  \n\n" + "王磊在昆山。" * 3 + "abcdefghij"
    pieces = text_pieces(text, limit=20)
    assert [text[s:e] for s, e in pieces[:3]] == ["李鹏说：“好。”"] * 3  # blank lines are not read
    assert [text[s:e] for s, e in pieces[3:]] == ["王磊在昆山。" * 3, "abcdefghij"]
    assert list(char_batches(["ab", "cd", "efgh", "i"], budget=4)) == [["ab", "cd"], ["efgh"], ["i"]]


def test_pieces_find_the_entities_of_the_whole_text(pipeline):
    paragraph = "国务院总理李鹏在北京会见了日本外务大臣小渊惠三。" * 80 + "\n"
    text = paragraph * 4  # 7,700 characters: read in two pieces
    assert len(text_pieces(text)) > 1
    per_paragraph = ents(pipeline(paragraph))
    assert ents(pipeline(text)) == per_paragraph * 4


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4), st.sampled_from(["PER", "LOC", "ORG"])), max_size=8))
def test_bioes_tags_and_spans_are_inverse(raw):
    spans, taken = [], set()
    for start, size, label in raw:  # entities do not overlap
        cells = set(range(start, start + size))
        if not cells & taken:
            spans.append((start, start + size, label))
            taken |= cells
    assert sorted(bioes_spans(bioes_tags(40, spans))) == sorted(spans)


def test_a_broken_tag_sequence_gives_no_entity():
    assert bioes_spans(["B-PER", "I-LOC", "E-LOC", "O", "I-ORG", "E-ORG", "E-PER", "S-LOC"]) == [(7, 8, "LOC")]


def test_crf_features_name_every_character_and_its_words():
    text = "昆山高新区管委会副主任张建文说"
    features = crf_features(text, word_tags(text))
    assert len(features) == len(text)
    assert {"c0=张", "c-1c0=任张", "c0c1c2=张建文", "w-1=主任", "w1=建文"} <= set(features[11])  # jieba: 主任 张 建文
    assert "c-2=^" in features[0] and "c2=^" in features[-1]  # edges, not wrapped around


def training_data(tmp_path: Path, sentences: list, prefix: str, names: tuple[str, ...]) -> Path:
    """A data folder whose files NAMES hold SENTENCES five times over, ids PREFIX0, PREFIX1, ..."""
    data = tmp_path / "data"
    data.mkdir()
    lines = [
        json.dumps({"id": f"{prefix}{i}", "text": t, "entities": [{"start": a, "end": b, "label": l} for a, b, l in e]}, ensure_ascii=False)
        for i, (t, e) in enumerate(sentences * 5)
    ]
    for name in names:
        (data / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def test_nlp_train_ner_makes_a_loadable_model(tmp_path):
    # a real (small) training run through the CLI: MSRA-format records in, a spaCy pipeline out
    sentences = [
        ("新华社北京电国家主席江泽民会见了外宾。", [(3, 5, "LOC"), (10, 13, "PER")]),
        ("李鹏总理在上海考察。", [(0, 2, "PER"), (5, 7, "LOC")]),
        ("中国人民银行发布公告。", [(0, 6, "ORG")]),
        ("朱镕基在广州说，经济形势很好。", [(0, 3, "PER"), (4, 6, "LOC")]),
    ]
    data = training_data(tmp_path, sentences, "s", ("msra_train.jsonl", "msra_dev.jsonl"))
    result = CliRunner().invoke(app, ["train", "ner", "-o", str(tmp_path / "out"), "--data-dir", str(data), "--max-iterations", "30"])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "out" / "dev_scores.json").read_text())
    assert scores["ents_f"] > 0.9  # its own training sentences
    model = build_pipeline("jieba", exclude=("quotes",))
    model.replace_pipe("ner", "char_ner", config={"model_dir": str(tmp_path / "out" / "model")})
    assert ("江泽民", "PER") in ents(model("国家主席江泽民会见了外宾。"))
    # the shipped form of the model tags exactly as CRFsuite does with the model it trained
    crfsuite = pycrfsuite.Tagger()
    crfsuite.open(str(tmp_path / "out" / "model.crfsuite"))
    crf = LinearChainCRF.load(tmp_path / "out" / "model" / "crf_entities" / LinearChainCRF.FILE)
    texts = [t for t, _ in sentences] + ["朱镕基会见了李鹏。", "外", "", "北京上海广州。李"]
    own = [crfsuite.tag(crf_features(text, word_tags(text))) if text else [] for text in texts]
    assert [crf.tag(text, word_tags(text)) for text in texts] == own
    # a batch is tagged in one pass, each text as if alone
    assert crf.tag_many(texts, [word_tags(text) for text in texts]) == own


def test_installing_a_new_ner_model_keeps_the_person_crf(tmp_path, monkeypatch):
    import shutil

    import nlp.train_ner
    from nlp.ner import MODEL_DIR

    installed = tmp_path / "installed"
    shutil.copytree(MODEL_DIR, installed)
    monkeypatch.setattr(nlp.train_ner, "MODEL_DIR", installed)
    data = training_data(tmp_path, [("李鹏总理在上海考察。", [(0, 2, "PER"), (5, 7, "LOC")])], "s", ("msra_train.jsonl", "msra_dev.jsonl"))
    nlp.train_ner.train_ner(data, tmp_path / "out", max_iterations=5, install=True, say=lambda _: None)
    model = spacy.load(installed)
    assert model.pipe_names == ["crf_entities", "crf_persons"]
    shipped = spacy.load(MODEL_DIR)
    assert model.get_pipe("crf_persons").crf.attributes == shipped.get_pipe("crf_persons").crf.attributes
    assert model.get_pipe("crf_entities").crf.attributes != shipped.get_pipe("crf_entities").crf.attributes


def test_nlp_train_persons_learns_people_s_daily_persons_and_leaves_out_the_held_out(tmp_path):
    sentences = [
        ("记者龙乐豪说，火箭发射成功。", [(2, 5, "PER")]),
        ("简世辉在北京工作。", [(0, 3, "PER"), (4, 6, "LOC")]),
        ("戴碧蓉平静地诉说起往事。", [(0, 3, "PER")]),
    ]
    data = training_data(tmp_path, sentences, "p", ("pd_train.jsonl", "pd_dev.jsonl"))
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text(json.dumps({"id": "p0"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "train", "persons", "-o", str(tmp_path / "out"), "--data-dir", str(data), "--held-out", str(held_out), "--max-iterations", "30",
    ])
    assert result.exit_code == 0, result.output
    assert "14 People's Daily paragraphs (1 held out)" in result.output
    scores = json.loads((tmp_path / "out" / "dev_scores.json").read_text())
    assert set(scores["ents_per_type"]) == {"PER"}  # places are no part of it
    assert scores["ents_f"] > 0.9


def test_the_person_crf_adds_persons_only_where_nothing_was_found():
    doc = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "nlp.char_features.v1"}}})("王磊在北京说张三来了")
    doc.ents = [Span(doc, 3, 5, label="LOC")]
    found = [Span(doc, 0, 2, label="PER"), Span(doc, 2, 5, label="PER"), Span(doc, 6, 8, label="PER"), Span(doc, 8, 9, label="LOC")]
    CRFPersons().set_entities(doc, found)
    assert ents(doc) == [("王磊", "PER"), ("北京", "LOC"), ("张三", "PER")]


def test_people_s_daily_names_the_msra_model_misses_are_persons(pipeline):
    # PD train (quote tuning set): names the MSRA-trained model leaves untagged, found by the
    # person CRF (the tuning paragraphs were held out of its training)
    doc = pipeline("但英雄的光环，始终掩饰不住生活的艰辛。失去了左臂和左腿的戴碧蓉，平静地诉说起，她是怎样学会了走路的。")
    assert ("戴碧蓉", "PER") in ents(doc)


def test_dictionary_words_are_jiebas_own():
    import jieba.posseg

    from nlp.ner import dictionary_words

    texts = [SEED, "abc 123 a1.5b 中国abc人 ＡＢＣ １２ \r\n x", "", "　 ", "C919大飞机和5G手机"]
    texts += [json.loads(line)["text"] for line in open(ROOT / "corpus" / "gold" / "pd_dev_quotes.jsonl", encoding="utf-8")][:200]
    for text in texts:
        assert dictionary_words(text) == [(p.word, p.flag) for p in jieba.posseg.dt.cut(text, HMM=False)], text


def test_no_entity_runs_over_a_sentence_end(pipeline):
    # the CRF alone tagged 北京。周教授 as one ORG (People's Daily, January 1998)
    doc = pipeline("成功的喜悦使上海文化界再三催促她把音乐会带到北京。周教授后来对记者风趣地说：“真是仓促来京。”")
    assert {("北京", "LOC"), ("周教授", "PER")} <= set(ents(doc))
    assert not any("。" in e.text for e in doc.ents)
