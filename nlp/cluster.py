"""Annotation on a Dask distributed cluster: `nlp annotate --dask-scheduler ADDRESS | --dask-local N`.

This process reads the inputs and writes the output; workers only run the pipeline. The input
is cut into partitions of documents, sent to workers as tasks; each worker builds the pipeline
once (cached per settings) and returns the records of a partition as JSON lines. Results are
written in input order as they come in, with a bounded number of partitions in flight, so memory
stays flat on any input. When a worker dies, the scheduler gives its partitions to another worker
(Dask re-runs lost tasks), and since a partition is written only when it is whole, nothing is lost
or written twice. Records are made by the same code as on one machine: same bytes.
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable

from spacy.language import Language

from nlp.annotate import Annotated, OnError, PipelineSettings, annotate_here
from nlp.corpus import InputDoc, InputError

# a worker that died with a partition is not the partition's fault: let it be retried this often
DASK_CONFIG = {"distributed.scheduler.allowed-failures": 5}


@lru_cache(maxsize=2)
def worker_pipeline(settings: PipelineSettings) -> Language:
    return settings.build()


def annotate_partition(settings: PipelineSettings, docs: list[InputDoc], batch_size: int) -> tuple[list[tuple[int, str]], list[InputError]]:
    """Runs on a worker: (index in DOCS, record line) for each document annotated, and the failures."""
    errors: list[InputError] = []
    index = {id(doc): i for i, doc in enumerate(docs)}
    annotated = annotate_here(docs, lambda doc_id: False, settings, 1, batch_size, errors.append, worker_pipeline(settings))
    return [(index[id(item)], line) for item, line in annotated], errors


class DaskAnnotator:
    """Sends partitions of documents to a Dask cluster and yields the records in input order."""

    def __init__(self, client, partition_size: int = 64, batch_size: int = 64, in_flight_per_worker: int = 2):
        self.client = client
        self.partition_size = partition_size
        self.batch_size = batch_size
        self.in_flight_per_worker = in_flight_per_worker

    @classmethod
    def connect(cls, scheduler: str | None = None, local_workers: int = 0, **options) -> "DaskAnnotator":
        """A client of the scheduler at SCHEDULER, or of a new local cluster of LOCAL_WORKERS
        single-threaded worker processes (spaCy pipelines are not shared between threads)."""
        import dask
        from distributed import Client, LocalCluster

        dask.config.set(DASK_CONFIG)
        if scheduler:
            return cls(Client(scheduler), **options)
        cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return cls(Client(cluster), **options)

    def close(self) -> None:
        cluster = self.client.cluster
        self.client.close()
        if cluster is not None:
            cluster.close()

    def annotate(self, items: Iterable[InputDoc], is_done: Callable[[str], bool], settings: PipelineSettings, on_error: OnError) -> Annotated:
        items = iter(items)
        pending: deque = deque()
        while True:
            partition = list(islice(items, self.partition_size))
            if partition:
                pending.append((partition, self._submit(settings, [d for d in partition if not is_done(d.id)])))
            while pending and (not partition or len(pending) > self._max_in_flight()):
                yield from self._collect(*pending.popleft(), is_done, on_error)
            if not partition:
                return

    def _max_in_flight(self) -> int:
        workers = len(self.client.scheduler_info()["workers"]) or 1
        return workers * self.in_flight_per_worker

    def _submit(self, settings: PipelineSettings, docs: list[InputDoc]):
        if not docs:
            return None
        # pure=False: two partitions with the same documents are still two tasks
        return self.client.submit(annotate_partition, settings, docs, self.batch_size, pure=False)

    @staticmethod
    def _collect(partition: list[InputDoc], future, is_done, on_error: OnError) -> Annotated:
        lines, errors = future.result() if future is not None else ([], [])
        for error in errors:
            on_error(error)
        todo = [d for d in partition if not is_done(d.id)]
        annotated = {todo[i].id: line for i, line in lines}
        for item in partition:
            if is_done(item.id):
                yield item, None
            elif item.id in annotated:
                yield item, annotated[item.id]
