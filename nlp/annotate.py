"""The batch job behind `nlp annotate`: inputs -> pipeline -> annotated corpus, never losing work.

The documents run through the pipeline in this process (spaCy's nlp.pipe) or in worker processes,
local or on a Dask cluster (nlp/parallel.py); either way the output is written here, in input
order, through the resumable CorpusWriter.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.util import minibatch

from nlp.corpus import CorpusWriter, InputDoc, InputError, doc_to_record, dumps, iter_inputs
from nlp.hygiene import hygiene_meta, mask_repeated, unmask_repeated
from nlp.pipeline import DEFAULT_SEGMENTER, build_pipeline
from nlp.segment import UserWord, cut_ahead

MEMORY_ZONE_DOCS = 1000
OnError = Callable[[InputError], None]


@dataclass(frozen=True)
class Record:
    """An annotated document as it leaves the pipeline, in this process or a worker's."""

    line: str  # the record, serialised by dumps()
    warnings: tuple[str, ...] = ()  # those of its meta, for the caller to print


# (document, its record); None: the record is already in the output (--resume)
Annotated = Iterator[tuple[InputDoc, "Record | None"]]


@dataclass(frozen=True)
class PipelineSettings:
    """Everything that builds the pipeline; hashable and picklable, so that a Dask worker can
    build the pipeline once and keep it for every partition it is given."""

    segmenter: str = DEFAULT_SEGMENTER
    user_words: tuple[UserWord, ...] = ()
    entities_json: str = "[]"  # entity-ruler patterns, as JSON so that the settings hash
    exclude: tuple[str, ...] = ()
    dedupe: bool = False  # leave repeated paragraphs out of annotation (nlp.hygiene)

    @classmethod
    def of(
        cls,
        segmenter: str = DEFAULT_SEGMENTER,
        user_words: Iterable[UserWord] = (),
        entities: list[dict] | None = None,
        exclude: Iterable[str] = (),
        dedupe: bool = False,
    ) -> "PipelineSettings":
        entities_json = json.dumps(entities or [], ensure_ascii=False, sort_keys=True)
        return cls(segmenter, tuple(user_words), entities_json, tuple(exclude), dedupe)

    def build(self) -> Language:
        return build_pipeline(self.segmenter, list(self.user_words), json.loads(self.entities_json) or None, self.exclude)


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
    settings: PipelineSettings = PipelineSettings(),
    n_process: int = 1,
    batch_size: int = 64,
    partition_size: int = 64,
    resume: bool = False,
    encoding: str = "utf-8",
    strict_encoding: bool = False,
    workers=None,
    on_error: OnError = lambda error: None,
    on_warning: Callable[[InputDoc, str], None] | None = None,
    on_progress: Callable[[int], None] = lambda chars: None,
) -> AnnotateReport:
    """Annotate every input document into OUTPUT, in input order.

    Bad input is reported through on_error and skipped; so is a document the pipeline fails on.
    A document annotated with warnings in its meta is also reported through on_warning.
    The pipeline runs in this process, in N_PROCESS local worker processes, or on the WORKERS of
    an nlp.parallel.PartitionAnnotator (a Dask cluster). The output is complete only when this
    returns.
    """
    writer = CorpusWriter(output, resume=resume)
    report = AnnotateReport()

    def failed(error: InputError) -> None:
        report.errors.append(error)
        on_error(error)

    def documents() -> Iterator[InputDoc]:
        for item in iter_inputs(inputs, encoding, strict_encoding):
            if isinstance(item, InputError):
                failed(item)
            else:
                yield item

    own_workers = workers is None and n_process > 1
    if own_workers:
        from nlp.parallel import PartitionAnnotator

        workers = PartitionAnnotator.local(n_process, partition_size=partition_size, batch_size=batch_size)
    if workers is None:
        annotated = annotate_here(documents(), writer.is_done, settings, batch_size, failed)
    else:
        annotated = workers.annotate(documents(), writer.is_done, settings, failed)
    try:
        for item, record in annotated:
            if record is None:
                writer.write_done(item.id)
                report.resumed += 1
                continue
            writer.write_line(record.line)
            for warning in record.warnings if on_warning else ():
                on_warning(item, warning)
            report.annotated += 1
            report.chars += len(item.text)
            on_progress(len(item.text))
    except BaseException:
        writer.abandon()
        raise
    finally:
        if own_workers:
            workers.close()
    writer.close()
    return report


def annotate_here(
    items: Iterable[InputDoc],
    is_done: Callable[[str], bool],
    settings: PipelineSettings,
    batch_size: int,
    on_error: OnError,
    pipeline: Language | None = None,
) -> Annotated:
    """Run the pipeline in this process; yields the documents it annotated, in input order."""
    pipeline = pipeline or settings.build()
    pipeline.set_error_handler(error_handler(on_error))
    # an empty text keeps a finished document's place in the batches: output keeps input order
    prepare = mask_repeated if settings.dedupe else str
    texts = (("" if is_done(item.id) else prepare(item.text), item) for item in items if not _too_long(item, pipeline, on_error))
    for chunk in minibatch(texts, MEMORY_ZONE_DOCS):
        # the strings and lexemes of a chunk's docs are freed after it: memory stays flat on any corpus
        with pipeline.memory_zone():
            cut_ahead(pipeline, [text for text, _ in chunk])
            for doc, item in pipeline.pipe(chunk, as_tuples=True, batch_size=batch_size):
                yield item, None if is_done(item.id) else make_record(doc, item, settings, pipeline.pipe_names)


def _too_long(item: InputDoc, pipeline: Language, on_error: OnError) -> bool:
    """spaCy refuses a text over its max_length for the whole batch: report it as this document's own failure."""
    if len(item.text) <= pipeline.max_length:
        return False
    on_error(InputError(item.source, item.line, f"{len(item.text)} characters, more than the pipeline's max_length of {pipeline.max_length}"))
    return True


def make_record(doc, item: InputDoc, settings: PipelineSettings, pipe_names: list[str]) -> Record:
    meta = {"segmenter": settings.segmenter, "pipeline": pipe_names, "source": item.where, **item.meta}
    meta.update(deduped=settings.dedupe, **hygiene_meta(item.text))
    record = doc_to_record(doc, item.id, meta)
    line = dumps(unmask_repeated(record, item.text) if settings.dedupe else record)
    return Record(line, tuple(meta.get("warnings", ())))


def error_handler(on_error: OnError):
    """spaCy's error handler: a document a stage fails on is reported, and only it is lost."""

    def failed(name, component, docs, error) -> None:
        for doc in docs:
            # spaCy keeps the context of as_tuples on the doc: the InputDoc it came from
            on_error(InputError(doc._context.where, None, f"{name or 'pipeline'} failed: {error!r}"))

    return failed


def write_errors(path: str, errors: list[InputError]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for error in errors:
            handle.write(dumps(error.to_record()) + "\n")


def print_error(error: InputError) -> None:
    print(f"error: {error.describe()}", file=sys.stderr)


def print_warning(item: InputDoc, warning: str) -> None:
    print(f"warning: {item.where}: {warning}", file=sys.stderr)
