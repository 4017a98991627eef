import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import doc_to_record
from nlp.pipeline import build_pipeline
from nlp.segment import UserWord, read_user_dict

TEXT = "昆山高新区行政审批局开发了白名单功能"


def words(doc) -> list[str]:
    """The words a record keeps: the segmenter's, before the NER splits tokens at entity edges (昆山 of 昆山高新区)."""
    return [doc.text[s:e] for s, e in doc_to_record(doc, "d")["tokens"]]


def test_user_dict_format_and_bad_lines(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# domain words\n昆山高新区 20\n\n行政审批局\n一业一证 many\n三 个 字段\n", encoding="utf-8")
    words, problems = read_user_dict(path)
    assert words == [UserWord("昆山高新区", 20), UserWord("行政审批局", None)]
    assert [(p.line, p.reason.split(" ")[0]) for p in problems] == [(5, "frequency"), (6, "expected")]
    assert problems[0].describe().startswith(f"{path}:5: ")


def test_jieba_keeps_user_words_whole():
    user_words = [UserWord("昆山高新区", None), UserWord("行政审批局", None)]
    doc = build_pipeline("jieba", user_words)(TEXT)
    assert words(doc)[:2] == ["昆山高新区", "行政审批局"]


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


def test_shipped_pkuseg_model_segments_to_the_pku_standard(monkeypatch):
    # the model must load from the package with no network: any socket use fails the test
    import socket

    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: pytest.fail("network used"))
    doc = build_pipeline("pkuseg")("中共中央总书记、国家主席江泽民发表１９９８年新年讲话。")
    assert words(doc) == ["中共中央", "总书记", "、", "国家", "主席", "江", "泽民", "发表", "１９９８年", "新年", "讲话", "。"]


def test_fast_pkuseg_scores_and_words_are_pkusegs_own():
    import json
    from pathlib import Path

    import numpy as np
    import spacy_pkuseg
    import srsly
    from spacy_pkuseg.inference import getLogYY

    from nlp.segment import PkusegScores, fast_pkuseg, pkuseg_model_dir

    corpus = Path(__file__).parent.parent / "corpus"
    texts = [(corpus / "raw" / "kunshan_hitech_zone.txt").read_text(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in open(corpus / "gold" / "pd_dev_quotes.jsonl", encoding="utf-8")][:100]
    # edges, numbers, letters, keywords, unknown and astral characters before a word
    texts += ["", "一", "１２月３１日，ＡＢＣ公司-2024/3", "中华人民共和国国务院总理", "a.b*c:d 😀𠀀中国", "钠原子"]
    own, fast = spacy_pkuseg.pkuseg(str(pkuseg_model_dir()), user_dict=None), fast_pkuseg(pkuseg_model_dir())
    extractor, model = own.feature_extractor, own.model
    shipped = fast.scores.tables
    derived = PkusegScores.derive(srsly.read_msgpack(pkuseg_model_dir() / "features.msgpack"))
    assert shipped.keys() == derived.keys() and all(np.array_equal(shipped[k], derived[k]) for k in shipped)
    for text in texts:
        nodes = list(extractor.normalize_text(text))
        features = [extractor.get_node_features_idx(i, nodes) for i in range(len(nodes))]
        if nodes:
            scores, _ = getLogYY(features, model.n_tag, model.n_feature * model.n_tag, model.w, 1.0)
            assert np.allclose(fast.scores(text), scores, rtol=0, atol=1e-9), text
        assert fast.cut(text) == own.cut(text)
    # cut in one batch ahead of the calls, as the annotate command has it
    fast.cut_ahead(texts)
    assert [fast.cut(text) for text in texts] == [own.cut(text) for text in texts]
    assert not fast.ahead


def test_pkuseg_cut_ahead_keeps_user_words_whole():
    from nlp.segment import cut_ahead

    pipeline = build_pipeline("pkuseg", [UserWord("昆山高新区", None)])
    texts = [TEXT, "  ", TEXT + " 昆山高新区"]
    cut_ahead(pipeline, texts)
    assert [words(doc) for doc in pipeline.pipe(texts)] == [words(pipeline(text)) for text in texts]
    assert words(pipeline(TEXT))[0] == "昆山高新区"


def test_pkuseg_keeps_user_words_whole():
    assert "昆山高新区" not in words(build_pipeline("pkuseg")(TEXT))
    assert words(build_pipeline("pkuseg", [UserWord("昆山高新区", None)])(TEXT))[0] == "昆山高新区"


def test_pruning_keeps_strong_features(tmp_path):
    import numpy as np
    import srsly

    from nlp.segment import prune_pkuseg

    source = tmp_path / "model"
    source.mkdir()
    srsly.write_msgpack(source / "features.msgpack", {"unigram": [], "bigram": [], "feature_to_idx": {"a": 0, "b": 1, "c": 2}, "tag_to_idx": {"B": 0, "I": 1}})
    node = np.array([[0.5, -0.2], [0.001, -0.002], [0.0, 0.3]])
    edge = np.array([0.1, 0.2, 0.3, 0.4])
    np.savez(source / "weights.npz", sizes=np.array([2, 3]), w=np.concatenate([node.reshape(-1), edge]))
    stats = prune_pkuseg(source, tmp_path / "pruned", min_weight=0.01)
    assert (stats["features"], stats["kept"]) == (3, 2)
    features = srsly.read_msgpack(tmp_path / "pruned" / "features.msgpack")
    assert features["feature_to_idx"] == {"a": 0, "c": 1}
    weights = np.load(tmp_path / "pruned" / "weights.npz")
    assert list(weights["sizes"]) == [2, 2]
    assert np.allclose(weights["w"], [0.5, -0.2, 0.0, 0.3, 0.1, 0.2, 0.3, 0.4])
