"""Scraping damage in a news text: paragraphs repeated verbatim and paragraphs cut mid-sentence.

Pure functions of the text. A paragraph is a line holding something other than whitespace (news
text puts one paragraph on a line); its span is the line without the whitespace around it, so
offsets index the untouched text.

- Repeated: a paragraph whose text equals that of an earlier paragraph of the same document and
  is at least MIN_REPEATED_PARAGRAPH characters long. Shorter lines are bylines, datelines and
  "（完）", whose repetition says nothing about scraping.
- Cut: a paragraph of running prose (it holds a Chinese comma, full stop, semicolon, exclamation
  or question mark) whose last character does not end a sentence or hand over to the next
  paragraph (a colon or a closing quotation mark or bracket does). Headings, bylines and picture
  captions carry no such punctuation and are not cut; a Markdown heading (`#`) never is.

- Warnings: a top-level quotation mark that never closes (nlp/quotes/marks.py drops it rather than
  let it swallow the paragraphs after it), named by its offset in meta["warnings"].

`--dedupe` annotates the text with its repeated paragraphs blanked out (mask_repeated) and puts
the original text back into the record (unmask_repeated): the pipeline never sees a repeated
paragraph, so no entity, quote, speaker or cue starts or ends in one, and every offset still
indexes the original text. A quote running over paragraphs runs over a blanked one as it would
in the text without it. The tokens of a repeated paragraph are those of its first occurrence,
shifted, so that the tokens still tile the text.
"""

from __future__ import annotations

from nlp.quotes.marks import unclosed_marks

MIN_REPEATED_PARAGRAPH = 10
SENTENCE_END = "。！？…；.!?;"
# A colon opens a list or a quote in the next paragraph. A closing mark mostly follows the stop
# of a quoted sentence (“……。”); a paragraph ending on a quoted term is left unflagged rather
# than guessed at.
HANDS_OVER = "：:”’」』）》】〕)]\"'"
# Prose has clauses; headings, bylines and captions do not.
PROSE_PUNCT = "，。；！？"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph, whitespace around it excluded; lines break where
    str.splitlines breaks them."""
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        content = line.strip()
        if content:
            start = offset + len(line) - len(line.lstrip())
            spans.append((start, start + len(content)))
        offset += len(line)
    return spans


def repeated_paragraphs(text: str) -> list[dict]:
    """Every repetition of an earlier paragraph, with the start of its first occurrence."""
    first: dict[str, int] = {}
    repeated = []
    for start, end in paragraphs(text):
        content = text[start:end]
        if len(content) < MIN_REPEATED_PARAGRAPH:
            continue
        if content in first:
            repeated.append({"start": start, "end": end, "first": first[content]})
        else:
            first[content] = start
    return repeated


def cut_paragraphs(text: str) -> list[dict]:
    """Paragraphs of prose that stop mid-sentence."""
    return [{"start": start, "end": end} for start, end in paragraphs(text) if _is_cut(text[start:end])]


def _is_cut(paragraph: str) -> bool:
    if paragraph.startswith("#") or paragraph[-1] in SENTENCE_END + HANDS_OVER:
        return False
    return any(char in PROSE_PUNCT for char in paragraph)


def text_warnings(text: str) -> list[str]:
    """What a reader of the record should know of TEXT: a quotation mark that never closes is
    scraping damage or a typo, and the quote stage leaves it out."""
    return [f"unclosed quote mark at offset {start}" for start in unclosed_marks(text)]


def hygiene_meta(text: str) -> dict:
    """The record's meta entries for the repeated and cut paragraphs of TEXT, and its warnings if any."""
    meta = {"repeated_paragraphs": repeated_paragraphs(text), "cut_paragraphs": cut_paragraphs(text)}
    warnings = text_warnings(text)
    if warnings:
        meta["warnings"] = warnings
    return meta


def mask_repeated(text: str) -> str:
    """TEXT with every repeated paragraph replaced by spaces: same length, same offsets, and a
    blank line where the paragraph was."""
    chars = list(text)
    for repeat in repeated_paragraphs(text):
        chars[repeat["start"] : repeat["end"]] = " " * (repeat["end"] - repeat["start"])
    return "".join(chars)


def unmask_repeated(record: dict, text: str) -> dict:
    """The record of the masked TEXT made a record of TEXT: the original text back, and the
    tokens of each repeated paragraph copied from its first occurrence."""
    tokens = list(record["tokens"])
    for repeat in repeated_paragraphs(text):
        shift = repeat["start"] - repeat["first"]
        first_end = repeat["end"] - shift
        tokens += [[s + shift, e + shift] for s, e in record["tokens"] if repeat["first"] <= s and e <= first_end]
    return {**record, "text": text, "tokens": sorted(tokens)}
