"""Kept uploads: stored under a token the session remembers, discarded on replace, swept after a day."""

import os
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from zoneops.exchange.uploads import TTL_SECONDS, KeptUploads


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    return request


def test_keep_replace_discard_and_sweep(settings, tmp_path):
    settings.HOME = tmp_path
    uploads = KeptUploads("kept", "kept_upload")
    request = _request()
    first = uploads.keep(request, SimpleUploadedFile("a.xlsx", b"one"))
    request.session["kept_upload"] = {"token": first}
    assert uploads.is_kept(first) and uploads.path(first).read_bytes() == b"one"
    second = uploads.keep(request, SimpleUploadedFile("b.xlsx", b"two"))
    assert not uploads.is_kept(first) and uploads.is_kept(second)  # the session's previous file is gone
    assert not uploads.is_kept("../../etc/passwd") and not uploads.is_kept("")
    stale = uploads.path("x" * 32)
    stale.write_bytes(b"old")
    os.utime(stale, (time.time() - TTL_SECONDS - 60,) * 2)
    uploads.sweep()
    assert not stale.exists() and uploads.is_kept(second)
    request.session["kept_upload"] = {"token": second}
    uploads.discard(request)
    assert not uploads.is_kept(second) and "kept_upload" not in request.session
