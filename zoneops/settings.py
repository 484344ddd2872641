"""Django settings for ZoneOps.

This is the only module that reads the environment (see .env.example for every variable).
Defaults give the embedded deployment: SQLite under $ZONEOPS_HOME, a database task queue,
local files. PostgreSQL, Redis and production hardening are switched on by variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("ZONEOPS_HOME", BASE_DIR.parent / "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    return int(os.environ.get(name, default))


def _secret_key(production):
    """The key comes from ZONEOPS_SECRET_KEY; only an embedded install keeps a generated one in HOME.

    In production a missing key stops start-up: a key generated per host would sign sessions and
    CSRF tokens that the other app servers reject, and would change whenever a host is rebuilt.
    """
    if key := os.environ.get("ZONEOPS_SECRET_KEY"):
        return key
    if production:
        raise ImproperlyConfigured(
            "ZONEOPS_SECRET_KEY 未设置：生产环境（ZONEOPS_PRODUCTION=true）必须由环境变量提供密钥，"
            "所有应用服务器使用同一个值。生成方法：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


PRODUCTION = _env_bool("ZONEOPS_PRODUCTION")
DEBUG = _env_bool("ZONEOPS_DEBUG") and not PRODUCTION
SECRET_KEY = _secret_key(PRODUCTION)
ALLOWED_HOSTS = [h for h in os.environ.get("ZONEOPS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ZONEOPS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "template_partials",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "zoneops.core",
    "zoneops.audit",
    "zoneops.org",
    "zoneops.accounts",
    "zoneops.projects",
    "zoneops.enterprises",
    "zoneops.api",
    "zoneops.demo",
    "zoneops.exchange",
    "zoneops.jobs",
    "zoneops.notifications",
    "zoneops.problems",
    "zoneops.dispatch",
    "zoneops.workbench",
    "zoneops.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zoneops.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zoneops.audit.middleware.AuditRequestMiddleware",
    "zoneops.accounts.middleware.SessionTimeoutMiddleware",
    "zoneops.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zoneops.urls"
WSGI_APPLICATION = "zoneops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zoneops.dashboards.navigation.navigation",
                "zoneops.accounts.context_processors.account_links",
                "zoneops.notifications.context_processors.inbox",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "zoneops.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN
                # so two writers queue on the busy timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches and tasks -------------------------------------------------------------------------
REDIS_URL = os.environ.get("ZONEOPS_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",  # production: Redis queues (pip install "zoneops[redis]")
}
TASKS_QUEUE = os.environ.get("ZONEOPS_TASKS", "db")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_QUEUE]}}
if TASKS_QUEUE == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}

# --- Uploaded files and background jobs -----------------------------------------------------
# Spreadsheets are inspected before parsing: a file over any of these limits is refused unread.
ZONEOPS_IMPORT_MAX_FILE_MB = _env_int("ZONEOPS_IMPORT_MAX_FILE_MB", 20)
ZONEOPS_IMPORT_MAX_INFLATED_MB = _env_int("ZONEOPS_IMPORT_MAX_INFLATED_MB", 200)  # all members together
ZONEOPS_IMPORT_MAX_MEMBER_MB = _env_int("ZONEOPS_IMPORT_MAX_MEMBER_MB", 150)  # one sheet or string table
ZONEOPS_IMPORT_MAX_RATIO = _env_int("ZONEOPS_IMPORT_MAX_RATIO", 100)  # Excel's own files inflate ~10×
ZONEOPS_IMPORT_MAX_ROWS = _env_int("ZONEOPS_IMPORT_MAX_ROWS", 100_000)
ZONEOPS_IMPORT_MAX_COLUMNS = _env_int("ZONEOPS_IMPORT_MAX_COLUMNS", 40)
# Imports over this many rows run in the worker with progress; smaller ones answer inline.
ZONEOPS_IMPORT_INLINE_ROWS = _env_int("ZONEOPS_IMPORT_INLINE_ROWS", 2000)
# Ledger exports over this many projects are written by the worker and offered in 我的下载.
ZONEOPS_EXPORT_INLINE_ROWS = _env_int("ZONEOPS_EXPORT_INLINE_ROWS", 5000)
# Photos: decoded only when the header's width × height is within this bound (Pillow's own guard too).
ZONEOPS_PHOTO_MAX_PIXELS = _env_int("ZONEOPS_PHOTO_MAX_PIXELS", 50_000_000)
ZONEOPS_PHOTO_MAX_PER_REPORT = _env_int("ZONEOPS_PHOTO_MAX_PER_REPORT", 12)
# Files made by background jobs (我的下载) are deleted with their job after this many days.
ZONEOPS_JOB_KEEP_DAYS = _env_int("ZONEOPS_JOB_KEEP_DAYS", 7)
# `zoneops serve` starts one `zoneops worker` beside gunicorn (the embedded install); production runs
# workers as their own processes and turns this off.
ZONEOPS_EMBEDDED_WORKER = _env_bool("ZONEOPS_EMBEDDED_WORKER", not PRODUCTION) and TASKS_QUEUE == "db"

# --- Accounts and security (等保2.0 level 3 defaults) -----------------------------------------
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = ["zoneops.accounts.backends.PersonBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:landing"  # the workbench for most, the overview for leaders
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": _env_int("ZONEOPS_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "zoneops.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": _env_int("ZONEOPS_PASSWORD_MIN_CLASSES", 3)},
    },
]
ZONEOPS_LOCKOUT_ATTEMPTS = _env_int("ZONEOPS_LOCKOUT_ATTEMPTS", 5)
ZONEOPS_LOCKOUT_MINUTES = _env_int("ZONEOPS_LOCKOUT_MINUTES", 10)
ZONEOPS_SESSION_IDLE_MINUTES = _env_int("ZONEOPS_SESSION_IDLE_MINUTES", 30)
ZONEOPS_SESSION_ABSOLUTE_HOURS = _env_int("ZONEOPS_SESSION_ABSOLUTE_HOURS", 12)
ZONEOPS_DEMO_PASSWORD = os.environ.get("ZONEOPS_DEMO_PASSWORD", "")

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = ZONEOPS_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("ZONEOPS_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env_int("ZONEOPS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
ZONEOPS_MAX_SESSIONS = _env_int("ZONEOPS_MAX_SESSIONS", 3)  # per account; signing in again ends the oldest
ZONEOPS_TOKEN_DAYS = _env_int("ZONEOPS_TOKEN_DAYS", 90)  # API tokens expire after this many days
# Behind reverse proxies: how many of them to trust. Each appends the address it received from to
# X-Forwarded-For, so the client is the entry the outermost trusted proxy appended (counted from the
# right); anything left of it was written by the client and is ignored. 0 = use REMOTE_ADDR.
ZONEOPS_TRUSTED_PROXIES = _env_int("ZONEOPS_TRUSTED_PROXIES", 0)
ZONEOPS_CLIENT_IP_HEADER = os.environ.get("ZONEOPS_CLIENT_IP_HEADER") or "HTTP_X_FORWARDED_FOR"
# The audit chain's HMAC key: ZONEOPS_AUDIT_KEY, else a 0600 file (generated on first use) outside the DB.
ZONEOPS_AUDIT_KEY = os.environ.get("ZONEOPS_AUDIT_KEY", "")
ZONEOPS_AUDIT_KEY_FILE = Path(os.environ.get("ZONEOPS_AUDIT_KEY_FILE") or HOME / "audit_key")
ZONEOPS_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("ZONEOPS_AUDIT_CHECKPOINT_DIR") or HOME / "audit-checkpoints")
ZONEOPS_AUDIT_CHECKPOINT_HOURS = _env_int("ZONEOPS_AUDIT_CHECKPOINT_HOURS", 1)
# Tasks `zoneops worker` queues at start and then every N seconds (dotted path, seconds): idempotent sweeps.
ZONEOPS_PERIODIC_TASKS = [
    ("zoneops.audit.tasks.write_audit_checkpoint", ZONEOPS_AUDIT_CHECKPOINT_HOURS * 3600),
    ("zoneops.jobs.tasks.purge_expired_jobs", 3600),
    ("zoneops.problems.tasks.escalate_overdue_problems", 3600),
    ("zoneops.problems.tasks.remind_due_problems", 3600),
    ("zoneops.dispatch.tasks.remind_due_tasks", 3600),
    ("zoneops.notifications.tasks.deliver_robot_messages", 60),
    ("zoneops.notifications.tasks.send_notification_emails", 60),
]
# The API's browsable docs and OpenAPI document need a signed-in session unless this opens them.
ZONEOPS_API_DOCS_PUBLIC = _env_bool("ZONEOPS_API_DOCS_PUBLIC")
# Reads of single records that are audited (URL name → audit action), pages and API alike.
ZONEOPS_AUDITED_READS = {
    "projects:detail": "project.read",
    "projects:photo": "photo.read",
    "org:person_detail": "person.read",
    "api:project_detail": "project.read",
    "enterprises:detail": "enterprise.read",
    "api:enterprise_detail": "enterprise.read",
    "api:person_detail": "person.read",
}
CSRF_FAILURE_VIEW = "zoneops.api.errors.csrf_failure"

# Content-Security-Policy (django-csp): same-origin only; the few inline <script>/<style> blocks
# carry the per-request nonce. Inline event handlers (onclick=) are refused, so there are none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],  # style="" attributes only, never <style> elements
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- E-mail (optional) ------------------------------------------------------------------------
# With ZONEOPS_SMTP_HOST set, inbox messages also go by e-mail to people who have an address (the worker
# sends them once each); without it nothing is sent and nothing is queued.
EMAIL_HOST = os.environ.get("ZONEOPS_SMTP_HOST", "")
EMAIL_PORT = _env_int("ZONEOPS_SMTP_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ZONEOPS_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZONEOPS_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ZONEOPS_SMTP_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ZONEOPS_MAIL_FROM", "zoneops@localhost")
ZONEOPS_MAIL_ENABLED = bool(EMAIL_HOST)

# --- Language ---------------------------------------------------------------------------------
# Simplified Chinese only: no LocaleMiddleware, so a browser asking for English or 繁體 still gets
# zh-hans and Django's own messages never appear in another language. zoneops/locale rephrases a few
# of Django's stock validation messages (see docs/architecture.md, Language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ZONEOPS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = HOME / "media"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZONEOPS_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint.progress": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
