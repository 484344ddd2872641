"""Run a memory-hungry function in a forked child, so the calling worker's memory stays where it was.

Drawing a PDF loads and subsets a 20 MB CJK font: ~50 MB that Python frees but the C allocator
keeps, so a long-lived web or task worker grew by that much after its first document (WeasyPrint's
~190 MB, before). A child forked for the document shares the worker's memory copy-on-write, does
the work and exits, and everything it allocated goes with it (docs/benchmarks.md, 文档).

The child must not touch the database or the network: compute the inputs first (queries in the
parent), hand them over as arguments (they are inherited, not pickled); the result comes back
pickled through a pipe. Where fork does not exist the function runs in the calling process.
"""

import os
import pickle
import select
import signal
import time
import traceback

DEFAULT_TIMEOUT = 120  # seconds; a document that takes longer is a bug, not a big document


class ChildFailed(RuntimeError):
    pass


def run_forked(function, *args, timeout=DEFAULT_TIMEOUT, **kwargs):
    """``function(*args, **kwargs)`` computed in a forked child; returns its (picklable) result."""
    if not hasattr(os, "fork"):
        return function(*args, **kwargs)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        status = 1
        try:
            os.close(read_end)
            try:
                payload, status = pickle.dumps((True, function(*args, **kwargs))), 0
            except BaseException as error:  # noqa: BLE001 - the parent re-raises it
                payload = pickle.dumps((False, f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(status)  # no atexit handlers, no closing of the parent's connections
    os.close(write_end)
    try:
        payload = _read_all(read_end, pid, timeout)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not payload:
        raise ChildFailed(f"{function.__name__}: the child process ended without a result")
    ok, result = pickle.loads(payload)  # noqa: S301 - written by our own child
    if not ok:
        raise ChildFailed(f"{function.__name__} failed in its child process: {result}")
    return result


def _read_all(fd, pid, timeout):
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            os.kill(pid, signal.SIGKILL)
            raise ChildFailed(f"the child process took more than {timeout} s and was stopped")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
