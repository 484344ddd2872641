"""The audit chain's HMAC key ring, kept outside the database.

Someone who can write the database file can rewrite rows and recompute a plain hash chain; they
cannot recompute an HMAC without the key. The key ring comes from ``ZONEOPS_AUDIT_KEY`` (for
several app servers) or from a 0600 file under ``$ZONEOPS_HOME`` (generated on first use).
Either holds one or more ``id:secret`` entries (comma or newline separated); the LAST one signs
new rows, the earlier ones still verify the rows they signed (rotation = append a new entry).
"""

import hmac
import os
import secrets
import stat
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_cache = {}


class KeyRing:
    def __init__(self, entries):
        if not entries:
            raise ImproperlyConfigured("审计密钥为空：请设置 ZONEOPS_AUDIT_KEY 或检查审计密钥文件。")
        self.keys = dict(entries)
        self.current_id = entries[-1][0]

    def sign(self, key_id, message):
        key = self.keys.get(key_id)
        if key is None:
            return None  # a row signed with a key that is no longer in the ring cannot be verified
        return hmac.new(key, message.encode("utf-8"), sha256).hexdigest()


def parse(text):
    entries = []
    for number, item in enumerate(text.replace(",", "\n").split(), start=1):
        key_id, _, secret = item.rpartition(":")
        key_id = key_id or str(number)
        if len(secret) < 32:
            raise ImproperlyConfigured(f"审计密钥 {key_id} 太短（至少32个字符）。")
        entries.append((key_id, secret.encode("utf-8")))
    return entries


def _create(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"k1:{secrets.token_hex(32)}\n")


def _read_file(path):
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(f"审计密钥文件 {path} 的权限过宽（应为 0600）：chmod 600 {path}")
    return path.read_text()


def key_ring():
    """The configured key ring (re-read when the setting or the file changes)."""
    path = settings.ZONEOPS_AUDIT_KEY_FILE
    if settings.ZONEOPS_AUDIT_KEY:
        source = ("env", settings.ZONEOPS_AUDIT_KEY)
    else:
        if not path.exists():
            _create(path)
        status = path.stat()  # a chmod or an edit of the file makes it read (and checked) again
        source = ("file", str(path), status.st_mtime_ns, status.st_mode)
    ring = _cache.get(source)
    if ring is None:
        ring = KeyRing(parse(source[1] if source[0] == "env" else _read_file(path)))
        _cache.clear()
        _cache[source] = ring
    return ring


def rotate_file_key():
    """Append a new key to the key file; it signs from now on. Returns its id."""
    if settings.ZONEOPS_AUDIT_KEY:
        raise ImproperlyConfigured("审计密钥来自环境变量 ZONEOPS_AUDIT_KEY：请在其末尾追加新密钥（id:secret）后重启。")
    ring = key_ring()
    number = len(ring.keys) + 1
    while f"k{number}" in ring.keys:
        number += 1
    key_id = f"k{number}"
    with open(settings.ZONEOPS_AUDIT_KEY_FILE, "a") as handle:
        handle.write(f"{key_id}:{secrets.token_hex(32)}\n")
    return key_id
