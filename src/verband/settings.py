"""Django settings for Verband. Everything that differs between installations comes from the
environment through the typed helpers in `verband.env`; see docs/configuration.md."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from verband.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

DEMO_SECRET = "demo-only-secret-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

DEBUG = env_bool("VERBAND_DEBUG", False, "Django debug mode. Never on in production.")
DEMO_MODE = env_bool(
    "VERBAND_DEMO",
    True,
    "Demo mode: loads the Rotterdam-Rijnmond demo region on first start, shows a demo banner on every "
    "page and marks every API answer. Turn off for any installation with real data.",
)
SECRET_KEY = env_str(
    "VERBAND_SECRET_KEY",
    DEMO_SECRET if DEMO_MODE else "",
    "Django secret key (sessions, CSRF, signed values). Required when demo mode is off.",
    secret=True,
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("VERBAND_SECRET_KEY is required when VERBAND_DEMO is off.")

ACCESS_LOG_KEY = env_str(
    "VERBAND_ACCESS_LOG_KEY",
    DEMO_SECRET if DEMO_MODE else "",
    "Key for the HMAC hash chain of the access log. Keep it outside the database so that someone who "
    "can write to the database cannot forge a valid chain, and apart from the secret key so that "
    "rotating that one does not break the chain. Required when demo mode is off.",
    group="Access log",
    secret=True,
)
if not ACCESS_LOG_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("VERBAND_ACCESS_LOG_KEY is required when VERBAND_DEMO is off.")

ALLOWED_HOSTS = env_list(
    "VERBAND_ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", "testserver"],
    "Host names Verband answers to.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "VERBAND_CSRF_TRUSTED_ORIGINS", [], "Origins (scheme://host) trusted for CSRF behind a reverse proxy."
)
SECURE_COOKIES = env_bool(
    "VERBAND_SECURE_COOKIES",
    not DEMO_MODE,
    "Send session and CSRF cookies only over HTTPS. On by default outside demo mode.",
    group="Sign-in",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The e-mail code as second factor of household members at their door (verband.portal).
    "django_otp.plugins.otp_email",
    "axes",
    "mozilla_django_oidc",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "verband.accounts",
    "verband.network",
    "verband.households",
    "verband.signals",
    "verband.safety",
    "verband.plans",
    "verband.collaboration",
    "verband.consultation",
    "verband.escalation",
    "verband.notifications",
    "verband.sharing",
    "verband.shielding",
    "verband.rights",
    "verband.journal",
    "verband.workspace",
    "verband.search",
    "verband.demo",
    "verband.retention",
    "verband.tasks",
    "verband.measures",
    "verband.platforms",
    "verband.steering",
    "verband.publicdoor",
    "verband.portal",
    # After django_tasks_db: its admin for task results is replaced by ours (verband.background.admin).
    "verband.background",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "verband.workspace.middleware.DemoMarkerMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "verband.workspace.middleware.NoStoreMiddleware",
    "verband.workspace.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "verband.workspace.middleware.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session rules: SessionExpiryMiddleware adds a message when it ends a session.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "verband.accounts.middleware.SessionExpiryMiddleware",
    "verband.accounts.middleware.HouseholdDoorMiddleware",
    "verband.accounts.middleware.SecondFactorRequiredMiddleware",
    "verband.accounts.middleware.ActingMembershipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "verband.urls"
WSGI_APPLICATION = "verband.wsgi.application"

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
                "django.template.context_processors.i18n",
                "verband.workspace.context_processors.verband",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
DATA_DIR = Path(
    env_str(
        "VERBAND_DATA_DIR",
        str(PROJECT_DIR / "var"),
        "Folder for the embedded SQLite database and other local state.",
        group="Database",
    )
)
DATABASE_URL = env_str(
    "DATABASE_URL",
    "",
    "Database to use, e.g. postgres://user:pass@host:5432/verband. Empty: the embedded SQLite "
    "database in VERBAND_DATA_DIR.",
    group="Database",
    secret=True,
)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "verband.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
                # start of a transaction so two writers queue instead of failing half-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "verband.accounts.backends.VerbandModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:start"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int(
    "VERBAND_LOCKOUT_FAILURES",
    5,
    "Failed sign-in attempts from one address before that account is locked for that address.",
    group="Sign-in",
    minimum=1,
)
AXES_COOLOFF_TIME = (
    env_int(
        "VERBAND_LOCKOUT_MINUTES",
        30,
        "Minutes an account stays locked for an address.",
        group="Sign-in",
        minimum=1,
    )
    / 60
)
# Lock the pair of account and address: nobody can lock a colleague out from elsewhere, and one
# colleague's typos do not lock out a whole office behind a shared address. Guessing at one account from
# many addresses raises an alarm instead (verband.sharing.signin_alarm).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
EMERGENCY_ACCESS_HOURS = env_int(
    "VERBAND_EMERGENCY_ACCESS_HOURS",
    24,
    "Hours an emergency access (break the glass: a professional not involved opens a household in acute "
    "danger, with a written reason) lasts. The regisseur and the privacy officers are told at once, and "
    "every use stays on the privacy officer's review list until judged.",
    group="Sign-in",
    minimum=1,
)
LOCKOUT_ALARM_FAILURES = env_int(
    "VERBAND_LOCKOUT_ALARM_FAILURES",
    20,
    "Failed sign-in attempts on one account, over all addresses and within the lockout time, that raise "
    "an alarm: the functional administrators are notified and the Beheer page lists the account.",
    group="Sign-in",
    minimum=2,
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# The same page, except at the household's door (its own page, without the professionals' wording).
AXES_LOCKOUT_CALLABLE = "verband.accounts.views.lockout_view"
AXES_VERBOSE = False
PROXY_COUNT = env_int(
    "VERBAND_PROXY_COUNT",
    0,
    "Number of reverse proxies in front of Verband (for the client address in the logs).",
    minimum=0,
)
# Lockout records count by the client address as the access log records it, an IPv6 address by its /64.
AXES_CLIENT_IP_CALLABLE = "verband.sharing.access.lockout_address"


def _totp_issuer(device: object) -> str:
    """The name an authenticator app shows beside the code: "Verband" for professionals, the door's neutral
    name for a household member (her phone may be looked at by the person she fears)."""
    user = getattr(device, "user", None)
    return HOUSEHOLD_TOTP_ISSUER if getattr(user, "household_member", False) else "Verband"


OTP_TOTP_ISSUER = _totp_issuer
# Even a superuser never sees a second-factor secret in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1
# The e-mail code of household members: a subject and body that say nothing but the code (no name, no
# organisation, no household) — the mail may be read by someone else on a shared device.
OTP_EMAIL_SUBJECT = "Code {token}"
OTP_EMAIL_BODY_TEMPLATE_PATH = "portal/email_code.txt"
OTP_EMAIL_TOKEN_VALIDITY = 600
HOUSEHOLD_TOTP_ISSUER = env_str(
    "VERBAND_HOUSEHOLD_TOTP_ISSUER",
    "Thuis",
    "The name a household member's authenticator app shows beside the code: neutral, it is seen on her phone.",
    group="Household's door",
)
HOUSEHOLD_MAIL_FROM = env_str(
    "VERBAND_HOUSEHOLD_MAIL_FROM",
    "Thuis <noreply@verband.localhost>",
    "Sender of the e-mails to household members (codes, a new message waits): neutral, it is seen in "
    "a mailbox someone else may read; not the sender of the professionals' e-mails.",
    group="Household's door",
)
OTP_EMAIL_SENDER = HOUSEHOLD_MAIL_FROM

PUBLIC_DOOR_LIMIT = env_int(
    "VERBAND_PUBLIC_DOOR_LIMIT",
    5,
    "Submissions the public door (/melden/) accepts from one address (an IPv6 /64) per window; more are "
    "refused with 429 and not stored.",
    group="Public door",
    minimum=1,
)
PUBLIC_DOOR_WINDOW_MINUTES = env_int(
    "VERBAND_PUBLIC_DOOR_WINDOW_MINUTES",
    60,
    "The window, in minutes, of the public door's limit per address.",
    group="Public door",
    minimum=1,
)
PUBLIC_DOOR_REGION = env_str(
    "VERBAND_PUBLIC_DOOR_REGION",
    "",
    "The code of the region that receives a citizen's signal from the public door when its postcode is "
    "missing or covered by no team or network. Empty: the first region.",
    group="Public door",
)

RECOGNITION_GRACE_MINUTES = env_int(
    "VERBAND_RECOGNITION_GRACE_MINUTES",
    15,
    "Minutes a reporter has to confirm the recognition of a web signal before the worker routes it with "
    "the automatic decisions (new persons where nothing was confirmed). API signals are routed at once.",
    group="Signals and routing",
    minimum=0,
)
RECOGNITION_CONFIRM_WORKING_DAYS = env_int(
    "VERBAND_RECOGNITION_CONFIRM_WORKING_DAYS",
    1,
    "Working days the reporting centre has to confirm a likely match (a signal attached to a known "
    "household on a probable but not certain recognition) in the 'te bevestigen' queue. 0 means the same "
    "working day.",
    group="Signals and routing",
    minimum=0,
)
INTAKE_LIMIT_PER_DAY = env_int(
    "VERBAND_INTAKE_LIMIT_PER_DAY",
    40,
    "Signals one user may register through the intake form per day. Past it the form is refused with a "
    "Dutch message, and the region's privacy officers are notified of unusual volume (counted from the "
    "access log).",
    group="Signals and routing",
    minimum=1,
)
CANDIDATE_VIEWS_PER_DAY = env_int(
    "VERBAND_CANDIDATE_VIEWS_PER_DAY",
    60,
    "Different register persons one user may be shown in the recognition step per day. Past it nobody "
    "is shown (the people are registered as new) and the region's privacy officers are notified of "
    "unusual volume (counted from the access log).",
    group="Signals and routing",
    minimum=1,
)
ESCALATION_HORIZON_DAYS = env_int(
    "VERBAND_ESCALATION_HORIZON_DAYS",
    30,
    "Days after which a stall is old: a sweep that finds a stall for the first time whose norm was "
    "breached longer ago than this (a first sweep over old or imported data, a worker that was down) "
    "lists it once for the network coordinator on the monitor 'tussen wal en schip', with one "
    "notification, instead of escalating it on its own.",
    group="Background work",
    minimum=1,
)
DIGEST_HOUR = env_int(
    "VERBAND_DIGEST_HOUR",
    7,
    "Hour of the day (local time, 0-23) from which the daily e-mail digest goes to users who chose it "
    "instead of an e-mail straight away.",
    group="Background work",
    minimum=0,
)
WORKER_INTERVAL_SECONDS = env_int(
    "VERBAND_WORKER_INTERVAL_SECONDS",
    10,
    "Seconds between two runs of each periodic sweep (routing signals left behind, escalations, "
    "notification e-mail left waiting). However many workers run, each period runs once.",
    group="Background work",
    minimum=1,
)
ACCESS_LOG_SEAL_SECONDS = env_int(
    "VERBAND_ACCESS_LOG_SEAL_SECONDS",
    2,
    "Seconds between two seals of the access log: every worker chains the entries written since the last "
    "seal (one at a time, under the lock of the chain's head). Until sealed, an entry is protected by its "
    "own HMAC only.",
    group="Access log",
    minimum=1,
)
ACCESS_LOG_CHECKPOINTS = Path(
    env_str(
        "VERBAND_ACCESS_LOG_CHECKPOINTS",
        "",
        "File the access log's checkpoints are appended to (sequence number and hash of the chain's end, "
        "with their HMAC), and checked against by verify_access_log: a rollback of the log's tail or a "
        "complete wipe is detected against them. Put it outside the database's reach (another disk or "
        "machine, write-once storage); each checkpoint is also logged to the logger "
        "verband.accesslog.checkpoint for a central log. Empty: access-log-checkpoints.jsonl in "
        "VERBAND_DATA_DIR.",
        group="Access log",
    )
    or DATA_DIR / "access-log-checkpoints.jsonl"
)
ACCESS_LOG_CHECKPOINT_SECONDS = env_int(
    "VERBAND_ACCESS_LOG_CHECKPOINT_SECONDS",
    300,
    "Seconds between two checkpoints written by the sealer (only when the chain grew).",
    group="Access log",
    minimum=1,
)
TASK_MAX_ATTEMPTS = env_int(
    "VERBAND_TASK_MAX_ATTEMPTS",
    5,
    "Attempts of a background task (routing one signal, sending notification e-mail) before it stays "
    "failed; failed tasks are listed for the functional administrator in the admin.",
    group="Background work",
    minimum=1,
)
TASK_RETRY_SECONDS = env_int(
    "VERBAND_TASK_RETRY_SECONDS",
    30,
    "Seconds before the first retry of a failed background task; each next retry waits twice as long.",
    group="Background work",
    minimum=1,
)
# Background work runs on Django's task framework (the django-tasks backport) with its database
# backend: any number of `manage.py worker` processes share the queue (see verband.background).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

INSTRUMENTS_DIR = env_str(
    "VERBAND_INSTRUMENTS_DIR",
    "",
    "A folder with the region's own instrument files (*.yaml, *.yml, *.json), e.g. a licensed risk "
    "assessment checklist; loaded next to the built-in neutral screening and Balansmodel. See "
    "docs/instruments.md. Invalid files are skipped and reported by `manage.py check_instruments`.",
    group="Safety",
)
STEERING_INDICATORS_DIR = env_str(
    "VERBAND_STEERING_INDICATORS_DIR",
    "",
    "A folder with the region's own indicator sets (*.yaml, *.yml), loaded next to the built-in "
    "core indicators and Kompas set. Checked by `manage.py check_indicators`.",
    group="Steering",
)
STEERING_REFRESH_SECONDS = env_int(
    "VERBAND_STEERING_REFRESH_SECONDS",
    3600,
    "How often the worker recomputes the steering indicators (seconds).",
    group="Steering",
    minimum=60,
)
MEASURE_REVIEW_WORKDAYS = env_int(
    "VERBAND_MEASURE_REVIEW_WORKDAYS",
    3,
    "Working days before a protective measure ends (a huisverbod, a ban, an alarm, a child-protection "
    "measure), a detained member is released or a danger fact is to be reviewed, that the regisseur gets "
    "the task to review the safety plan. Not done by that date, it goes onto the escalation ladder.",
    group="Safety",
    minimum=0,
)

RETENTION_FILE = env_str(
    "VERBAND_RETENTION_FILE",
    "",
    "A YAML file with the retention periods per kind of organisation (how long a closed household's data "
    "is kept before the daily sweep pseudonymises it). Empty: the built-in defaults "
    "(src/verband/retention/retention.yaml), which the region's privacy officer must confirm. Validated at "
    "start-up: a bad file stops Verband with a message that says where. See docs/retention.md.",
    group="Retention",
)
RETENTION_SWEEP = env_bool(
    "VERBAND_RETENTION_SWEEP",
    True,
    "Let the worker run the retention sweep once a day: closed households whose period is over lose their "
    "free text and their persons are pseudonymised, with a report per run. Turn off while migrating old "
    "data or until the periods are confirmed; `manage.py retention_sweep` still runs it by hand.",
    group="Retention",
)

SESSION_IDLE_MINUTES = env_int(
    "VERBAND_SESSION_IDLE_MINUTES",
    30,
    "Minutes without activity after which a session ends.",
    group="Sign-in",
    minimum=1,
)
SESSION_MAX_HOURS = env_int(
    "VERBAND_SESSION_MAX_HOURS",
    10,
    "Hours after sign-in after which a session ends regardless of activity.",
    group="Sign-in",
    minimum=1,
)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
QUICK_EXIT_URL = env_str(
    "VERBAND_QUICK_EXIT_URL",
    "https://www.google.com/search?q=weerbericht",
    "The neutral site the quick exit (“Snel weg”) of the household's door and the public door leaves for.",
    group="Household's door",
)
HOUSEHOLD_INVITATION_DAYS = env_int(
    "VERBAND_HOUSEHOLD_INVITATION_DAYS",
    14,
    "Days an invitation code for the household's door stays valid.",
    group="Household's door",
    minimum=1,
)
HOUSEHOLD_SESSION_IDLE_MINUTES = env_int(
    "VERBAND_HOUSEHOLD_SESSION_IDLE_MINUTES",
    10,
    "Minutes without activity after which a household member's session at the household's door ends.",
    group="Household's door",
    minimum=1,
)
HOUSEHOLD_SESSION_MAX_MINUTES = env_int(
    "VERBAND_HOUSEHOLD_SESSION_MAX_MINUTES",
    60,
    "Minutes after sign-in after which a household member's session ends regardless of activity.",
    group="Household's door",
    minimum=1,
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_FAILURE_VIEW = "verband.workspace.views.csrf_failure"

# --- OpenID Connect -------------------------------------------------------------------------------
OIDC_ENABLED = env_bool(
    "OIDC_ENABLED",
    False,
    "Offer sign-in through the region's OpenID Connect provider.",
    group="OpenID Connect",
)
OIDC_RP_CLIENT_ID = env_str(
    "OIDC_RP_CLIENT_ID", "", "Client id registered at the provider.", group="OpenID Connect"
)
OIDC_RP_CLIENT_SECRET = env_str(
    "OIDC_RP_CLIENT_SECRET",
    "",
    "Client secret registered at the provider.",
    group="OpenID Connect",
    secret=True,
)
OIDC_RP_SIGN_ALGO = env_str(
    "OIDC_RP_SIGN_ALGO", "RS256", "Signing algorithm of the provider's ID tokens.", group="OpenID Connect"
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", "", "The provider's authorization endpoint URL.", group="OpenID Connect"
)
OIDC_OP_TOKEN_ENDPOINT = env_str(
    "OIDC_OP_TOKEN_ENDPOINT", "", "The provider's token endpoint URL.", group="OpenID Connect"
)
OIDC_OP_USER_ENDPOINT = env_str(
    "OIDC_OP_USER_ENDPOINT", "", "The provider's userinfo endpoint URL.", group="OpenID Connect"
)
OIDC_OP_JWKS_ENDPOINT = env_str(
    "OIDC_OP_JWKS_ENDPOINT", "", "The provider's JSON Web Key Set URL.", group="OpenID Connect"
)
OIDC_OP_ISSUER = env_str(
    "OIDC_OP_ISSUER",
    "",
    "The provider's issuer identifier (required when OIDC_ENABLED): ID tokens from any other issuer "
    "are refused.",
    group="OpenID Connect",
)
OIDC_RP_SCOPES = env_str(
    "OIDC_RP_SCOPES", "openid email profile", "Scopes requested from the provider.", group="OpenID Connect"
)
OIDC_MFA_AMR_VALUES = env_list(
    "OIDC_MFA_AMR_VALUES",
    ["mfa", "otp", "hwk", "swk"],
    "Values of the ID token's `amr` claim that prove the provider already did a second factor; without "
    "one of them Verband asks for its own one-time code.",
    group="OpenID Connect",
)
OIDC_USE_NONCE = True
# Proof Key for Code Exchange (RFC 7636, S256): an intercepted authorization code is useless on its own.
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = False
OIDC_CREATE_USER = False
OIDC_AUTHENTICATE_CLASS = "verband.accounts.oidc.VerbandOIDCAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "verband.accounts.oidc.VerbandOIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/aanmelden/?oidc=mislukt"
# The household's door may sign its members in through a citizen identity provider (its own client, apart
# from the professionals' provider above). Accounts are never made by the provider: a member links their
# subject while redeeming their invitation code, and is found by that subject afterwards.
HOUSEHOLD_OIDC_ENABLED = env_bool(
    "VERBAND_HOUSEHOLD_OIDC_ENABLED",
    False,
    "Let household members sign in at the household's door through a citizen identity provider.",
    group="Household's door",
)
HOUSEHOLD_OIDC_PROVIDER_NAME = env_str(
    "VERBAND_HOUSEHOLD_OIDC_PROVIDER_NAME",
    "",
    "The name on the button of the household's door, e.g. the identity provider's own name.",
    group="Household's door",
)
HOUSEHOLD_OIDC_OP_ISSUER = env_str(
    "VERBAND_HOUSEHOLD_OIDC_OP_ISSUER",
    "",
    "The citizen identity provider's issuer identifier (required when enabled; other issuers are refused).",
    group="Household's door",
)
HOUSEHOLD_OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "VERBAND_HOUSEHOLD_OIDC_OP_AUTHORIZATION_ENDPOINT", "", "Its authorization endpoint URL.",
    group="Household's door",
)  # fmt: skip
HOUSEHOLD_OIDC_OP_TOKEN_ENDPOINT = env_str(
    "VERBAND_HOUSEHOLD_OIDC_OP_TOKEN_ENDPOINT", "", "Its token endpoint URL.", group="Household's door"
)
HOUSEHOLD_OIDC_OP_USER_ENDPOINT = env_str(
    "VERBAND_HOUSEHOLD_OIDC_OP_USER_ENDPOINT", "", "Its userinfo endpoint URL.", group="Household's door"
)
HOUSEHOLD_OIDC_OP_JWKS_ENDPOINT = env_str(
    "VERBAND_HOUSEHOLD_OIDC_OP_JWKS_ENDPOINT", "", "Its JSON Web Key Set URL.", group="Household's door"
)
HOUSEHOLD_OIDC_RP_CLIENT_ID = env_str(
    "VERBAND_HOUSEHOLD_OIDC_RP_CLIENT_ID", "", "Client id of the household's door at the provider.",
    group="Household's door",
)  # fmt: skip
HOUSEHOLD_OIDC_RP_CLIENT_SECRET = env_str(
    "VERBAND_HOUSEHOLD_OIDC_RP_CLIENT_SECRET", "", "Client secret of the household's door at the provider.",
    group="Household's door", secret=True,
)  # fmt: skip
HOUSEHOLD_OIDC_RP_SIGN_ALGO = env_str(
    "VERBAND_HOUSEHOLD_OIDC_RP_SIGN_ALGO", "RS256", "Signing algorithm of its ID tokens.",
    group="Household's door",
)  # fmt: skip
HOUSEHOLD_OIDC_RP_SCOPES = env_str(
    "VERBAND_HOUSEHOLD_OIDC_RP_SCOPES", "openid", "Scopes requested from it (no more than needed).",
    group="Household's door",
)  # fmt: skip
if OIDC_ENABLED:
    if not OIDC_OP_ISSUER:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("OIDC_OP_ISSUER is required when OIDC_ENABLED is on (issuer pinning).")
    AUTHENTICATION_BACKENDS.append("verband.accounts.oidc.VerbandOIDCBackend")
if HOUSEHOLD_OIDC_ENABLED:
    if not HOUSEHOLD_OIDC_OP_ISSUER:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "VERBAND_HOUSEHOLD_OIDC_OP_ISSUER is required when VERBAND_HOUSEHOLD_OIDC_ENABLED is on."
        )
    AUTHENTICATION_BACKENDS.append("verband.portal.oidc.DoorOIDCBackend")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Documents ------------------------------------------------------------------------------------
# Uploaded documents go through Django's storage API: a folder on this machine by default, S3-compatible
# object storage (django-storages, the `s3` extra) by configuration. They are never served from a public
# URL: only the download view, which checks access and logs it, reads them (MEDIA_URL stays unset).
DOCUMENT_MAX_MB = env_int(
    "VERBAND_UPLOAD_MAX_MB",
    20,
    "Largest document (PDF, image, office file) a professional can upload, in megabytes.",
    group="Documents",
    minimum=1,
)
DOCUMENT_MAX_BYTES = DOCUMENT_MAX_MB * 1024 * 1024
MEDIA_ROOT = env_str(
    "VERBAND_DOCUMENTS_DIR",
    "",
    "Folder for uploaded documents when VERBAND_STORAGE is `filesystem`. Not served by the web server. "
    "Empty: documents/ in VERBAND_DATA_DIR.",
    group="Documents",
) or str(DATA_DIR / "documents")
DOCUMENT_STORAGE = env_str(
    "VERBAND_STORAGE",
    "filesystem",
    "Where uploaded documents are kept: `filesystem` (VERBAND_DOCUMENTS_DIR) or `s3` (an S3-compatible "
    "object store; install the `s3` extra and set the VERBAND_S3_* variables).",
    group="Documents",
)
S3_BUCKET = env_str("VERBAND_S3_BUCKET", "", "Bucket for documents (VERBAND_STORAGE=s3).", group="Documents")
S3_ENDPOINT_URL = env_str(
    "VERBAND_S3_ENDPOINT_URL",
    "",
    "Endpoint of the S3-compatible store, e.g. https://s3.example.nl (empty: Amazon S3).",
    group="Documents",
)
S3_REGION = env_str("VERBAND_S3_REGION", "", "Region of the bucket (VERBAND_STORAGE=s3).", group="Documents")
S3_ACCESS_KEY = env_str(
    "VERBAND_S3_ACCESS_KEY",
    "",
    "Access key for the bucket (VERBAND_STORAGE=s3).",
    group="Documents",
    secret=True,
)
S3_SECRET_KEY = env_str(
    "VERBAND_S3_SECRET_KEY",
    "",
    "Secret key for the bucket (VERBAND_STORAGE=s3).",
    group="Documents",
    secret=True,
)


def document_storage(kind: str, *, bucket: str = "", endpoint: str = "", region: str = "",
                     access_key: str = "", secret_key: str = "") -> dict:  # fmt: skip
    """The default storage's configuration for VERBAND_STORAGE (`filesystem` or `s3`)."""
    from django.core.exceptions import ImproperlyConfigured

    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"VERBAND_STORAGE must be filesystem or s3, got {kind!r}")
    if not bucket:
        raise ImproperlyConfigured("VERBAND_S3_BUCKET is required when VERBAND_STORAGE is s3.")
    options: dict[str, object] = {
        "bucket_name": bucket,
        # Private objects, never overwritten; a document is read only through Verband's download view.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    for key, value in (("endpoint_url", endpoint), ("region_name", region), ("access_key", access_key),
                       ("secret_key", secret_key)):  # fmt: skip
        if value:
            options[key] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": document_storage(
        DOCUMENT_STORAGE,
        bucket=S3_BUCKET,
        endpoint=S3_ENDPOINT_URL,
        region=S3_REGION,
        access_key=S3_ACCESS_KEY,
        secret_key=S3_SECRET_KEY,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Security headers -----------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "VERBAND_MAX_REQUEST_BYTES",
    2_621_440,
    "Largest request body Verband accepts, in bytes; a larger one is answered with 413 before it is read.",
    group="Security",
    minimum=1024,
)
SECURE_SSL_REDIRECT = env_bool(
    "VERBAND_HTTPS_REDIRECT",
    not DEMO_MODE,
    "Redirect plain HTTP requests to HTTPS. On by default outside demo mode. Behind a reverse proxy that "
    "ends TLS, set VERBAND_PROXY_COUNT so that its X-Forwarded-Proto header is trusted.",
    group="Security",
)
SECURE_HSTS_SECONDS = env_int(
    "VERBAND_HSTS_SECONDS",
    0 if DEMO_MODE else 31_536_000,
    "Strict-Transport-Security max-age in seconds: browsers then only ever use HTTPS for this host. One "
    "year by default outside demo mode; 0 sends no header.",
    group="Security",
    minimum=0,
)
if PROXY_COUNT:
    # The proxy in front ends TLS and says so; requests that did not come through it cannot reach Verband.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No page of Verband uses these browser features: a script that got in still cannot switch them on.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF] + ([OIDC_OP_AUTHORIZATION_ENDPOINT] if OIDC_OP_AUTHORIZATION_ENDPOINT else []),
    }
}

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = env_str(
    "VERBAND_LOG_LEVEL", "INFO", "Level of the application log (never contains personal data)."
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SMTP_URL = env_str(
    "VERBAND_SMTP_URL",
    "",
    "Mail server for notification e-mails, e.g. smtp+tls://user:pass@mail.example.nl:587. Empty: "
    "e-mails are printed to the console (the demo).",
    group="Notifications",
    secret=True,
)
if SMTP_URL:
    from urllib.parse import unquote, urlsplit

    _smtp = urlsplit(SMTP_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "localhost"
    EMAIL_PORT = _smtp.port or 25
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_TLS = _smtp.scheme == "smtp+tls"
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str(
    "VERBAND_MAIL_FROM", "Verband <noreply@verband.localhost>", "Sender of notification e-mails.",
    group="Notifications",
)  # fmt: skip
BASE_URL = env_str(
    "VERBAND_BASE_URL",
    "http://127.0.0.1:8000",
    "Address users reach Verband at; notification e-mails link to it.",
    group="Notifications",
).rstrip("/")

SMALL_CELL_THRESHOLD = env_int(
    "VERBAND_SMALL_CELL_THRESHOLD",
    5,
    "Counts below this number are not shown in steering overviews (small-cell suppression).",
    group="Steering",
    minimum=1,
)

MEMBER_QUESTION_ANSWER_DAYS = env_int(
    "VERBAND_MEMBER_QUESTION_ANSWER_DAYS",
    3,
    "Working days the regisseur has to answer a question a household member asked at the household's "
    "door (/thuis/). A question still unanswered after it goes onto the escalation ladder.",
    group="Household's door",
    minimum=1,
)
