"""HTTP load on a real server: gunicorn started on 127.0.0.1 (a free port) against the bench database, and a
small client of threads and http.client sending GETs at a given concurrency, signed in as the bench leader.

Bounded in requests and in time; the server is stopped at the end whatever happens.
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client

CONCURRENCY = (1, 4, 16)
START_TIMEOUT = 30.0


@dataclass
class Load:
    requests: int
    errors: int
    p50: float
    p95: float
    max: float
    per_second: float
    load: str


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user):
    """A session of ``user`` in the bench database, as a ``Cookie`` header value."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@contextmanager
def gunicorn(*, workers=2, threads=4, env=None):
    """Yields the port of a gunicorn serving ZoneOps; stops it (and waits) on leaving, whatever happens."""
    port = free_port()
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
    command = [sys.executable, "-m", "gunicorn", "zoneops.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
               "--timeout", "60", "--log-level", "warning"]
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=settings.BASE_DIR.parent,  # noqa: S603
                               start_new_session=True)
    try:
        _wait_for(port, process)
        yield port
    finally:
        _stop(process)


def _wait_for(port, process):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def hammer(port, path, *, cookie, concurrency, requests, seconds):
    """``requests`` GETs of ``path`` (fewer if ``seconds`` run out) from ``concurrency`` threads, each on its
    own keep-alive connection. Times are wall-clock per response, in milliseconds."""
    times, errors, lock = [], [0], threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}

    def take():
        with lock:
            if remaining[0] <= 0 or time.monotonic() > deadline:
                return False
            remaining[0] -= 1
            return True

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while take():
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if ok:
                        times.append(elapsed)
                    else:
                        errors[0] += 1
        finally:
            connection.close()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - began
    load = "/".join(f"{value:.1f}" for value in os.getloadavg())
    if not times:
        return Load(0, errors[0], 0.0, 0.0, 0.0, 0.0, load)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return Load(len(times), errors[0], statistics.median(times), p95, max(times), len(times) / wall, load)


def measure_load(user, paths, *, concurrency=CONCURRENCY, requests=200, seconds=20.0):
    """[(label, concurrency, Load)] for every (label, path) at every concurrency, on one gunicorn."""
    cookie = session_cookie(user)
    rows = []
    with gunicorn() as port:
        for label, path in paths:
            hammer(port, path, cookie=cookie, concurrency=1, requests=2, seconds=seconds)  # warm the workers
            for level in concurrency:
                rows.append((label, level, hammer(port, path, cookie=cookie, concurrency=level,
                                                  requests=requests, seconds=seconds)))
    return rows


def load_markdown(rows, *, requests, seconds):
    lines = ["", f"HTTP 负载（gunicorn 2 进程 × 4 线程，127.0.0.1；每格至多 {requests} 次请求或 {seconds:g} 秒，"
                 "时间为客户端往返，毫秒；负载为该格测完时的 1/5/15 分钟平均负载）", "",
             "| 页面 | 并发 | 请求数 | 失败 | p50 | p95 | 最大 | 请求/秒 | 负载（1/5/15 分钟） |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for label, level, result in rows:
        lines.append(f"| {label} | {level} | {result.requests} | {result.errors} | {result.p50:.1f} | "
                     f"{result.p95:.1f} | {result.max:.1f} | {result.per_second:.1f} | {result.load} |")
    return "\n".join(lines) + "\n"
