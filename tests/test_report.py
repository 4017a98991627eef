"""Evaluation reports: errors, statistics, Markdown and HTML writers, and the HTML in Chromium."""

from __future__ import annotations

import base64
import http.server
import io
import json
import re
import subprocess
import threading
from pathlib import Path

import matplotlib.image
import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.corpus import dumps
from nlp.evaluate import evaluate_pairs, pair_documents
from nlp.evaluate.errors import category_counts, entity_confusion, error_passages, list_errors, top_errors
from nlp.evaluate.report import compare
from nlp.evaluate.stats import layer_stats, text_stats

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILES = sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium)")
runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


TIMESTAMP = re.compile(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")


def without_timestamp(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if not TIMESTAMP.search(line)]


# ---------------------------------------------------------------- the real corpus and prediction


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """corpus/gold against the pipeline's prediction of its texts."""
    folder = tmp_path_factory.mktemp("corpus")
    gold = folder / "gold.jsonl"
    gold.write_text("".join(path.read_text("utf-8") for path in GOLD_FILES), encoding="utf-8")
    pred = folder / "pred.jsonl"
    invoke("annotate", gold, "-o", pred, "--quiet")
    return gold, pred


@pytest.fixture(scope="module")
def reports(corpus, tmp_path_factory) -> list[dict[str, Path]]:
    """Two runs of `nlp evaluate --md --html --json` on the same inputs."""
    gold, pred = corpus
    runs = []
    for _ in range(2):
        folder = tmp_path_factory.mktemp("report")
        files = {"md": folder / "report.md", "html": folder / "report.html", "json": folder / "scores.json"}
        invoke("evaluate", gold, pred, "--md", files["md"], "--html", files["html"], "--json", files["json"])
        runs.append(files)
    return runs


def test_evaluate_json_keeps_its_keys(corpus, reports):
    scores = json.loads(reports[0]["json"].read_text("utf-8"))
    assert scores == json.loads(json.dumps({**evaluate_pairs(pair_documents(*corpus).pairs), "skipped": 0, "missing": 0}))
    assert set(scores) == {"documents", "skipped", "missing", "ner", "quotes"}
    assert set(scores["quotes"]) == {"span", "overlap", "speaker_accuracy", "speaker_matched", "end_to_end", "per_kind"}


def test_reports_are_deterministic(reports):
    for kind in ("md", "html"):
        first, second = (run[kind].read_text("utf-8").splitlines() for run in reports)
        assert len(first) == len(second)
        differing = [a for a, b in zip(first, second) if a != b]
        assert all(TIMESTAMP.search(line) for line in differing)
        assert without_timestamp(reports[0][kind]) == without_timestamp(reports[1][kind])
        assert sum(bool(TIMESTAMP.search(line)) for line in first) == 1


def test_markdown_holds_the_tables(reports):
    text = reports[0]["md"].read_text("utf-8")
    for heading in ("## Summary", "## Corpus statistics", "### Top speakers", "### Repeated paragraphs", "## Segmentation", "## Entities", "## Quotes", "## Errors"):
        assert heading in text.splitlines(), heading
    assert "| layer | P | R | F1 | tp | fp | fn |" in text
    assert re.search(r"^\| entities \| 0\.\d{4} \| 0\.\d{4} \| 0\.\d{4} \| \d+ \| \d+ \| \d+ \|$", text, re.M)
    for label in ("LOC", "ORG", "PER"):
        assert re.search(rf"^\| {label} \| pred \|", text, re.M)
    assert "| gold \\ predicted | LOC | ORG | PER | (none) |" in text
    assert re.search(r"^\| all span \| pred \| .* \| 0\.\d{4} \|$", text, re.M)  # speaker accuracy
    assert "| documents | 292 |" in text
    assert "| 1 | 他 (21) |" in text  # the gold's most quoted speaker
    assert text.count("Most frequent false positives") == 2 and text.count("Most frequent false negatives") == 2
    # the seed's most missed entity (missed outright, or found in part: both kinds are listed)
    assert re.search(r"^\| \d+ \| 1 \| 昆山高新区 \| LOC \| (boundary|missed)(, (boundary|missed))? \|", text, re.M)
    assert "The gold carries no token layer" in text


def test_html_is_self_contained(reports):
    html = reports[0]["html"].read_text("utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"<script\b", html, re.I)
    assert "url(" not in html and "@import" not in html
    images = re.findall(r"<img [^>]*src=\"([^\"]+)\"", html)
    assert len(images) == 3  # F1 per label, label confusion, errors by category
    for image in images:
        assert image.startswith("data:image/png;base64,")
        pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(image.split(",", 1)[1])), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100 and pixels.std() > 0.05


def test_html_shows_errors_in_place(reports):
    html = reports[0]["html"].read_text("utf-8")
    assert html.count('class="pair"') == 8  # 4 passages per layer, gold beside prediction
    assert "LOC ✗" in html and "direct ← " in html
    assert 'class="entities"' in html and 'class="spans"' in html  # displaCy's ent and span styles


# ---------------------------------------------------------------- pure functions


def record(doc_id: str, words: list[str], entities=(), quotes=()) -> dict:
    """A gold record from its words, with entities and quotes given by their text."""
    text = "".join(words)
    tokens, at = [], 0
    for word in words:
        tokens.append([at, at + len(word)])
        at += len(word)

    def span(part: str, start: int = 0) -> dict:
        begin = text.index(part, start)
        return {"start": begin, "end": begin + len(part), "text": part}

    result = {"id": doc_id, "text": text, "tokens": tokens, "entities": [], "quotes": [], "meta": {}}
    for part, label in entities:
        found = span(part)
        result["entities"].append({"start": found["start"], "end": found["end"], "label": label})
    for part, kind, speaker, cue in quotes:
        found = span(part)
        result["quotes"].append(
            {"start": found["start"], "end": found["end"], "kind": kind, "speaker": speaker and span(speaker), "cue": cue and span(cue)}
        )
    return result


DOC_A = record(
    "a",
    ["“", "我们", "要", "把", "公共", "服务", "作为", "最大", "民生", "普惠", "。", "”", "张建文", "说", "。"],
    entities=[("张建文", "PER")],
    quotes=[("“我们要把公共服务作为最大民生普惠。”", "direct", "张建文", "说")],
)
DOC_B = record(
    "b",
    ["昆山", "高新区", "行政", "审批局", "副", "局长", "严斌", "表示", "，", "效率", "的", "提升", "离不开", "数据", "壁垒", "的", "打通", "。"],
    entities=[("昆山高新区行政审批局", "ORG"), ("严斌", "PER")],
    quotes=[("效率的提升离不开数据壁垒的打通。", "indirect", "严斌", "表示")],
)


def with_layer(base: dict, **layers) -> dict:
    return {**base, **layers}


def test_entity_errors_are_categorised_and_add_up():
    pred = with_layer(
        DOC_B,
        entities=[
            {"start": 0, "end": 2, "label": "LOC"},  # inside the gold ORG: boundary
            {"start": 10, "end": 12, "label": "ORG"},  # 副局: spurious
            {"start": 13, "end": 15, "label": "LOC"},  # 严斌 with the wrong label
        ],
    )
    pairs = [(DOC_B, pred)]
    errors = list_errors(pairs, "entities")
    assert [(e["type"], e["text"], e["category"]) for e in errors] == [
        ("fp", "昆山", "boundary"),
        ("fn", "昆山高新区行政审批局", "boundary"),
        ("fp", "副局", "spurious"),
        ("fn", "严斌", "wrong label"),
        ("fp", "严斌", "wrong label"),
    ]
    scores = evaluate_pairs(pairs)["ner"]
    assert sum(category_counts(errors, "entities").values()) == scores["fp"] + scores["fn"]
    assert entity_confusion(pairs) == {("(none)", "LOC"): 1, ("(none)", "ORG"): 1, ("ORG", "(none)"): 1, ("PER", "LOC"): 1}
    assert errors[0]["left"] == "" and errors[0]["right"] == "高新区行政审批局副局长严"


def test_quote_errors_name_the_speaker_mistake():
    quote_a = DOC_A["quotes"][0]
    pred_a = with_layer(DOC_A, quotes=[{**quote_a, "speaker": None, "cue": None}])
    quote_b = DOC_B["quotes"][0]
    pred_b = with_layer(DOC_B, quotes=[{**quote_b, "start": quote_b["start"] + 2}])
    pairs = [(DOC_A, pred_a), (DOC_B, pred_b)]
    errors = list_errors(pairs, "quotes")
    assert [(e["doc"], e["type"], e["category"]) for e in errors] == [
        ("a", "fn", "missing speaker"),
        ("a", "fp", "missing speaker"),
        ("b", "fn", "boundary"),
        ("b", "fp", "boundary"),
    ]
    assert errors[0]["label"] == "direct ← 张建文" and errors[1]["label"] == "direct ← (no speaker)"
    scores = evaluate_pairs(pairs)["quotes"]["end_to_end"]
    assert sum(category_counts(errors, "quotes").values()) == scores["fp"] + scores["fn"]


def test_segmentation_errors_split_merged_crossing():
    # gold: 昆山|高新区|行政|审批局 ...; prediction: 昆山高新区 (merged) | 行 | 政审 (crossing) | 批局 ...
    pred_tokens = [[0, 5], [5, 6], [6, 8], [8, 10]] + DOC_B["tokens"][4:]
    pairs = [(DOC_B, with_layer(DOC_B, tokens=pred_tokens))]
    errors = list_errors(pairs, "tokens")
    assert [(e["type"], e["text"], e["category"]) for e in errors] == [
        ("fn", "昆山", "merged"),
        ("fp", "昆山高新区", "merged"),
        ("fn", "高新区", "merged"),
        ("fp", "行", "split"),
        ("fn", "行政", "crossing"),
        ("fp", "政审", "crossing"),
        ("fn", "审批局", "crossing"),
        ("fp", "批局", "split"),
    ]
    scores = evaluate_pairs(pairs)["segmentation"]
    assert sum(category_counts(errors, "tokens").values()) == scores["fp"] + scores["fn"]


def test_top_errors_group_and_sort():
    errors = [
        {"doc": d, "type": "fp", "text": t, "label": "LOC", "category": c, "start": 0, "end": 1, "left": "", "right": ""}
        for d, t, c in [("x", "昆山", "boundary"), ("y", "昆山", "spurious"), ("y", "昆山", "boundary"), ("x", "城市", "spurious")]
    ]
    top = top_errors(errors, "fp")
    assert [(r["text"], r["count"], r["documents"], r["category"]) for r in top] == [
        ("昆山", 3, 2, "boundary, spurious"),
        ("城市", 1, 1, "spurious"),
    ]
    assert top[0]["example"]["doc"] == "x" and top_errors(errors, "fn") == []


def test_error_passages_cover_whole_quotes_and_skip_repeats():
    paragraph = "“甲乙丙。”张三说。\n"  # 11 characters
    gold = {"id": "d", "text": paragraph * 2 + "“丁\n戊。”李四说。", "meta": {}}
    gold["quotes"] = [{"start": 22, "end": 28, "kind": "direct", "speaker": None, "cue": None}]
    pred = {**gold, "quotes": []}
    errors = list_errors([(gold, pred)], "quotes")
    passages = error_passages([(gold, pred)], errors, "quotes")
    assert passages == [{"doc": "d", "start": 22, "end": 32, "errors": 1}]  # both lines the quote runs over
    # a paragraph repeated with its errors shows once
    quote = {"kind": "direct", "speaker": None, "cue": None}
    twice = {**gold, "quotes": [{"start": 0, "end": 6, **quote}, {"start": 11, "end": 17, **quote}]}
    errors = list_errors([(twice, pred)], "quotes")
    assert [(p["start"], p["end"]) for p in error_passages([(twice, pred)], errors, "quotes")] == [(0, 10)]


def test_corpus_statistics():
    long = "这是一段足够长的重复的段落文字。"
    docs = [{"id": "a", "text": f"{long}\n短\n短\n"}, {"id": "b", "text": f"\n{long}\n另一段不重复的文字，也够长。"}]
    texts = text_stats(docs)
    assert texts == {
        "documents": 2,
        "characters": sum(len(d["text"]) for d in docs),
        "paragraphs": 5,
        "repeated_paragraphs": 1,
        "repeated_copies": 1,
        "top_repeated": [{"text": long, "count": 2, "documents": ["a", "b"]}],
    }
    gold_only_quotes = {"id": "c", "text": DOC_A["text"], "quotes": DOC_A["quotes"], "meta": {}}
    stats = layer_stats([(DOC_A, DOC_A), (DOC_B, DOC_B), (gold_only_quotes, DOC_A)], side=0)
    assert stats["entities"] == 3 and stats["entities_per_label"] == {"ORG": 1, "PER": 2}
    assert stats["tokens_documents"] == 2 and stats["quotes_documents"] == 3
    assert stats["quotes_per_kind"] == {"direct": 2, "indirect": 1}
    assert stats["top_speakers"] == [{"speaker": "张建文", "quotes": 2}, {"speaker": "严斌", "quotes": 1}]


def test_compare_takes_differences_from_the_first():
    base = {"documents": 1, "ner": {"p": 0.5, "r": 0.5, "f": 0.5, "tp": 1, "fp": 1, "fn": 1, "per_label": {}}}
    better = {"documents": 1, "ner": {"p": 0.75, "r": None, "f": 0.25, "tp": 1, "fp": 1, "fn": 1, "per_label": {}}}
    rows = {row["metric"]: row for row in compare([base, better])}
    assert rows["entities P"]["deltas"] == [0.0, 0.25]
    assert rows["entities R"]["deltas"] == [0.0, None]
    assert rows["entities F1"]["values"] == [0.5, 0.25]


# ---------------------------------------------------------------- `nlp report`: segmenters side by side


def test_report_compares_segmenters(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(dumps(r) + "\n" for r in (DOC_A, DOC_B)), encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("我们\n公共\n服务\n作为\n数据\n", encoding="utf-8")
    predictions = []
    for segmenter in ("jieba", "char"):  # pkuseg needs a trained model, which is not in the repository
        predictions.append(tmp_path / f"{segmenter}.jsonl")
        invoke("annotate", gold, "-o", predictions[-1], "--segmenter", segmenter, "--quiet")
    md, html, scores = tmp_path / "cmp.md", tmp_path / "cmp.html", tmp_path / "cmp.json"
    output = invoke("report", gold, *predictions, "--md", md, "--html", html, "--json", scores, "--train-words", words)
    assert "Δ char" in output
    result = json.loads(scores.read_text("utf-8"))
    assert set(result["systems"]) == {"jieba", "char"} and result["baseline"] == "jieba"
    assert set(result["differences"]) == {"char"}
    for metric, key in (("words F1", "f"), ("words P", "p"), ("words oov_recall", "oov_recall")):
        expected = result["systems"]["char"]["scores"]["segmentation"][key] - result["systems"]["jieba"]["scores"]["segmentation"][key]
        assert result["differences"]["char"][metric] == pytest.approx(expected)
    char = result["systems"]["char"]["scores"]["segmentation"]
    assert char["f"] < result["systems"]["jieba"]["scores"]["segmentation"]["f"]
    assert {"oov_rate", "oov_recall", "iv_recall"} <= set(char)
    text = md.read_text("utf-8")
    assert "| metric | jieba | char | Δ char |" in text
    assert re.search(r"^\| char \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| \d+ \| \d+ \| \d+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$", text, re.M)
    assert "### Segmentation" in text and "| split |" in text
    page = html.read_text("utf-8")
    assert page.count("<img ") == 2 + 2  # F1 per label, errors by category, one confusion per system
    assert "Δ char − jieba" in page


def test_report_rejects_clashing_names(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(dumps(DOC_A) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(gold), str(gold), str(gold)])
    assert result.exit_code == 2 and "--name" in result.output


# ---------------------------------------------------------------- the HTML in headless Chromium


def chromium(tmp_path: Path, url: str, *options: str) -> subprocess.CompletedProcess:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", *options, url,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for, from a Chromium NetLog.

    Chromium also talks to Google on its own (component updater, time, accounts) whatever the
    flags; those requests carry no page in their network isolation key. A request made for a
    page opened from file:// is keyed by the file:// site, which is what this looks for.
    """
    text = net_log.read_text("utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # Chromium killed before it closed the log
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if names[event["type"]] == "URL_REQUEST_START_JOB" and "file://" in params.get("network_isolation_key", ""):
            urls.append(params["url"])
    return urls


@needs_chromium
def test_chromium_renders_the_report(reports, tmp_path):
    report = reports[0]["html"]
    screenshot = tmp_path / "report.png"
    chromium(tmp_path, report.as_uri(), f"--screenshot={screenshot}", "--window-size=1280,2000")
    assert screenshot.exists() and screenshot.stat().st_size > 50_000
    pixels = matplotlib.image.imread(screenshot)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 0.1  # text, tables and colour, not a blank page
    dom = chromium(tmp_path, report.as_uri(), "--dump-dom").stdout
    assert dom.count("<table") >= 10
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', dom)) == 3
    assert "昆山高新区" in dom and "Errors in place" in dom


@needs_chromium
def test_net_log_catches_a_page_request(tmp_path):
    """The detector below is only worth something if it sees a request the page does make."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = tmp_path / "fetch.html"
        page.write_text(f'<!DOCTYPE html><p>fixture</p><img src="http://127.0.0.1:{server.server_port}/x">', encoding="utf-8")
        net_log = tmp_path / "netlog.json"
        chromium(tmp_path, page.as_uri(), f"--log-net-log={net_log}", "--dump-dom")
    finally:
        server.shutdown()
    assert seen == ["/x"]
    assert page_requests(net_log) == [f"http://127.0.0.1:{server.server_port}/x"]


@needs_chromium
def test_report_makes_no_network_request(reports, tmp_path):
    net_log = tmp_path / "netlog.json"
    dom = chromium(tmp_path, reports[0]["html"].as_uri(), f"--log-net-log={net_log}", "--dump-dom").stdout
    assert "Evaluation report" in dom
    assert page_requests(net_log) == []
