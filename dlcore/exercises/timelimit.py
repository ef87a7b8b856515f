"""Run a learner's code with a time limit, so an infinite loop ends with a message, not a hung kernel."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


class TimeLimitExceeded(Exception):
    """The learner's code ran longer than allowed."""


def call_with_time_limit(fn: Callable[[], Any], seconds: float) -> Any:
    """Return ``fn()``, or raise :class:`TimeLimitExceeded` after ``seconds``.

    In the main thread on Unix (Jupyter, Colab, Binder) a ``SIGALRM`` timer interrupts even a
    ``while True: pass``. Elsewhere (Windows, other threads) a trace function checks the clock
    at every Python line instead, which also stops pure-Python loops.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(fn, seconds)
    return _with_trace(fn, seconds)


def _with_alarm(fn, seconds):
    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_trace(fn, seconds):
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded(f"stopped after {seconds:g} s")
        return tracer

    sys.settrace(tracer)
    try:
        return fn()
    finally:
        sys.settrace(previous)
