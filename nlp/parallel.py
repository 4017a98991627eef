"""Annotation in worker processes: local ones (`--n-process N`) or a Dask cluster
(`--dask-scheduler ADDRESS`, `--dask-local N`).

This process reads the inputs and writes the output; workers only run the pipeline. The input is
cut into partitions of documents, each sent to a worker as a task; a worker builds the pipeline
once (cached per settings) and sends back the partition's records as JSON lines, so that neither
Docs nor the serialising cross processes. Partitions are written in input order as they come
in, with a bounded number in flight, so memory stays flat on any input. On Dask, a partition of a
worker that dies is run again by another worker (the scheduler re-runs lost tasks), and since a
partition is written only when it is whole, nothing is lost or written twice. Records are made by
the same code as in one process: the output has the same bytes.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable

from spacy.language import Language

from nlp.annotate import Annotated, OnError, PipelineSettings, Record, annotate_here
from nlp.corpus import InputDoc, InputError

# a worker that died holding a partition is not the partition's fault: let it be retried this often
DASK_CONFIG = {"distributed.scheduler.allowed-failures": 5}


@lru_cache(maxsize=2)
def worker_pipeline(settings: PipelineSettings) -> Language:
    return settings.build()


def annotate_partition(settings: PipelineSettings, docs: list[InputDoc], batch_size: int) -> tuple[dict[str, Record], list[InputError]]:
    """Runs on a worker: the record of each document annotated, by id, and the failures."""
    errors: list[InputError] = []
    annotated = annotate_here(docs, lambda doc_id: False, settings, batch_size, errors.append, worker_pipeline(settings))
    return {item.id: record for item, record in annotated}, errors


class PartitionAnnotator:
    """Sends partitions of documents to an executor's workers and yields the records in input order.

    EXECUTOR is anything with submit(fn, *args) -> future with result(): a ProcessPoolExecutor or a
    Dask distributed Client.
    """

    def __init__(self, executor, workers: int, partition_size: int = 64, batch_size: int = 64, submit_options: dict | None = None):
        self.executor = executor
        self.max_in_flight = 2 * max(workers, 1)  # one running and one waiting per worker
        self.partition_size = partition_size
        self.batch_size = batch_size
        self.submit_options = submit_options or {}

    @classmethod
    def local(cls, processes: int, **options) -> "PartitionAnnotator":
        # spawn, not fork: this process may hold threads (the progress bar) that fork would copy half-way
        executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
        return cls(executor, processes, **options)

    @classmethod
    def dask(cls, scheduler: str | None = None, local_workers: int = 0, **options) -> "PartitionAnnotator":
        """A client of the scheduler at SCHEDULER, or of a new local cluster of LOCAL_WORKERS
        single-threaded worker processes (a spaCy pipeline is not shared between threads)."""
        import dask
        from distributed import Client, LocalCluster

        dask.config.set(DASK_CONFIG)
        if scheduler:
            client = Client(scheduler)
        else:
            client = Client(LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None))
        workers = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        # pure=False: the scheduler need not hash a partition's texts to name its task
        return cls(client, workers, submit_options={"pure": False}, **options)

    def close(self) -> None:
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(cancel_futures=True)
            return
        cluster = self.executor.cluster
        self.executor.close()
        if cluster is not None:
            cluster.close()

    def annotate(self, items: Iterable[InputDoc], is_done: Callable[[str], bool], settings: PipelineSettings, on_error: OnError) -> Annotated:
        items = iter(items)
        pending: deque = deque()
        while True:
            partition = list(islice(items, self.partition_size))
            if partition:
                todo = [d for d in partition if not is_done(d.id)]
                pending.append((partition, self._submit(settings, todo) if todo else None))
            while pending and (not partition or len(pending) > self.max_in_flight):
                yield from self._collect(*pending.popleft(), is_done, on_error)
            if not partition:
                return

    def _submit(self, settings: PipelineSettings, docs: list[InputDoc]):
        return self.executor.submit(annotate_partition, settings, docs, self.batch_size, **self.submit_options)

    @staticmethod
    def _collect(partition: list[InputDoc], future, is_done, on_error: OnError) -> Annotated:
        annotated, errors = future.result() if future is not None else ({}, [])
        for error in errors:
            on_error(error)
        for item in partition:
            if is_done(item.id):
                yield item, None
            elif item.id in annotated:
                yield item, annotated[item.id]
