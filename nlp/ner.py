"""The named-entity stage.

`posseg_ner` is the first, dictionary-and-HMM version: jieba.posseg's person (nr*), place (ns)
and organisation (nt) tags become PER / LOC / ORG entities. It runs on the raw text, so its
spans do not depend on the segmenter, and is replaced by a trained model when one ships.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

POSSEG_LABELS = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG"}


@Language.factory("posseg_ner", default_config={"labels": POSSEG_LABELS})
def make_posseg_ner(nlp: Language, name: str, labels: dict[str, str]) -> "PossegNER":
    return PossegNER(labels)


class PossegNER:
    def __init__(self, labels: dict[str, str]):
        import jieba.posseg

        self.tagger = jieba.posseg.dt
        self.labels = labels

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for start, end, label in self.entity_offsets(doc.text):
            span = doc.char_span(start, end, label=label, alignment_mode="contract")
            if span is not None and len(span):
                spans.append(span)
        doc.ents = filter_spans(spans)
        return doc

    def entity_offsets(self, text: str) -> list[tuple[int, int, str]]:
        found, offset = [], 0
        for pair in self.tagger.cut(text):
            start = text.index(pair.word, offset)
            offset = start + len(pair.word)
            label = self.labels.get(pair.flag)
            if label and pair.word.strip():
                found.append((start, offset, label))
        return found
