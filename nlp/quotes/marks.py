"""Top-level quotation-mark spans of a text.

Nested marks (‘…’ or 「…」 inside “…”) belong to the outer span. A quote that runs over several
paragraphs, each paragraph opening a mark and only the last one closing it, is one span.
Unbalanced marks (scraping noise) are dropped rather than allowed to swallow the text, save one
that opens the words of a colon or the last paragraph and runs, with no other mark, to the end of
a text cut short.
"""

from __future__ import annotations

from typing import Iterator

PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}
TOP_LEVEL_OPENERS = ("“", "「", "『")


def quote_spans(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in _top_level_marks(text) if end is not None]


def unclosed_marks(text: str) -> list[int]:
    """Offsets of the top-level opening marks that never close, and so open no quote."""
    return [start for start, end in _top_level_marks(text) if end is None]


def _top_level_marks(text: str) -> Iterator[tuple[int, int | None]]:
    """(start, end) of every top-level opening mark; end is None when the mark never closes."""
    i, n = 0, len(text)
    while i < n:
        if text[i] in TOP_LEVEL_OPENERS:
            end = _find_close(text, i)
            if end is None and _runs_to_the_end(text, i):
                end = len(text.rstrip())
            yield i, end
            if end is not None:
                i = end
                continue
        i += 1


def _runs_to_the_end(text: str, start: int) -> bool:
    """An opening mark after a colon, or opening the last paragraph, whose words run to the end of a
    text cut short (他说：“公司近期主要任务是……企业。 with no closing mark, no mark after it)."""
    rest = text[start + 1 :]
    opens_words = start == 0 or text[start - 1] in "：:\n"
    return opens_words and "\n" not in rest.rstrip() and not any(mark in rest for mark in (*TOP_LEVEL_OPENERS, *PAIRS.values()))


def _find_close(text: str, start: int) -> int | None:
    """End (exclusive) of the quote opened at start, or None when it never closes properly."""
    stack = [PAIRS[text[start]]]
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\n":
            resumed = _next_paragraph_reopens(text, i, text[start])
            if resumed is None:
                return None
            i = resumed
            continue
        if char == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        elif _typed_for_close(text, start, i, len(stack)):
            return i + 1
        elif char in PAIRS and len(stack) < 3:
            stack.append(PAIRS[char])
        elif char in PAIRS.values() and char in stack:
            # a nested mark left open inside: close back to the matching level
            while stack and stack[-1] != char:
                stack.pop()
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return None


def _typed_for_close(text: str, start: int, i: int, depth: int) -> bool:
    """An opening mark typed where the closing one belongs: right after the end of a sentence of
    the quote, with no closing mark left in the paragraph (……在等着我们……“赵天衡说。)."""
    paragraph_end = text.find("\n", i)
    rest = text[i + 1 : len(text) if paragraph_end < 0 else paragraph_end]
    return depth == 1 and text[i] == text[start] and text[i - 1] in "。！？!?…" and PAIRS[text[start]] not in rest


def _next_paragraph_reopens(text: str, newline: int, opener: str) -> int | None:
    """Position after the opening mark of the next paragraph if it continues the quote."""
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and text[j] == opener:
        return j + 1
    return None
