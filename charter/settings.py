"""Charter's settings, read from environment variables through typed helpers.

The defaults give the embedded set-up: a SQLite file under var/, debug off unless asked for.
Set DATABASE_URL (postgres://user@host:port/name) for PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf import global_settings

from charter.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CHARTER_VAR_DIR", str(BASE_DIR / "var")))

DEFAULT_SECRET_KEY = "charter-insecure-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # the API's docs page from our own static files (the CSP allows no other origin)
    "django_tasks",
    "django_tasks_db",
    "charter.accounts",
    "charter.members",
    "charter.org",
    "charter.rulebook",
    "charter.record",
    "charter.notices",
    "charter.meetings",
    "charter.discipline",
    "charter.initiatives",
    "charter.money",
    "charter.voting",
    "charter.elections",
    "charter.conferences",
    "charter.floor",
    "charter.dashboards",
    "charter.help",
    "charter.progress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "charter.accounts.middleware.SecurityContextMiddleware",
    "charter.accounts.middleware.RequireTwoFactorMiddleware",
    "charter.accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "charter.urls"
WSGI_APPLICATION = "charter.wsgi.application"
ASGI_APPLICATION = "charter.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "charter" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["charter.formats.numbers"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'charter.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or _default_db, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
}
# Under ASGI every request runs its database work in a thread of its own, so persistent connections
# (DB_CONN_MAX_AGE) would outlive their threads. On PostgreSQL, DB_POOL=N keeps a pool of up to N
# connections per server process instead (`charter serve` sets it; decision 0009).
DB_POOL = env_int("DB_POOL", 0)
if DB_POOL > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": DB_POOL, "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own cursors bind on the client and never prepare. The record's append and verify use
    # the driver's server-binding cursors, whose statements the driver prepares once per connection
    # on their fifth use: its default, which Django otherwise turns off (decision 0003).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the worker and the web process share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _test_name = env_str("CHARTER_TEST_SQLITE", "")
    if _test_name:
        DATABASES["default"]["TEST"] = {"NAME": _test_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's password check; a signed-in request's user, member and second-factor facts in one query
AUTHENTICATION_BACKENDS = ["charter.accounts.backends.MemberBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "members:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ur", "اردو"), ("sd", "سنڌي")]
# Django does not count Sindhi (written in Arabic script in Pakistan) among the right-to-left languages.
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "sd"]
LOCALE_PATHS = [BASE_DIR / "charter" / "locale"]
# Dates and numbers per language (charter/formats; decision 0020): Django has none for Sindhi or Urdu.
FORMAT_MODULE_PATH = ["charter.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "charter" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
        # "default": the notices' kicks; "operations": long operations started from a page (decision 0018)
        "QUEUES": ["default", "operations"],
    }
}
# Long operations write their progress row at most this often (seconds); pages poll it every 2 s.
PROGRESS_INTERVAL = env_int("PROGRESS_INTERVAL", 1)
# Inside an all-or-nothing act, where the row is not visible yet, the figures also go to a file here
# (progress/beacon.py); the server's processes and its worker share this machine's disk.
PROGRESS_DIR = Path(env_str("PROGRESS_DIR", str(VAR_DIR / "progress")))

# Notices: which transports deliver which channel. "console" writes to var/outbox/; email may be
# "smtp" (the EMAIL_* settings below), SMS "http" (an SMS gateway's HTTP API, SMS_GATEWAY_*).
NOTICE_EMAIL_TRANSPORT = env_str("NOTICE_EMAIL_TRANSPORT", "console")
NOTICE_SMS_TRANSPORT = env_str("NOTICE_SMS_TRANSPORT", "console")
NOTICE_OUTBOX_DIR = Path(env_str("NOTICE_OUTBOX_DIR", str(VAR_DIR / "outbox")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "charter@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the start, usually on port 465
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a slow server delays a notice, not the worker
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)

# Disciplinary cases: whoever must act is warned this many days before a deadline passes.
DEADLINE_WARNING_DAYS = env_int("DEADLINE_WARNING_DAYS", 3)

# The public record's checkpoints: signed with Ed25519 under the log's origin (also the key's name).
# The signing key is RECORD_SIGNING_KEY (a "PRIVATE+KEY+..." string) or, when unset, the file
# RECORD_SIGNING_KEY_FILE, created on first use with a new key (keep it, and back it up).
RECORD_ORIGIN = env_str("RECORD_ORIGIN", "charter.localhost/record")
RECORD_SIGNING_KEY = env_str("RECORD_SIGNING_KEY", "")
RECORD_SIGNING_KEY_FILE = Path(env_str("RECORD_SIGNING_KEY_FILE", str(VAR_DIR / "record-signing.key")))

# Live screens (voting.live): a poll's state is read at most once per LIVE_INTERVAL seconds per
# server process and pushed to its open connections; a heartbeat every LIVE_HEARTBEAT seconds.
LIVE_INTERVAL = float(env_str("LIVE_INTERVAL", "0.5"))
LIVE_HEARTBEAT = float(env_str("LIVE_HEARTBEAT", "15"))
# A conference's floor (floor.live): the hall's version is looked at every FLOOR_LIVE_INTERVAL
# seconds per process (one small query), the full state read when it moved (decision 0015).
FLOOR_LIVE_INTERVAL = float(env_str("FLOOR_LIVE_INTERVAL", "0.1"))
# Requests in Django's threads at once per server process (charter/asgi.py); 0: no bound.
SERVE_CONCURRENCY = env_int("SERVE_CONCURRENCY", 6)

# --- Security (decision 0012) ---------------------------------------------------------------------
# Production is served over HTTPS (SITE_ROOT https://...): then cookies are Secure, HSTS is sent
# and plain HTTP is redirected. SECURE_COOKIES / HSTS_SECONDS / SECURE_SSL_REDIRECT override.
HTTPS = env_bool("HTTPS", SITE_ROOT.startswith("https://"))
# Behind a reverse proxy that ends TLS (docs/self-hosting.md): HTTPS trusts the proxy's
# X-Forwarded-Proto (and only that proxy may reach the app server).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Database sessions whose per-request read is one plain statement (charter/accounts/sessions.py)
SESSION_ENGINE = "charter.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end on sign-out (the row is deleted) and expire: SESSION_HOURS after sign-in, and when
# the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
# Charter has a host of its own (charter.example.org): its subdomains are HTTPS-only too. The preload
# directive only allows a submission to the browsers' list; nothing is submitted.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS))
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", env_bool("SECURE_HSTS_PRELOAD", HTTPS))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The reverse proxies whose X-Forwarded-For (and X-Forwarded-Proto) are believed: addresses or
# networks, e.g. "127.0.0.1,10.0.0.0/8". Anyone else's headers are ignored (accounts.security).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in guessing (accounts.throttle): per username and address, per address, a finite cool-off.
SIGNIN_FAILURES_PER_SOURCE = env_int("SIGNIN_FAILURES_PER_SOURCE", 5)
SIGNIN_FAILURES_PER_IP = env_int("SIGNIN_FAILURES_PER_IP", 50)
SIGNIN_COOLOFF_SECONDS = env_int("SIGNIN_COOLOFF_SECONDS", 15 * 60)
SIGNIN_DEVICE_COOKIE_AGE = 180 * 24 * 3600
# Two-factor: the issuer shown in authenticator apps; a code is good for its 30-second step and one
# step either side (clock drift), and only once.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Charter")
# Content Security Policy (django-csp): scripts and styles only from our own files, no inline
# code, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Security events (accounts.security): sign-ins, failures, lockouts, refusals, acts done on the
    # web or the API. One escaped line each; route them where the administrator keeps such logs.
    "loggers": {"charter.security": {"level": env_str("SECURITY_LOG_LEVEL", "INFO")}},
}
