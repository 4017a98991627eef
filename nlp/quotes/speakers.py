"""Who said it: the speaker mention inside the subject clause of a cue."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

PRONOUNS = re.compile("他们|她们|他|她")
# Leading words of a clause that are never part of the speaker (连词、介词短语的头).
LEADING = re.compile(r"^(?:但是|但|而且|而|并且|并|同时|此外|对此|为此|因此|所以|随后|接着|最后|首先|其中|据|当|在)")
TRAILING = re.compile(r"(?:也|还|又|都|则|就|便|曾|曾经|再次|一再|多次|同时|进一步|明确|反复)$")
SPEAKER_LABELS = ("PER", "ORG")
# A name right after a title that ends the clause (管委会副主任张建文说): found even when NER misses it.
TITLES = (
    "书记|副书记|主任|副主任|局长|副局长|总经理|副总经理|经理|董事长|主席|副主席|部长|副部长|厅长|市长|副市长|县长|"
    "省长|区长|镇长|乡长|村长|院长|校长|所长|处长|科长|司长|总理|副总理|委员|代表|记者|发言人|负责人|教授|研究员|"
    "工程师|队长|会长|秘书长|总裁|总监|主管|站长|馆长|行长|团长|政委|大使|总统|首相|外长|主持人|专家|老师|医生|律师"
)
NAME_AFTER_TITLE = re.compile(f"(?:{TITLES})(?P<name>[\u4e00-\u9fff]{{2,3}})$")


def find_speaker(doc: Doc, start: int, end: int) -> Span | None:
    """The speaker mentioned in doc.text[start:end], the subject clause of a cue."""
    inside = [e for e in doc.ents if start <= e.start_char and e.end_char <= end]
    people = [e for e in inside if e.label_ == "PER"]
    if people:
        return people[-1]
    titled = NAME_AFTER_TITLE.search(doc.text, start, end)
    if titled:
        return _span(doc, *titled.span("name"))
    for label in SPEAKER_LABELS:
        mentions = [e for e in inside if e.label_ == label]
        if mentions:
            return mentions[-1]
    clause = doc.text[start:end]
    pronoun = None
    for match in PRONOUNS.finditer(clause):
        pronoun = match
    if pronoun is not None:
        referent = resolve_person(doc, start + pronoun.start())
        if referent is not None:
            return referent
        return _span(doc, start + pronoun.start(), start + pronoun.end())
    return describe(doc, start, end)


def resolve_person(doc: Doc, before: int) -> Span | None:
    """The fullest name of the most recent person mentioned before a character offset."""
    people = [e for e in doc.ents if e.label_ == "PER"]
    recent = [e for e in people if e.end_char <= before]
    if not recent:
        return None
    last = recent[-1]
    fuller = [e for e in people if last.text in e.text and len(e.text) > len(last.text)]
    return max(fuller, key=lambda e: len(e.text)) if fuller else last


def describe(doc: Doc, start: int, end: int) -> Span | None:
    """A short description standing for the speaker (一位村民, 网友), trimmed of connectives."""
    clause = doc.text[start:end]
    lead = LEADING.match(clause)
    if lead:
        start += lead.end()
    trail = TRAILING.search(doc.text[start:end])
    if trail:
        end = start + trail.start()
    text = doc.text[start:end]
    stripped = text.strip()
    if not stripped or len(stripped) > 12:
        return None
    start += len(text) - len(text.lstrip())
    return _span(doc, start, start + len(stripped))


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="contract") or doc.char_span(start, end, alignment_mode="expand")
