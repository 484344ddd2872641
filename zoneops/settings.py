"""Django settings for ZoneOps.

This is the only module that reads the environment (see .env.example for every variable).
Defaults give the embedded deployment: SQLite under $ZONEOPS_HOME, a database task queue,
local files. PostgreSQL, Redis and production hardening are switched on by variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("ZONEOPS_HOME", BASE_DIR.parent / "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    return int(os.environ.get(name, default))


def _secret_key():
    """The key comes from ZONEOPS_SECRET_KEY; an embedded install keeps a generated one in HOME."""
    if key := os.environ.get("ZONEOPS_SECRET_KEY"):
        return key
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


PRODUCTION = _env_bool("ZONEOPS_PRODUCTION")
DEBUG = _env_bool("ZONEOPS_DEBUG") and not PRODUCTION
SECRET_KEY = _secret_key()
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
    "template_partials",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "zoneops.core",
    "zoneops.audit",
    "zoneops.org",
    "zoneops.accounts",
    "zoneops.projects",
    "zoneops.api",
    "zoneops.demo",
    "zoneops.exchange",
    "zoneops.jobs",
    "zoneops.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zoneops.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zoneops.accounts.middleware.SessionTimeoutMiddleware",
    "zoneops.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
# Tasks every `zoneops worker` enqueues at start and then every so many seconds (idempotent sweeps).
ZONEOPS_SCHEDULE = {"zoneops.jobs.tasks.purge_expired_jobs": 3600}
# `zoneops serve` starts one `zoneops worker` beside gunicorn (the embedded install); production runs
# workers as their own processes and turns this off.
ZONEOPS_EMBEDDED_WORKER = _env_bool("ZONEOPS_EMBEDDED_WORKER", not PRODUCTION) and TASKS_QUEUE == "db"

# --- Accounts and security (等保2.0 level 3 defaults) -----------------------------------------
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = ["zoneops.accounts.backends.PersonBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
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
# Behind a proxy the client address comes from this header (set it only when a proxy is in front).
ZONEOPS_CLIENT_IP_HEADER = os.environ.get("ZONEOPS_CLIENT_IP_HEADER", "")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
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
