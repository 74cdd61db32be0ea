"""Where the per-document work of a build runs: in this process, a process pool, or Dask.

The build hands an executor a module-level function and a list of jobs (one per
file) and reads the results back in job order; only the build's own process writes
the store (RocksDB has one writer).  Three executors:

- ``InProcess``: one job after another, here.  No start-up cost: for small corpora.
- ``ProcessPool``: ``workers`` spawned processes on this machine.
- ``DaskExecutor``: the workers of a Dask cluster, an existing one (``scheduler``,
  ``tcp://host:8786``) or a ``distributed.LocalCluster`` started for the build.
  A worker lost mid-build costs nothing: the scheduler runs its chunks again elsewhere.

Both pools take jobs in chunks, a bounded window ahead of the one the build is
waiting for, so a writer slower than the workers never piles finished documents up
in memory (100,000 of them would not fit).

Every job must read its file through a path the worker can open: a Dask cluster on
other machines needs the corpus on a shared file system at the same path.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from kg.errors import KgError

Job = TypeVar("Job")
Result = TypeVar("Result")

EXECUTORS = ("local", "dask")


class Executor(Protocol):
    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[Any]:
        """``fn(job)`` for every job, yielded in job order."""
        ...

    def close(self) -> None: ...


class InProcess:
    """Each job in turn, in this process."""

    workers = 1

    def map(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]:
        return (fn(job) for job in jobs)

    def close(self) -> None:
        pass


# Documents out on the workers at most: more than a write batch (kg.build.BATCH_SIZE,
# 200), so the workers go on extracting while the writer writes one; about 60 MB of
# finished documents at most.
AHEAD_DOCUMENTS = 512


def _ahead(chunksize: int, workers: int) -> int:
    """Chunks out at once: AHEAD_DOCUMENTS' worth, and at least two per worker."""
    return max(2 * workers, AHEAD_DOCUMENTS // chunksize)


def _run_chunk(fn: Callable[[Job], Result], chunk: list[Job]) -> list[Result]:
    return [fn(job) for job in chunk]


def _in_order(
    submit: Callable[[list[Job]], Any],
    result: Callable[[Any], list[Result]],
    jobs: Sequence[Job],
    chunksize: int,
    ahead: int,
) -> Iterator[Result]:
    """Jobs in chunks, at most ``ahead`` chunks out at once, results in job order.

    The bound keeps memory flat when the workers outrun the writer: a pool given every
    job at once would hold every finished document in memory until written.
    """
    chunks = [list(jobs[i : i + chunksize]) for i in range(0, len(jobs), chunksize)]
    pending: deque[Any] = deque()
    submitted = 0
    while submitted < len(chunks) or pending:
        while submitted < len(chunks) and len(pending) < ahead:
            pending.append(submit(chunks[submitted]))
            submitted += 1
        yield from result(pending.popleft())


class ProcessPool:
    """``workers`` processes on this machine, spawned (not forked) when first needed.

    Extraction is CPU-bound Python, so threads would not help; processes are spawned
    because the parent may hold store and index handles that a fork would share.
    """

    def __init__(self, workers: int, chunksize: int = 8) -> None:
        self.workers = workers
        self.chunksize = chunksize

    def map(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            yield from _in_order(
                lambda chunk: pool.submit(_run_chunk, fn, chunk),
                lambda future: future.result(),
                jobs,
                self.chunksize,
                _ahead(self.chunksize, self.workers),
            )

    def close(self) -> None:
        pass


class DaskExecutor:
    """Jobs in chunks on a Dask cluster: ``scheduler``'s, else a LocalCluster of ``workers``.

    ``retries`` re-runs a chunk whose function raised (a result, not an exception, is
    how a bad document is reported, so this covers the worker's own faults); a chunk
    whose worker died is rescheduled by Dask itself.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int = 2,
        chunksize: int = 8,
        retries: int = 2,
    ) -> None:
        from distributed import Client, LocalCluster  # only when Dask is asked for

        self.cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="10s")
            else:
                # One thread per worker process: extraction holds the GIL.
                self.cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "a local cluster"
            raise KgError(f"cannot reach the Dask scheduler at {where}: {exc}") from exc
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.chunksize = chunksize
        self.retries = retries

    def map(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]:
        from distributed import KilledWorker

        def submit(chunk: list[Job]) -> Any:
            return self.client.submit(_run_chunk, fn, chunk, pure=False, retries=self.retries)

        def result(future: Any) -> list[Result]:
            try:
                results = future.result()
            except (KilledWorker, CancelledError, OSError, TimeoutError) as exc:
                # Dask already ran the chunk again on other workers, up to its limit.
                raise KgError(
                    f"the Dask cluster could not finish a chunk of the build ({exc}); "
                    "the store holds every document written before it: run the build again"
                ) from exc
            future.release()  # the worker may drop it now
            return results

        return _in_order(submit, result, jobs, self.chunksize, _ahead(self.chunksize, self.workers))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(
    name: str, *, workers: int, scheduler: str | None = None
) -> InProcess | ProcessPool | DaskExecutor:
    """The executor ``kg build --executor NAME`` names; ``local`` with one worker runs here."""
    if name == "dask":
        return DaskExecutor(scheduler, workers=workers)
    if name != "local":
        raise KgError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")
    if scheduler:
        raise KgError("--scheduler names a Dask scheduler: use it with --executor dask")
    return ProcessPool(workers) if workers > 1 else InProcess()
