"""The batch job behind `nlp annotate`: inputs -> pipeline -> annotated corpus, never losing work."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from nlp.corpus import CorpusWriter, InputDoc, InputError, doc_to_record, dumps, iter_inputs
from nlp.pipeline import build_pipeline
from nlp.segment import UserWord


@dataclass
class AnnotateReport:
    annotated: int = 0
    resumed: int = 0
    errors: list[InputError] = field(default_factory=list)
    chars: int = 0

    @property
    def ok(self) -> bool:
        return self.annotated + self.resumed > 0


def annotate(
    inputs: Iterable[str],
    output: str,
    *,
    segmenter: str,
    n_process: int = 1,
    batch_size: int = 64,
    resume: bool = False,
    encoding: str = "utf-8",
    user_words: list[UserWord] = (),
    entities: list[dict] | None = None,
    on_error: Callable[[InputError], None] = lambda error: None,
    on_progress: Callable[[int], None] = lambda chars: None,
) -> AnnotateReport:
    """Annotate every input document into OUTPUT, in input order.

    Bad input is reported through on_error and skipped; a document the pipeline fails on is
    reported the same way. USER_WORDS stay whole in the segmenter; ENTITIES are gazetteer
    patterns that win over the NER model. The output is complete only when this returns.
    """
    pipeline = build_pipeline(segmenter, user_words, entities)
    writer = CorpusWriter(output, resume=resume)
    report = AnnotateReport()

    def to_annotate() -> Iterator[tuple[str, InputDoc]]:
        for item in iter_inputs(inputs, encoding):
            if isinstance(item, InputError):
                report.errors.append(item)
                on_error(item)
            elif writer.is_done(item.id):
                # an empty text keeps the document's place in the batches: output keeps input order
                yield "", item
            else:
                yield item.text, item

    def failed(name, component, docs, error) -> None:
        # spaCy keeps the context of as_tuples on the doc (the InputDoc it came from); a worker
        # process reports its failure without the docs
        for doc in docs or [None]:
            source = getattr(getattr(doc, "_context", None), "source", None) or "<worker process>"
            item = InputError(source, None, f"{name or 'pipeline'} failed: {error!r}")
            report.errors.append(item)
            on_error(item)

    pipeline.set_error_handler(failed)
    meta = {"segmenter": segmenter, "pipeline": pipeline.pipe_names}
    try:
        for doc, item in pipeline.pipe(to_annotate(), as_tuples=True, n_process=n_process, batch_size=batch_size):
            if writer.is_done(item.id):
                writer.write_done(item.id)
                report.resumed += 1
                continue
            writer.write(doc_to_record(doc, item.id, {**meta, "source": item.source}))
            report.annotated += 1
            report.chars += len(item.text)
            on_progress(len(item.text))
    except BaseException:
        writer.abandon()
        raise
    writer.close()
    return report


def write_errors(path: str, errors: list[InputError]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for error in errors:
            handle.write(dumps(error.to_record()) + "\n")


def print_error(error: InputError) -> None:
    print(f"error: {error.describe()}", file=sys.stderr)
