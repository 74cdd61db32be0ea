"""Run SPARQL queries in worker processes that are killed when they run too long.

pyoxigraph 0.5's Python API has no query timeout or cancellation (oxigraph#1336;
the Rust side's CancellationToken, oxigraph#1409, is not exposed in 0.5.13), and a
thread cannot be stopped from outside, so a runaway query run in a server thread
burns a core until it ends.  ``QuerySandbox`` keeps a few worker processes, each with the store open
read-only; a query that passes its limit has its worker killed and replaced, and
the caller gets ``QueryTimeout``.

Workers are fresh interpreters (``python -m kg.sparql.sandbox``), never forks of a
threaded server, and talk over two pipes with ``multiprocessing`` connection
objects.  Starting them with ``subprocess`` rather than ``multiprocessing``'s
spawn context avoids re-importing the server's ``__main__`` (uvicorn, gunicorn,
the ``kg`` script) in every worker.

The workers answer with ``kg.sparql.answers.execute``, the one function that evaluates,
caps and serialises a query; it lives apart from this pool, which opens a Store, so
that kg.store.remote can use it without an import cycle.

Read-only opening while another process has the same store open for writing is
undefined in RocksDB (a writer's compaction deletes files a reader still needs),
so the server must open the store read-only too while workers serve it.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from kg.errors import KgError, QueryTimeout, StoreError
from kg.sparql.answers import (
    TIMEOUT_SETTING,
    QueryAnswer,
    QueryJob,
    open_search_index,
    search_functions,
)

if TYPE_CHECKING:
    from kg.store.local import Store

# --- the pool --------------------------------------------------------------------------


class _Worker:
    """One worker process and the two pipe ends that talk to it."""

    def __init__(self, store_path: Path, index_file: Path | None) -> None:
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg.sparql.sandbox",
                    str(store_path),
                    str(job_read),
                    str(answer_write),
                    str(index_file or ""),
                ],
                pass_fds=(job_read, answer_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        finally:
            os.close(job_read)
            os.close(answer_write)
        self.jobs = Connection(job_write, readable=False)
        self.answers = Connection(answer_read, writable=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, *, kill: bool) -> None:
        """Kill at once (a runaway query) or let it read EOF and exit (shutdown)."""
        if kill:
            self.process.kill()
        self.jobs.close()
        self.answers.close()
        try:
            self.process.wait(timeout=0 if kill else 2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QuerySandbox:
    """A pool of ``workers`` processes running queries over the store at ``store_path``.

    ``run`` is blocking and thread-safe: call it from a thread pool.  A worker is
    lent to one query at a time; a query that has no answer by its deadline has its
    worker killed and replaced, so its CPU and memory are freed at once.
    """

    def __init__(
        self, store_path: Path | str, workers: int = 2, index_file: Path | None = None
    ) -> None:
        if workers < 1:
            raise StoreError(f"a query sandbox needs at least one worker, not {workers}")
        self.store_path = Path(store_path)
        self.index_file = index_file  # the full-text index for fn:rank, if any
        self.size = workers
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.store_path, self.index_file)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker, *, replace: bool) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.stop(kill=True)
        if replace and not closed:
            self._add()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Run ``job``, waiting at most ``timeout`` seconds for a worker and its answer."""
        if self._closed:
            raise StoreError("the query sandbox is closed")
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again "
                f"later (the limit is set by {TIMEOUT_SETTING}, the pool size by KG_QUERY_WORKERS)"
            ) from exc
        try:
            worker.jobs.send(job)
            if not worker.answers.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker, replace=True)
                raise QueryTimeout(
                    f"the query ran past the limit of {timeout:g} s and was stopped; "
                    f"narrow it or add a LIMIT (the limit is set by {TIMEOUT_SETTING})"
                )
            status, payload = worker.answers.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker, replace=True)
            raise StoreError(
                f"the query worker stopped unexpectedly ({exc or type(exc).__name__}); "
                "it has been restarted, so the query can be tried again"
            ) from exc
        self._idle.put(worker)
        if status == "error":
            raise payload
        answer: QueryAnswer = payload
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop(kill=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the worker side -------------------------------------------------------------------


def _watch_parent() -> None:
    """Exit when the server is gone, even in the middle of a query."""
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(
    store_path: Path, jobs: Connection, answers: Connection, index_file: Path | None = None
) -> None:
    """Answer jobs until the server closes the pipe."""
    threading.Thread(target=_watch_parent, daemon=True).start()
    # Imported here, in the worker only: the local store evaluates through kg.sparql
    # (answers, fastpath), so a module-level import would tie the two packages'
    # initialisation in a knot.
    from kg.store.local import Store

    opened: Store | None = None
    failure: KgError | None = None
    index: Any = None
    try:
        opened = Store(store_path, read_only=True)
        index = open_search_index(index_file)
    except KgError as exc:
        failure = exc  # every job is answered with it, so the client learns why
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            return
        if failure is not None or opened is None:
            answers.send(("error", failure or StoreError(f"cannot open the store at {store_path}")))
            continue
        try:
            answers.send(("ok", opened.execute(job, search_functions(index))))
        except KgError as exc:
            answers.send(("error", exc))


if __name__ == "__main__":
    # Through the imported module, not this ``__main__`` copy, so that the answers'
    # classes pickle under their importable names and the server can read them.
    from kg.sparql.sandbox import worker_main as _main

    _main(
        Path(sys.argv[1]),
        Connection(int(sys.argv[2]), writable=False),
        Connection(int(sys.argv[3]), readable=False),
        Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None,
    )
