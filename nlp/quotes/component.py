"""The quote stage: direct and indirect speech with speaker, cue and kind, in doc.spans["quotes"].

A quotation-mark span is speech only when something attributes it: a cue before it (某某说：“……”),
a cue after it (“……”某某说), a cue whose whole object it is (称“太恐怖”), or a neighbouring
speech quote of the same turn that it continues. Every other quoted span (terms, names,
slogans, scare quotes) is left alone; in Chinese news they outnumber speech several times.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.quotes import cues
from nlp.quotes.marks import quote_spans
from nlp.quotes.speakers import find_speaker

# Punctuation that may close a quote used as the whole object of a cue (称“太恐怖”。).
OBJECT_END = set("。，！？；、…：,.!?;\n")
SPEECH_PUNCT = set("。！？，；…!?,;")

for _name in ("kind", "speaker", "cue"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@dataclass
class Attribution:
    speaker: Span | None
    cue: Span | None
    clause_end: int  # where the attributing clause after a quote ends (for the indirect tail)


@Language.factory("quotes", default_config={"spans_key": "quotes", "max_subject_chars": 30})
def make_quote_finder(nlp: Language, name: str, spans_key: str, max_subject_chars: int) -> "QuoteFinder":
    return QuoteFinder(spans_key, max_subject_chars)


class QuoteFinder:
    def __init__(self, spans_key: str = "quotes", max_subject_chars: int = 30):
        self.spans_key = spans_key
        self.max_subject_chars = max_subject_chars

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        marks = quote_spans(text)
        attributed: dict[tuple[int, int], Attribution] = {}
        for start, end in marks:
            found = self._before(doc, start, end) or self._after(doc, start, end)
            if found is not None:
                attributed[(start, end)] = found
        for start, end in marks:
            if (start, end) not in attributed and _reads_as_speech(text, start, end):
                neighbour = _same_turn_neighbour(text, (start, end), attributed)
                if neighbour is not None:
                    attributed[(start, end)] = Attribution(neighbour.speaker, None, end)
        quotes = [self._span(doc, s, e, "direct", a) for (s, e), a in sorted(attributed.items())]
        quotes += self._indirect(doc, marks, attributed)
        doc.spans[self.spans_key] = sorted((q for q in quotes if q is not None), key=lambda q: q.start_char)
        return doc

    # ------------------------------------------------------------ direct speech

    def _before(self, doc: Doc, start: int, end: int) -> Attribution | None:
        text = doc.text
        window_start = max(0, start - self.max_subject_chars - 12)
        match = cues.cue_before_quote().search(text, window_start, start)
        if match is None:
            return None
        cue_start, cue_end = match.span("cue")
        if cues.is_naming_cheng(text, cue_start, match["cue"]):
            return None
        follows = text[end : end + 1]
        if not match["punct"] and follows and follows not in OBJECT_END:
            return None  # 表示“……”改革: the quote is part of a noun phrase, not the object
        if match["punct"] and follows and follows not in OBJECT_END and not _reads_as_speech(text, start, end):
            return None  # 他表示，“放管服”改革……: a quoted term inside reported speech
        clause_start = _clause_start(text, cue_start, self.max_subject_chars)
        speaker = find_speaker(doc, clause_start, cue_start)
        return Attribution(speaker, _char_span(doc, cue_start, cue_end), end)

    def _after(self, doc: Doc, start: int, end: int) -> Attribution | None:
        match = cues.cue_after_quote().match(doc.text, end)
        if match is None:
            return None
        subject_start, subject_end = match.span("subject")
        speaker = find_speaker(doc, subject_start, subject_end)
        if speaker is None or not (_reads_as_speech(doc.text, start, end) or speaker.label_ == "PER"):
            return None
        cue_start, cue_end = match.span("cue")
        return Attribution(speaker, _char_span(doc, cue_start, cue_end), cue_end)

    # ------------------------------------------------------------ indirect speech

    def _indirect(self, doc: Doc, marks: list[tuple[int, int]], attributed: dict) -> list[Span | None]:
        """某某表示，……。 with no quote marks: the content up to the end of its sentence."""
        text = doc.text
        found = []
        for match in cues.cue_opening_indirect().finditer(text):
            cue_start, cue_end = match.span("cue")
            if any(s <= cue_start < e for s, e in marks):
                continue
            content_start = match.end()
            content_end = _sentence_end(text, content_start)
            if content_end - content_start < 4 or any(content_start <= s < content_end and (s, e) in attributed for s, e in marks):
                continue
            after_quote = next(((s, e) for (s, e), a in attributed.items() if a.clause_end == cue_end), None)
            if after_quote is not None:
                attribution = attributed[after_quote]
                speaker, cue = attribution.speaker, attribution.cue
            else:
                clause_start = _clause_start(text, cue_start, self.max_subject_chars)
                speaker = find_speaker(doc, clause_start, cue_start)
                if speaker is None or speaker.label_ not in ("PER", "ORG"):
                    continue
                cue = _char_span(doc, cue_start, cue_end)
            found.append(self._span(doc, content_start, content_end, "indirect", Attribution(speaker, cue, content_end)))
        return found

    def _span(self, doc: Doc, start: int, end: int, kind: str, attribution: Attribution) -> Span | None:
        span = _char_span(doc, start, end)
        if span is not None:
            span._.kind = kind
            span._.speaker = attribution.speaker
            span._.cue = attribution.cue
        return span


def _char_span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="contract") or doc.char_span(start, end, alignment_mode="expand")


def _clause_start(text: str, cue_start: int, limit: int) -> int:
    start = cue_start
    while start > 0 and cue_start - start < limit and text[start - 1] not in cues.SUBJECT_BREAK:
        start -= 1
    return start


def _sentence_end(text: str, start: int) -> int:
    i = start
    depth = 0
    while i < len(text) and text[i] != "\n":
        char = text[i]
        if char in "“「『":
            depth += 1
        elif char in "”」』":
            depth = max(0, depth - 1)
        elif char in cues.SENTENCE_END and depth == 0:
            return i + 1
        i += 1
    return len(text[:i].rstrip()) if i >= len(text) or text[i] == "\n" else i


def _reads_as_speech(text: str, start: int, end: int) -> bool:
    """A quote whose content is a clause: it holds clause punctuation or ends a sentence."""
    content = text[start + 1 : end - 1]
    return len(content) >= 6 and any(ch in SPEECH_PUNCT for ch in content)


def _same_turn_neighbour(text: str, span: tuple[int, int], attributed: dict) -> Attribution | None:
    """The attributed quote of the same paragraph or the next one, nearest first."""
    start, end = span
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    same_paragraph = [(s, e) for (s, e) in attributed if para_start <= s and e <= para_end]
    if same_paragraph:
        nearest = min(same_paragraph, key=lambda q: min(abs(q[0] - end), abs(start - q[1])))
        return attributed[nearest]
    if text[para_start:start].strip() or text[end:para_end].strip():
        return None  # a quote inside narrative with no speaker near it
    # a paragraph that is one quote continues the turn of a quote opening the next paragraph
    next_start = len(text) - len(text[para_end:].lstrip())
    return next((a for (s, _), a in attributed.items() if s == next_start), None)
