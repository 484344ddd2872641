"""`zoneops serve`'s gunicorn options: a slow request holds one thread, not the worker."""

import socket
import subprocess
import sys
import threading
import time
import urllib.request

from zoneops.core.management.commands.serve import gunicorn_options

APP = '''
import time

def application(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(4)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_options_are_deliberate():
    options = gunicorn_options(host="127.0.0.1", port=8000)
    pairs = dict(zip(options[::2], options[1::2], strict=False))
    assert pairs["--worker-class"] == "gthread" and int(pairs["--threads"]) > 1
    assert int(pairs["--max-requests"]) > 0 and int(pairs["--max-requests-jitter"]) > 0
    assert pairs["--bind"] == "127.0.0.1:8000"


def test_a_slow_request_does_not_starve_the_others(tmp_path):
    (tmp_path / "slowapp.py").write_text(APP)
    port = _free_port()
    options = gunicorn_options(host="127.0.0.1", port=port, workers=1)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "slowapp:application", *options],  # noqa: S603
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(port, time.monotonic() + 20)
        url = f"http://127.0.0.1:{port}"
        slow = threading.Thread(target=lambda: urllib.request.urlopen(f"{url}/slow", timeout=10).read())  # noqa: S310
        slow.start()
        time.sleep(0.3)  # the slow one is being served by the only worker
        began = time.monotonic()
        assert urllib.request.urlopen(f"{url}/fast", timeout=10).read() == b"ok"  # noqa: S310
        assert time.monotonic() - began < 2
        slow.join()
    finally:
        server.terminate()
        server.wait(10)
