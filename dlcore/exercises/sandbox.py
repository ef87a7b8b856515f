"""Run a learner's answer in a forked child process that the grader can always stop.

The grader (parent) sends each call's arguments to a child process as plain data
(:mod:`.plain`); the child calls the learner's function on its own copies and sends back what
came out — a plain value, or the exception the learner's code raised — and which arguments the
call changed in place. The parent waits with a deadline and, when it passes, kills the child with
``SIGKILL``: no ``except``, cancelled alarm, ignored signal, thread or hostile ``__deepcopy__`` in
the child can delay that. Whatever the learner's code changes in the child (numpy's error state,
patched functions, globals) dies with it.

``os.fork`` exists on Linux and macOS (Jupyter, Colab, Binder). Where it does not (Windows,
JupyterLite/Pyodide: ``sys.platform == "emscripten"``) :class:`InProcessAnswer` runs the answer in
the grader's own process under :func:`.timelimit.call_with_time_limit` (a ``SIGALRM`` timer or a
trace function): pure-Python endless loops are stopped, but code that swallows the exception or
blocks in C can outlast the budget there.

This module needs only the standard library and numpy.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import struct
import sys
import time
import traceback

import numpy as np

from . import plain

HEADER = struct.Struct("<Q")
MAX_MESSAGE = 3 * plain.MAX_BYTES
NUMPY_DEFAULT_ERRSTATE = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}
_in_child = False
CAN_FORK = hasattr(os, "fork") and sys.platform not in ("emscripten", "wasi", "win32")


# ---------------------------------------------------------------- framing on a pipe

def send(fd: int, data: bytes) -> None:
    """Write one message (length, then bytes) to ``fd``."""
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def receive(fd: int, deadline: float) -> bytes | None:
    """Read one message from ``fd``; None if the deadline passes, the writer is gone or the message is too long."""
    header = _read_exactly(fd, HEADER.size, deadline)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    return None if length > MAX_MESSAGE else _read_exactly(fd, length, deadline)


def _read_exactly(fd, n, deadline):
    chunks, got = [], 0
    while got < n:
        left = None if deadline == float("inf") else deadline - time.monotonic()
        if (left is not None and left <= 0) or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- what the child does with one request

class _Printed(io.TextIOBase):
    """A bounded stand-in for stdout/stderr: keeps the first characters the learner's code prints."""

    def __init__(self, limit=2000):
        self.parts, self.size, self.limit = [], 0, limit

    def write(self, text):
        text = plain.safe_text(text, self.limit)
        if self.size < self.limit:
            self.parts.append(text[: self.limit - self.size])
        self.size += len(text)
        return len(text)

    def text(self):
        out = "".join(self.parts)
        return out + ("…" if self.size > self.limit else "")


class _PinnedErrstate(contextlib.ContextDecorator):
    """``np.errstate`` while a check demands that floating-point errors raise: changes nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@contextlib.contextmanager
def _errstate(fp: dict):
    """numpy's error state for one call; when it raises on something, the learner cannot relax it."""
    old = np.seterr(**fp)
    pinned = any(v == "raise" for v in fp.values())
    saved = (np.errstate, np.seterr)
    if pinned:
        np.errstate, np.seterr = _PinnedErrstate, (lambda *a, **k: dict(fp))
    try:
        yield
    finally:
        np.errstate, np.seterr = saved
        np.seterr(**old)


def _where(exc: BaseException) -> str:
    """`` (line N of your code)`` for the innermost frame outside dlcore, numpy and the standard library."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except BaseException:  # noqa: BLE001
        return ""
    library = (os.path.dirname(os.__file__), os.path.dirname(np.__file__), os.path.dirname(__file__))
    mine = [f for f in frames if not any(str(f.filename).startswith(p) for p in library)]
    return f" (line {mine[-1].lineno} of your code)" if mine else ""


def changed(given, pristine, label: str) -> list[str]:
    """Labels of the arrays (or containers) in ``pristine`` that ``given`` no longer equals."""
    if type(pristine) is np.ndarray:
        same = (type(given) is np.ndarray and given.shape == pristine.shape and given.dtype == pristine.dtype
                and given.tobytes() == pristine.tobytes())
        return [] if same else [label]
    if type(pristine) is dict:
        if type(given) is not dict or dict.keys(given) != dict.keys(pristine):
            return [label]
        return [x for k in pristine for x in changed(dict.__getitem__(given, k), pristine[k], f"{label}[{k!r}]")]
    if type(pristine) in (list, tuple):
        if type(given) is not type(pristine) or len(given) != len(pristine):
            return [label]
        return [x for i, (g, p) in enumerate(zip(given, pristine)) for x in changed(g, p, f"{label}[{i}]")]
    return []


def handle(answer, request: bytes, decoder: plain.Decoder, encoder: plain.Encoder) -> bytes:
    """Do one request for ``answer`` and return the reply, as plain data. Never raises."""
    printed = _Printed()
    reply: dict = {"ok": False}
    try:
        req = decoder.decode(request)
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            if req["op"] == "value":
                reply = {"ok": True, "value": answer}
            elif req["op"] == "callable":
                reply = {"ok": True, "value": callable(answer),
                         "text": f"{plain.type_name(answer)} {plain.safe_repr(answer, 80)}"}
            else:
                pristine = plain.Decoder().decode(request)   # a second copy, never shown to the learner
                given_args, given_kwargs = req["args"], req["kwargs"]
                with _errstate(req["fp"]):
                    value = answer(*given_args, **given_kwargs)
                names = list(req["names"]) + [f"#{i + 1}" for i in range(len(given_args))]
                mutated = [x for i, (g, p) in enumerate(zip(given_args, pristine["args"]))
                           for x in changed(g, p, names[i])]
                mutated += [x for k, p in pristine["kwargs"].items() for x in changed(given_kwargs.get(k), p, k)]
                reply = {"ok": True, "value": value, "mutated": mutated}
    except BaseException as exc:  # noqa: BLE001 — the learner's code may raise anything, even SystemExit
        if not _in_child and (isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "TimeLimitExceeded"):
            raise  # in-process fallback: the time limit and Interrupt belong to the grader
        reply = {"ok": False, "raised": [plain.type_name(exc), plain.safe_text(exc, 500), _where(exc)]}
    reply["printed"] = printed.text()
    try:
        return encoder.encode(reply)
    except BaseException:  # noqa: BLE001 — a value whose encoding fails is reported, not raised
        value = reply.get("value")
        reply = {"ok": True, "value": plain.Opaque(plain.type_name(value), "<a value that could not be read>"),
                 "printed": reply["printed"]}
        return encoder.encode(reply)


def serve(answer, rfd: int, wfd: int) -> None:
    """The child's loop: answer requests until the parent closes the pipe."""
    decoder, encoder = plain.Decoder(), plain.Encoder()
    while True:
        request = receive(rfd, float("inf"))
        if request is None:
            return
        send(wfd, handle(answer, request, decoder, encoder))


def _die_with_parent():
    """On Linux, the kernel kills the child when its parent dies: no orphan keeps looping."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 — not Linux
        pass


def _limit_blas_threads():
    """One BLAS thread in the child: a BLAS thread pool does not survive ``fork`` in every library."""
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except Exception:  # noqa: BLE001 — threadpoolctl is optional
        pass


# ---------------------------------------------------------------- the parent's side

class ForkedAnswer:
    """The learner's ``answer`` behind a forked child, with ``budget`` seconds for all requests together.

    ``request(dict)`` returns the child's reply (a dict of plain data) or ``{"stopped": why}`` when the
    child did not answer in time (it is killed) or ended (``os._exit``, a crash). A later request
    starts a new child. ``close()`` ends the child; call it when done.
    """

    def __init__(self, answer, budget: float):
        self.answer, self.remaining = answer, budget
        self.pid = None
        self.encoder, self.decoder = plain.Encoder(), plain.Decoder()

    def _spawn(self):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            global _in_child
            _in_child, code = True, 0
            try:
                os.close(to_child_w)
                os.close(from_child_r)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _die_with_parent()
                _limit_blas_threads()
                serve(self.answer, to_child_r, from_child_w)
            except BaseException:  # noqa: BLE001
                code = 70
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid, self.wfd, self.rfd = pid, to_child_w, from_child_r

    def request(self, req: dict) -> dict:
        reply = self.request_raw(self.encoder.encode(req), self.encoder)
        try:
            return self.decoder.decode(reply)
        except Exception:  # noqa: BLE001 — a garbled reply (the learner wrote to the pipe)
            self._stop()
            return {"stopped": "garbled"}

    def request_raw(self, data: bytes, encoder: plain.Encoder | None = None) -> bytes:
        """Send one encoded request; the encoded reply (``{"stopped": why}`` if there is none)."""
        if self.remaining <= 0:
            return plain.encode({"stopped": "budget"})
        if self.pid is None:
            self._spawn()
        start = time.monotonic()
        try:
            send(self.wfd, data)
            reply = receive(self.rfd, start + self.remaining)
        except OSError:
            reply = None
        finally:
            self.remaining -= time.monotonic() - start
        return reply if reply is not None else plain.encode({"stopped": self._stop()})

    def _stop(self) -> str:
        """Kill the child if it still runs; say why it stopped."""
        pid, self.pid = self.pid, None
        for fd in (self.wfd, self.rfd):
            with contextlib.suppress(OSError):
                os.close(fd)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0 and self.remaining > 0:  # the pipe closed: give a dying child a moment to exit
            time.sleep(0.05)
            done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout" if self.remaining <= 0 else "killed"
        if os.WIFSIGNALED(status):
            return f"signal {os.WTERMSIG(status)}"
        return f"exit {os.WEXITSTATUS(status)}"

    def close(self) -> None:
        if self.pid is not None:
            with contextlib.suppress(OSError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                self._stop()
            self.pid = None


class InProcessAnswer:
    """The fallback without ``fork``: requests run in this process under a time limit (weaker, see above)."""

    def __init__(self, answer, budget: float):
        self.answer, self.remaining = answer, budget
        self.encoder, self.decoder = plain.Encoder(), plain.Decoder()
        self.child_encoder, self.child_decoder = plain.Encoder(), plain.Decoder()

    def request(self, req: dict) -> dict:
        from .timelimit import TimeLimitExceeded, call_with_time_limit

        if self.remaining <= 0:
            return {"stopped": "budget"}
        start = time.monotonic()
        data = self.encoder.encode(req)
        try:
            reply = call_with_time_limit(
                lambda: handle(self.answer, data, self.child_decoder, self.child_encoder), self.remaining)
        except TimeLimitExceeded:
            return {"stopped": "timeout"}
        finally:
            self.remaining -= time.monotonic() - start
        return self.decoder.decode(reply)

    def close(self) -> None:
        pass


def isolate(answer, budget: float):
    """A :class:`ForkedAnswer` where ``fork`` exists, else an :class:`InProcessAnswer`."""
    return (ForkedAnswer if CAN_FORK else InProcessAnswer)(answer, budget)
