import pytest

from nlp.evaluate import evaluate_pairs
from nlp.evaluate.scorers import score_entities, score_quotes, score_segmentation

TEXT = "江泽民说：“好。”他笑了"


def doc(**layers):
    return {"id": "d", "text": TEXT, **layers}


def quote(start, end, speaker=None, kind="direct"):
    return {"start": start, "end": end, "kind": kind,
            "speaker": None if speaker is None else {"start": speaker[0], "end": speaker[1], "text": TEXT[speaker[0]:speaker[1]]},
            "cue": None}


def test_segmentation_prf_and_oov():
    # gold: 江泽民|说|：|“|好|。|”|他|笑|了 ; pred merges 笑了 and splits 江泽民
    gold = doc(tokens=[[0, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9], [9, 10], [10, 11], [11, 12]])
    pred = doc(tokens=[[0, 1], [1, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9], [9, 10], [10, 12]])
    scores = score_segmentation([(gold, pred)], train_words={"说", "：", "“", "好", "。", "”", "他", "笑", "了"})
    assert scores["tp"] == 7 and scores["fp"] == 3 and scores["fn"] == 3
    assert scores["p"] == pytest.approx(0.7) and scores["r"] == pytest.approx(0.7) and scores["f"] == pytest.approx(0.7)
    assert scores["oov_rate"] == pytest.approx(0.1)  # 江泽民 is the one OOV word
    assert scores["oov_recall"] == 0.0
    assert scores["iv_recall"] == pytest.approx(7 / 9)  # 笑 and 了 lost to 笑了


def test_segmentation_identical_is_perfect():
    gold = doc(tokens=[[0, 3], [3, 4], [4, 12]])
    scores = score_segmentation([(gold, gold)])
    assert (scores["p"], scores["r"], scores["f"]) == (1.0, 1.0, 1.0)
    assert "oov_rate" not in scores


def test_entities_micro_per_label_and_partial_overlap():
    gold = doc(entities=[{"start": 0, "end": 3, "label": "PER"}, {"start": 9, "end": 10, "label": "PER"}])
    pred = doc(entities=[{"start": 0, "end": 2, "label": "PER"}, {"start": 9, "end": 10, "label": "PER"}, {"start": 5, "end": 7, "label": "LOC"}])
    scores = score_entities([(gold, pred)])
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 2, 1)  # a partial overlap is wrong
    assert scores["p"] == pytest.approx(1 / 3) and scores["r"] == pytest.approx(0.5)
    assert scores["per_label"]["PER"]["f"] == pytest.approx(0.5)
    assert scores["per_label"]["LOC"] == {"p": 0.0, "r": None, "f": 0.0, "tp": 0, "fp": 1, "fn": 0}


def test_empty_layers_are_undefined_not_zero():
    scores = score_entities([(doc(entities=[]), doc(entities=[]))])
    assert (scores["p"], scores["r"], scores["f"]) == (None, None, None)
    missed = score_entities([(doc(entities=[{"start": 0, "end": 3, "label": "PER"}]), doc(entities=[]))])
    assert (missed["p"], missed["r"], missed["f"]) == (None, 0.0, 0.0)


def test_quotes_exact_overlap_speaker_and_end_to_end():
    gold = doc(quotes=[quote(5, 9, (0, 3)), quote(10, 12, (9, 10), kind="indirect")])
    # first quote right span, right speaker; second only overlaps
    pred = doc(quotes=[quote(5, 9, (0, 3)), quote(11, 12, None, kind="indirect")])
    scores = score_quotes([(gold, pred)])
    assert scores["span"]["tp"] == 1 and scores["span"]["f"] == pytest.approx(0.5)
    assert scores["overlap"]["tp"] == 2 and scores["overlap"]["f"] == 1.0
    assert scores["speaker_accuracy"] == 1.0
    assert scores["end_to_end"]["f"] == pytest.approx(0.5)


def test_quote_with_wrong_speaker_counts_in_span_not_end_to_end():
    gold = doc(quotes=[quote(5, 9, (0, 3))])
    pred = doc(quotes=[quote(5, 9, (9, 10))])
    scores = score_quotes([(gold, pred)])
    assert scores["span"]["f"] == 1.0
    assert scores["speaker_accuracy"] == 0.0
    assert scores["end_to_end"]["tp"] == 0 and scores["end_to_end"]["f"] == 0.0


def test_gold_layers_decide_what_is_scored():
    gold = {"id": "d", "text": TEXT, "quotes": [quote(5, 9, (0, 3))]}
    pred = doc(tokens=[[0, 12]], entities=[], quotes=[quote(5, 9, (0, 3))])
    scores = evaluate_pairs([(gold, pred)])
    assert set(scores) == {"documents", "quotes"}
    assert scores["quotes"]["per_kind"]["direct"]["end_to_end"]["f"] == 1.0
    assert scores["quotes"]["per_kind"]["indirect"]["end_to_end"]["f"] is None
