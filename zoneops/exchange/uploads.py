"""Uploaded spreadsheets kept between a dry run and its confirmation.

The file lies under ``$ZONEOPS_HOME/<folder>/`` named by an unguessable token that the session remembers
(never a path from the client); files of dry runs never confirmed are swept after a day.
"""

import re
import secrets
import time

from django.conf import settings

TOKEN = re.compile(r"^[\w-]{16,64}$")
TTL_SECONDS = 24 * 3600


class KeptUploads:
    """One kind of kept upload: the ledger import's, the intake's."""

    def __init__(self, folder, session_key):
        self.folder_name, self.session_key = folder, session_key

    def folder(self):
        folder = settings.HOME / self.folder_name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path(self, token):
        return self.folder() / f"{token}.xlsx"

    def is_kept(self, token):
        return bool(TOKEN.match(token or "")) and self.path(token).exists()

    def keep(self, request, upload):
        """Store ``upload`` under a fresh token, replacing this session's previous one; returns the token.
        The caller records what it needs under ``session_key``."""
        self.discard(request)
        self.sweep()
        token = secrets.token_urlsafe(24)
        with self.path(token).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return token

    def discard(self, request):
        kept = request.session.pop(self.session_key, None) or {}
        if TOKEN.match(kept.get("token", "")):
            self.path(kept["token"]).unlink(missing_ok=True)

    def sweep(self):
        limit = time.time() - TTL_SECONDS
        for path in self.folder().glob("*.xlsx"):
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
