"""Properties of the canonical format: what the strategies draw is valid, survives a write and a
read unchanged, and stops being valid under any mutation that breaks an offset or a mention."""

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nlp.corpus import FormatError, dumps, read_corpus, validate_record
from tests.strategies import records

SETTINGS = settings(max_examples=100, deadline=None)


@SETTINGS
@given(records())
def test_drawn_records_are_valid(record):
    assert validate_record(record) is record
    text = record["text"]
    assert "".join(text[s:e] for s, e in record["tokens"]) == "".join(text.split())
    entities = sorted((e["start"], e["end"]) for e in record["entities"])
    assert all(a[1] <= b[0] for a, b in zip(entities, entities[1:]))


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=3))
def test_write_then_read_gives_the_same_records(corpus):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("".join(dumps(record) + "\n" for record in corpus), encoding="utf-8")
        assert list(read_corpus(path)) == corpus


@st.composite
def broken_offsets(draw):
    """A record with one item's offsets broken, and the place the error must name."""
    record = draw(records())
    layer = draw(st.sampled_from([layer for layer in ("tokens", "entities", "quotes") if record[layer]]))
    i = draw(st.integers(0, len(record[layer]) - 1))
    item = record[layer][i]
    start_key, end_key = (0, 1) if layer == "tokens" else ("start", "end")
    how = draw(st.sampled_from(["past the end", "empty", "negative"]))
    if how == "past the end":
        item[end_key] = len(record["text"]) + draw(st.integers(1, 3))
    elif how == "empty":
        item[end_key] = item[start_key]
    else:
        item[start_key] = -draw(st.integers(1, 3))
    return record, f"{layer}/{i}"


@st.composite
def broken_mentions(draw):
    """A record whose first quote has a speaker or cue that is not text[start:end]."""
    record = draw(records())
    assume(record["quotes"])
    part = draw(st.sampled_from(["speaker", "cue"]))
    start, end = record["tokens"][0]
    mention = {"start": start, "end": end, "text": record["text"][start:end]}
    how = draw(st.sampled_from(["text differs", "past the end"]))
    if how == "text differs":
        mention["text"] = draw(st.text(min_size=1, max_size=4).filter(lambda t: t != mention["text"]))
    else:
        mention["end"] = len(record["text"]) + 1
    record["quotes"][0][part] = mention
    return record, f"quotes/0/{part}"


@SETTINGS
@given(broken_offsets() | broken_mentions())
def test_broken_records_are_rejected_naming_the_place(case):
    record, where = case
    with pytest.raises(FormatError, match=f"^{where}[/:]"):
        validate_record(record)


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=3), broken_offsets(), st.data())
def test_a_broken_line_is_named_by_file_and_line(corpus, case, data):
    broken, _ = case
    line = data.draw(st.integers(0, len(corpus)))
    corpus.insert(line, broken)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("".join(dumps(record) + "\n" for record in corpus), encoding="utf-8")
        with pytest.raises(FormatError, match=f"^{re.escape(str(path))}:{line + 1}: "):
            list(read_corpus(path))
