"""The HTTP load client against a real gunicorn on a tiny bench database (a scratch SQLite in tmp_path, in a
child process so the server sees the same file); the server is gone afterwards."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, socket
    os.environ["DJANGO_SETTINGS_MODULE"] = "zoneops.settings"
    import django
    django.setup()
    from django.core.management import call_command
    from bench.data import build_tree, seed_projects
    from bench import load

    call_command("migrate", verbosity=0)
    leader, _units, _people = build_tree()
    seed_projects(3)
    cookie = load.session_cookie(leader)
    with load.gunicorn(workers=1, threads=2) as port:
        for path in ("/projects/", "/api/v1/projects"):
            result = load.hammer(port, path, cookie=cookie, concurrency=2, requests=4, seconds=5)
            assert (result.requests, result.errors) == (4, 0), (path, result)
            assert 0 < result.p50 <= result.p95 <= result.max and result.per_second > 0
        stranger = load.hammer(port, "/projects/", cookie="sessionid=nope", concurrency=1, requests=2, seconds=5)
        assert (stranger.requests, stranger.errors) == (0, 2), stranger  # not signed in: a redirect, not a 200
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        print("stopped")
""")


def test_the_load_client_measures_a_signed_in_gunicorn_and_stops_it(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["ZONEOPS_HOME"] = str(tmp_path / "bench-var")
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=Path(__file__).resolve().parents[2],  # noqa: S603
                          capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("stopped")
