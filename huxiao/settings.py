"""Settings for 护校安园, read from the environment.

Zero configuration gives the embedded demo: SQLite under var/, in-memory channel layer and
SQLite-backed Huey. Production sets DJANGO_PRODUCTION=1 plus DATABASE_URL, REDIS_URL, SECRET_KEY,
FIELD_ENCRYPTION_KEY and ALLOWED_HOSTS; a missing production value raises ImproperlyConfigured.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUXIAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name, default=None, *, required_in_production=False):
    value = os.environ.get(name)
    if value in (None, ""):
        if required_in_production and PRODUCTION:
            raise ImproperlyConfigured(f"{name} must be set when DJANGO_PRODUCTION=1")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("HUXIAO_TESTING") or "pytest" in sys.modules

# The demo's keys are published with the source: production refuses them (and any key under 32 bytes).
DEMO_SECRET_KEY = "insecure-demo-key-only-for-the-embedded-demo-0123456789abcdef"
DEMO_FIELD_ENCRYPTION_KEY = "ZGVtby1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0wMDA="
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY, required_in_production=True)
# 32-byte key, base64 (urlsafe) encoded; used for AES-GCM field encryption and the HMAC blind index.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", DEMO_FIELD_ENCRYPTION_KEY, required_in_production=True)
# Retired field keys (comma-separated, same format): they still decrypt until `manage.py rotate_field_key`
# has re-encrypted every column with FIELD_ENCRYPTION_KEY (docs/security.md).
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS", [])


def _check_production_keys():
    import base64
    import binascii

    if SECRET_KEY == DEMO_SECRET_KEY or "insecure" in SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is the published demo key; set a random one (DJANGO_PRODUCTION=1)")
    if len(SECRET_KEY.encode()) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 bytes long (DJANGO_PRODUCTION=1)")
    if FIELD_ENCRYPTION_KEY == DEMO_FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is the published demo key; generate one (DJANGO_PRODUCTION=1)")
    try:
        key = base64.urlsafe_b64decode(FIELD_ENCRYPTION_KEY.encode())
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64 of 32 bytes") from exc
    if len(key) < 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must decode to at least 32 bytes (DJANGO_PRODUCTION=1)")


if PRODUCTION:
    _check_production_keys()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; from anyone else the
# header is ignored and the peer address is the client's (core.middleware.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

# The domain apps, in dependency order. Each may have api.py (router), urls.py (pages),
# nav.py (menu entries), demo.py (demo data) and tasks.py (Huey tasks); the project wires them in.
HUXIAO_APPS = [
    "huxiao.core",
    "huxiao.devices",
    "huxiao.defense",
    "huxiao.compliance",
    "huxiao.hazards",
    "huxiao.inspections",
    "huxiao.alarms",
    "huxiao.patrols",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "channels",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "django_filters",
    *HUXIAO_APPS,
]

MIDDLEWARE = [
    "huxiao.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "huxiao.core.inputs.RefuseControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "huxiao.core.middleware.RequestContextMiddleware",
    "huxiao.core.middleware.IdleTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huxiao.urls"
ASGI_APPLICATION = "huxiao.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "huxiao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "huxiao.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", required_in_production=True)
# SQLite (the embedded default, or a sqlite:// URL): writers queue for the lock instead of failing at once,
# and take it when their transaction starts (no deadlock when two processes upgrade read locks)
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                  "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "huxiao.sqlite3",
                             "OPTIONS": dict(SQLITE_OPTIONS)}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: channel layer, cache and Huey --------------------------------------------------
# Without a Huey consumer (``run_demo --no-worker``) tasks run in the process that queues them and the core
# clock in run_demo's own process (huxiao.core.clock.start_thread).
NO_WORKER = env_bool("HUXIAO_NO_WORKER")
REDIS_URL = env_str("REDIS_URL", required_in_production=True)
if REDIS_URL:
    # Redis PUBLISH/SUBSCRIBE: a wake-up is one PUBLISH and is pushed to every process's feed hub (the
    # list-based layer pops it with a blocking poll, a few round trips more per message). At most once is
    # enough: a hub that missed one reads the feed from the database (alarms.hub).
    # The prefix keeps deployments (and parallel test processes) that share one Redis apart: a wake-up
    # carries alarm rows of its own database.
    CHANNEL_PREFIX = env_str("CHANNEL_LAYER_PREFIX", "huxiao")
    if TESTING and "PYTEST_XDIST_WORKER" in os.environ:
        CHANNEL_PREFIX += "-test-" + os.environ["PYTEST_XDIST_WORKER"]
    CHANNEL_LAYERS = {
        "default": {"BACKEND": env_str("CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"),
                    "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_PREFIX}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "huxiao")}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "huxiao"),
        "url": REDIS_URL,
        "immediate": TESTING or NO_WORKER,
        "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "huxiao",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING or NO_WORKER,
        "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
    }

if TESTING:  # each test process keeps its own cache: test databases differ per process
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth and security ----------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:  # argon2 is deliberately slow; tests create hundreds of users
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# Applied whenever a password is set through the product (self-service, administrator, API); the demo
# seed sets its published password directly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "huxiao.core.validators.MinimumLengthPasswordValidator",
     "OPTIONS": {"min_length": max(12, env_int("PASSWORD_MIN_LENGTH", 12))}},
    {"NAME": "huxiao.core.validators.NoUsernamePasswordValidator"},
    {"NAME": "huxiao.core.validators.CommonPasswordValidator"},
    {"NAME": "huxiao.core.validators.StrengthPasswordValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "huxiao.core.validators.CharacterClassPasswordValidator"},
]
# Days after which a password must be changed at the next sign-in (等保); 0 turns expiry off.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90 if PRODUCTION else 0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "huxiao.core.signin.AccountDelayBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (huxiao.core.signin). Per client address a lockout (django-axes, the address being
# the proxy-verified one); per account a growing delay, never a lockout, so that nobody can shut a
# station out by failing on purpose. Browsers where the account signed in before carry a signed device
# cookie and are exempt from both while that device itself keeps failing less than the free count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "huxiao.core.middleware.client_ip"
AXES_WHITELIST_CALLABLE = "huxiao.core.signin.trusted_attempt"
AXES_RESET_ON_SUCCESS = False  # one valid account must not clear its address's count of guesses
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = not TESTING or env_bool("AXES_ENABLED_IN_TESTS")
SIGNIN_FREE_FAILURES = env_int("SIGNIN_FREE_FAILURES", 5)  # failures per account before delays begin
SIGNIN_MAX_DELAY_SECONDS = env_int("SIGNIN_MAX_DELAY_SECONDS", 300)  # delays double up to this
SIGNIN_FAILURE_MEMORY_HOURS = env_int("SIGNIN_FAILURE_MEMORY_HOURS", 24)  # an account's count is forgotten
SIGNIN_DEVICE_COOKIE_DAYS = env_int("SIGNIN_DEVICE_COOKIE_DAYS", 180)
# TOTP second factor (django-otp) for police roles and for system administrators; off in the demo, on in
# production. Any user who enrolled one is asked for it.
HUXIAO_REQUIRE_OTP_FOR_POLICE = env_bool("REQUIRE_OTP_FOR_POLICE", default=PRODUCTION)
HUXIAO_REQUIRE_OTP_FOR_ADMINS = env_bool("REQUIRE_OTP_FOR_ADMINS", default=PRODUCTION)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "护校安园")
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)  # default lifetime of an API token
# OpenAPI schema and interactive docs only for signed-in users (session or API token).
API_DOCS_REQUIRE_LOGIN = env_bool("API_DOCS_REQUIRE_LOGIN", default=PRODUCTION)

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False  # IdleTimeoutMiddleware refreshes expiry at most once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the cookie-less header meta; kept default
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Heartbeat batches commit without waiting for the WAL flush (PostgreSQL synchronous_commit=off): a crash
# may lose the last fraction of a second of heartbeats, never an alarm.
HEARTBEAT_ASYNC_COMMIT = env_bool("HEARTBEAT_ASYNC_COMMIT", True)

MAP_TILE_URL = env_str("MAP_TILE_URL", "")  # empty: maps draw school points without a base layer
_tile_origin = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_parts.scheme}://{_parts.netloc}"

# The video of a camera or NVR, linked from its device page: a URL template of the installation's GB/T 28181
# platform or NVR web client, e.g. "https://nvr.example/{device_code}" ({device_code}: the device's 编号; also
# {device_id}, {school_code}; values URL-quoted, http(s) only). Empty: no video link.
VIDEO_URL_TEMPLATE = env_str("VIDEO_URL_TEMPLATE", "")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # CSP 3: 'self' covers ws:/wss: to the same host
        "media-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "huxiao" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
try:  # collectstatic fills it; WhiteNoise warns when it is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only deployment path: collectstatic will say so
    pass
STATICFILES_DIRS = [BASE_DIR / "huxiao" / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders when collectstatic has not run
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20) * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20) * 1024 * 1024
# Background jobs (imports) beat while they run; one silent for JOB_STALE_SECONDS lost its worker and is
# retried JOB_STALE_RETRIES times, then failed with the reason shown on its page (huxiao.core.jobs).
JOB_HEARTBEAT_SECONDS = float(env_str("JOB_HEARTBEAT_SECONDS", "10"))
JOB_STALE_SECONDS = float(env_str("JOB_STALE_SECONDS", "120"))
JOB_STALE_RETRIES = env_int("JOB_STALE_RETRIES", 1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- notification channels (huxiao.core.notifications) ----------------------------------------
# The product's address, for links in e-mails ("https://huxiao.example.gov.cn"; empty: paths only).
SITE_URL = env_str("SITE_URL", "")
# E-mail: Django's backends. The demo writes each message as a file under var/mail/; production sends by
# SMTP (EMAIL_HOST …). Tests use Django's in-memory outbox.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                        else "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "护校安园 <noreply@localhost>")
# SMS: the dotted path of a gateway class with send(phone, text) that raises on failure; empty: no SMS.
# huxiao.core.notifications.RecordingSmsSender keeps messages in memory (tests, demo).
SMS_SENDER = env_str("SMS_SENDER", "")
# Which further channels each level uses until a user chooses (in-app always).
NOTIFY_DEFAULT_CHANNELS = {"info": [], "warning": ["email"], "danger": ["email", "sms"]}
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_SECONDS = [60, 300, 900, 3600]  # waits after the 1st, 2nd, 3rd and later failed attempts

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

