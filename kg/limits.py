"""Bounds on the work one corpus file may cost: its size and its time.

A build must finish whatever the corpus holds, so each file gets at most
``Settings.document_timeout_s`` seconds of ingest and extraction.  The limit is a
``SIGALRM`` timer (``time_limit``): Python code and the ``re`` engine both stop at
it (``re`` checks for signals while it backtracks), and it works the same in the
build's own process (``--workers 1``) and in each worker of the process pool, as
both run a document in their main thread.  A long call into a C extension that
does not check for signals (lxml parsing one huge page) is stopped when it returns.
Elsewhere (a build started from a thread, a platform without ``setitimer``) the
block runs without a limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kg.errors import TimeLimitExceeded

__all__ = ["Clock", "time_limit"]


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that no ``except Exception`` on the way
    (the extractor turns any Exception into an ExtractionError) can swallow it."""


def _expire(_signum: int, _frame: object) -> None:
    raise _Expired


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class Clock:
    """The time of the block under ``time_limit``; ``restart`` gives it the whole limit again."""

    def __init__(self, seconds: float | None, armed: bool) -> None:
        self.seconds, self.armed = seconds, armed
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def restart(self) -> None:
        """Start counting again: for one-time work (loading a model) that no one file owes."""
        self.started = time.perf_counter()
        if self.armed and self.seconds:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[Clock]:
    """Run the block for at most ``seconds``; past that raise ``TimeLimitExceeded``.

    None or 0 means no limit.  The reason reads "took longer than N s", so a
    report shows it beside the file as it is.
    """
    if not seconds or not _can_time():
        yield Clock(seconds, armed=False)
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    clock = Clock(seconds, armed=True)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield clock
        finally:
            clock.armed = False
            # Disarmed before anything else: the timer must not fire after the block.
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise TimeLimitExceeded(
            f"took longer than {seconds:g} s (the per-document time limit) and was "
            "given up; raise KG_DOCUMENT_TIMEOUT_S or `kg build --document-timeout` if "
            "the file is a real document this large"
        ) from None
    finally:
        signal.signal(signal.SIGALRM, previous)
