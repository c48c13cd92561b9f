"""The composition root: the ONE place that reads the environment and builds the services.

    LAYANAN_TABLE                 DynamoDB table (default "layanan")
    LAYANAN_DYNAMODB_ENDPOINT     e.g. DynamoDB Local's URL; AWS's endpoint when unset
    AWS_DEFAULT_REGION            default ap-southeast-3 (Jakarta)
    LAYANAN_MAIL_TRANSPORT        "ses" (default on Lambda) or "smtp"
    LAYANAN_SMTP_HOST / _PORT     for smtp (default 127.0.0.1:25); _STARTTLS=1, _USERNAME, _PASSWORD optional
    LAYANAN_MAIL_FROM             the sender, e.g. "Disperinaker Klungkung <layanan@klungkungkab.go.id>"
    LAYANAN_BASE_URL              the public origin, for links in mail (default http://127.0.0.1:8000)
    LAYANAN_STANDARDS_DIR         standards/ (default: chalicelib/standards in a Lambda package, else the repo's)
    LAYANAN_OFFICERS_FILE         officer directory as YAML ...
    LAYANAN_OFFICERS_PARAMETER    ... or the SSM parameter holding it (production)
    LAYANAN_SECRET                HMAC key of links and forms ...
    LAYANAN_SECRET_PARAMETER      ... or the SSM SecureString holding it (production: keep it out of config)
    LAYANAN_TOKEN_TTL_DAYS        how long an approval link works (default 7)
    LAYANAN_SUBMISSION_RATE_LIMIT   applications one client may submit per window (default 10; 0: no limit)
    LAYANAN_SUBMISSION_RATE_WINDOW  that window, in seconds (default 600)
    LAYANAN_CLIENT_IP_HEADER      header holding the client's "ip:port", set by the proxy in front, e.g.
                                  CloudFront-Viewer-Address (production); empty: API Gateway's source IP
                                  (locally, and anywhere without a proxy that overwrites the header)
    LAYANAN_ORIGIN_SECRET_PARAMETER  SSM SecureString of the values CloudFront sends in X-Layanan-Origin
                                  (one per line; production): a request without one is refused 403
                                  (chalicelib/web/edge.py). Unset, as locally: no check.
    LAYANAN_SES_CONFIGURATION_SET SES configuration set named in every send (production: its event
                                  destination reports bounces and complaints back to the app)
    LAYANAN_METRICS_NAMESPACE     CloudWatch namespace the outbox run reports its metrics in, as embedded
                                  metric format log lines (production); unset: none reported

DynamoDB calls time out (connect 2 s, read 5 s) and are retried by botocore (standard mode, 3 attempts in
all), so a stuck connection ends as StoreUnavailableError well within the Lambda's 30 s.

Nothing is created at import: get_services() builds on first use and caches; tests call
set_services() with fakes, and reset() drops the cache (`make serve` does after a standards edit).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.applications.approvals import ApprovalService
from chalicelib.applications.completion import CompletionService
from chalicelib.applications.rate_limit import DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS, RateLimit
from chalicelib.applications.retention import RetentionService
from chalicelib.applications.submissions import SubmissionService
from chalicelib.applications.tokens import DEFAULT_TTL_DAYS
from chalicelib.complaints.filing import ComplaintService
from chalicelib.complaints.handling import HandlingService
from chalicelib.complaints.reminders import ComplaintDeadlines
from chalicelib.deadlines.digest import DigestService
from chalicelib.deadlines.run import DeadlineService
from chalicelib.documents.drafts import DraftStore
from chalicelib.documents.flow import DraftService
from chalicelib.documents.port import FileStore
from chalicelib.documents.s3 import S3FileStore
from chalicelib.mail.bounces import MailProblemService
from chalicelib.mail.complaint_mail import ComplaintMailComposer
from chalicelib.mail.composer import MailComposer
from chalicelib.mail.metrics import emf_line
from chalicelib.mail.outbox import OutboxSender
from chalicelib.mail.transports import Mailer, SesMailer, SmtpMailer
from chalicelib.officers.directory import Directory, load_file, load_parameter
from chalicelib.performance.published import PerformanceService
from chalicelib.randomness import SystemTokenSource, TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.compiled import open_catalogue
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.storage.dynamo_drafts import DynamoDrafts
from chalicelib.storage.port import Store
from chalicelib.surveys.follow_up import populations_from
from chalicelib.surveys.service import SurveyService
from chalicelib.time.clock import Clock, SystemClock
from chalicelib.web.edge import parse_origin_secrets

HERE = Path(__file__).resolve().parent
BUNDLED_STANDARDS = HERE / "standards"  # compiled in by the deployment, gitignored
REPO_STANDARDS = HERE.parents[1] / "standards"
DEFAULT_REGION = "ap-southeast-3"
MIN_SECRET_LENGTH = 32
MAX_RATE_WINDOW = 86400  # a day
DYNAMODB_CONNECT_TIMEOUT = 2  # seconds
DYNAMODB_READ_TIMEOUT = 5
DYNAMODB_ATTEMPTS = 3  # the first try included


class ConfigurationError(RuntimeError):
    """The environment does not describe a usable deployment: the message says what is missing."""


@dataclass(frozen=True)
class Settings:
    table: str = "layanan"
    dynamodb_endpoint: str = ""
    region: str = DEFAULT_REGION
    mail_transport: str = "ses"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "Layanan <layanan@localhost>"
    base_url: str = "http://127.0.0.1:8000"
    standards_dir: Path = REPO_STANDARDS
    officers_file: str = ""
    officers_parameter: str = ""
    secret: str = ""
    secret_parameter: str = ""
    token_ttl_days: int = DEFAULT_TTL_DAYS
    submission_rate_limit: int = DEFAULT_LIMIT
    submission_rate_window: int = DEFAULT_WINDOW_SECONDS
    client_ip_header: str = ""
    origin_secret_parameter: str = ""
    ses_configuration_set: str = ""
    metrics_namespace: str = ""
    uploads_bucket: str = ""  # the applicants' files (issue 12); none: the document flow answers 503
    uploads_endpoint: str = ""  # a local S3 (make serve, tests); none: AWS's regional endpoint
    malware_scan: bool = False  # GuardDuty tags sent files (the stack's MalwareScan option): officers see the result

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        standards = env.get("LAYANAN_STANDARDS_DIR") or str(
            BUNDLED_STANDARDS if BUNDLED_STANDARDS.is_dir() else REPO_STANDARDS
        )
        standards_dir = Path(standards)
        if not standards_dir.is_absolute():  # relative to the app (Lambda's task root), not the cwd
            standards_dir = HERE.parent / standards_dir
        try:
            ttl = int(env.get("LAYANAN_TOKEN_TTL_DAYS") or DEFAULT_TTL_DAYS)
            port = int(env.get("LAYANAN_SMTP_PORT") or 25)
            rate_limit = int(env.get("LAYANAN_SUBMISSION_RATE_LIMIT") or DEFAULT_LIMIT)
            rate_window = int(env.get("LAYANAN_SUBMISSION_RATE_WINDOW") or DEFAULT_WINDOW_SECONDS)
        except ValueError as error:
            raise ConfigurationError(f"not a number: {error}") from None
        if not 1 <= ttl <= 90:
            raise ConfigurationError("LAYANAN_TOKEN_TTL_DAYS must be between 1 and 90")
        if rate_limit < 0:
            raise ConfigurationError("LAYANAN_SUBMISSION_RATE_LIMIT must be 0 (no limit) or more")
        if not 1 <= rate_window <= MAX_RATE_WINDOW:
            raise ConfigurationError(f"LAYANAN_SUBMISSION_RATE_WINDOW must be between 1 and {MAX_RATE_WINDOW}")
        transport = env.get("LAYANAN_MAIL_TRANSPORT") or "ses"
        if transport not in ("ses", "smtp"):
            raise ConfigurationError("LAYANAN_MAIL_TRANSPORT must be 'ses' or 'smtp'")
        return cls(
            table=env.get("LAYANAN_TABLE") or "layanan",
            dynamodb_endpoint=env.get("LAYANAN_DYNAMODB_ENDPOINT", ""),
            region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or DEFAULT_REGION,
            mail_transport=transport,
            smtp_host=env.get("LAYANAN_SMTP_HOST") or "127.0.0.1",
            smtp_port=port,
            smtp_starttls=env.get("LAYANAN_SMTP_STARTTLS", "") in ("1", "true", "yes"),
            smtp_username=env.get("LAYANAN_SMTP_USERNAME", ""),
            smtp_password=env.get("LAYANAN_SMTP_PASSWORD", ""),
            mail_from=env.get("LAYANAN_MAIL_FROM") or "Layanan <layanan@localhost>",
            base_url=(env.get("LAYANAN_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            standards_dir=standards_dir,
            officers_file=env.get("LAYANAN_OFFICERS_FILE", ""),
            officers_parameter=env.get("LAYANAN_OFFICERS_PARAMETER", ""),
            secret=env.get("LAYANAN_SECRET", ""),
            secret_parameter=env.get("LAYANAN_SECRET_PARAMETER", ""),
            token_ttl_days=ttl,
            submission_rate_limit=rate_limit,
            submission_rate_window=rate_window,
            client_ip_header=env.get("LAYANAN_CLIENT_IP_HEADER", "").strip(),
            origin_secret_parameter=env.get("LAYANAN_ORIGIN_SECRET_PARAMETER", "").strip(),
            ses_configuration_set=env.get("LAYANAN_SES_CONFIGURATION_SET", "").strip(),
            metrics_namespace=env.get("LAYANAN_METRICS_NAMESPACE", "").strip(),
            uploads_bucket=env.get("LAYANAN_UPLOADS_BUCKET", "").strip(),
            uploads_endpoint=env.get("LAYANAN_UPLOADS_ENDPOINT", "").strip(),
            malware_scan=env.get("LAYANAN_MALWARE_SCAN", "").strip() == "on",
        )


class _Lazy:
    """A value built on first use and kept: the catalogue and directory are read once per process."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._value: Any = None
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value


@dataclass
class Services:
    settings: Settings
    store: Store
    mailer: Mailer
    clock: Clock
    nonces: TokenSource
    secret: bytes
    catalogue: Callable[[], Catalogue]
    directory: Callable[[], Directory]
    # The values CloudFront sends in X-Layanan-Origin; none: every request is accepted (chalicelib/web/edge.py).
    origin_secrets: Callable[[], tuple[str, ...]] = field(default=tuple)
    files: FileStore | None = None  # the uploads bucket; with drafts, the document flow runs
    drafts: DraftStore | None = None
    documents: DraftService | None = field(init=False)
    completions: CompletionService | None = field(init=False)  # returned applications, completed as drafts
    submissions: SubmissionService = field(init=False)
    approvals: ApprovalService = field(init=False)
    outbox: OutboxSender = field(init=False)
    mail_problems: MailProblemService = field(init=False)
    surveys: SurveyService = field(init=False)
    deadlines: DeadlineService = field(init=False)
    digests: DigestService = field(init=False)
    performance: PerformanceService = field(init=False)
    complaints: ComplaintService = field(init=False)
    complaint_handling: HandlingService = field(init=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_LENGTH:
            raise ConfigurationError(f"the secret must have at least {MIN_SECRET_LENGTH} bytes")
        ttl = self.settings.token_ttl_days
        rate_limit = RateLimit(self.settings.submission_rate_limit, self.settings.submission_rate_window)
        self.submissions = SubmissionService(
            self.store, self.catalogue, self.directory, self.clock, self.nonces, self.secret, ttl, rate_limit
        )
        self.documents = self.completions = None
        if self.files is not None and self.drafts is not None:
            self.completions = CompletionService(
                self.submissions, self.store, self.drafts, self.catalogue, self.directory, self.clock, self.nonces,
                self.secret, ttl,
            )  # fmt: skip
            self.documents = DraftService(
                self.drafts, self.files, self.catalogue, self.submissions, self.clock, self.nonces,
                self.settings.base_url, self.completions,
            )  # fmt: skip
        # An application can be returned for completion only where the applicant can complete it (the drafts).
        self.approvals = ApprovalService(
            self.store, self.directory, self.clock, self.nonces, self.secret, ttl, self.catalogue,
            returns=self.completions is not None,
        )  # fmt: skip
        complaint_mail = ComplaintMailComposer(self.settings.base_url, self.secret, self.store, self.catalogue)
        composer = MailComposer(
            self.settings.base_url,
            self.secret,
            self.store,
            self.catalogue,
            self.directory,
            self.clock,
            complaints=complaint_mail,
        )
        self.outbox = OutboxSender(self.store, self.mailer, composer, self.clock, self.nonces)
        self.mail_problems = MailProblemService(self.store, self.directory, self.clock)
        populations = populations_from(self.settings.standards_dir)
        self.surveys = SurveyService(
            self.store, self.catalogue, self.clock, self.nonces, self.secret, rate_limit, populations
        )
        complaint_deadlines = ComplaintDeadlines(
            self.store, self.catalogue, self.directory, self.clock, self.nonces, self.secret
        )
        self.deadlines = DeadlineService(
            self.store, self.catalogue, self.directory, self.clock, self.nonces, self.secret, ttl,
            complaints=complaint_deadlines, retention=RetentionService(self.store, self.files, self.clock),
        )  # fmt: skip
        self.digests = DigestService(self.store, self.catalogue, self.directory, self.clock)
        self.performance = PerformanceService(self.store, self.catalogue)
        self.complaints = ComplaintService(
            self.store, self.catalogue, self.directory, self.clock, self.nonces, self.secret, rate_limit
        )
        self.complaint_handling = HandlingService(
            self.store, self.catalogue, self.directory, self.clock, self.nonces, self.secret
        )

    def run_deadlines(self) -> int:
        """Queue the reminders and escalations that fell due and, in an agency's digest hour, its officers'
        daily digests (chalicelib/deadlines/); the number of timers fired and digests queued. Called by the
        scheduled Lambda and `make serve` just before delivering the outbox."""
        return self.deadlines.run() + self.digests.run()

    def deliver_outbox(self) -> int:
        """Send the mail that is due; the number sent. Called by `make serve` and the scheduled Lambda."""
        sent = self.outbox.deliver()
        if self.settings.metrics_namespace:  # CloudWatch reads this stdout line as a metric (alarm: OldestUnsentMail)
            age = self.outbox.oldest_unsent_age()
            print(emf_line(self.settings.metrics_namespace, "OldestUnsentMailAge", age, "Seconds", self.clock.now()))
        return sent


def dynamodb_config() -> Any:
    """Bounded waits: a throttled or unreachable DynamoDB fails the request soon, never hangs the Lambda."""
    from botocore.config import Config

    return Config(
        connect_timeout=DYNAMODB_CONNECT_TIMEOUT,
        read_timeout=DYNAMODB_READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": DYNAMODB_ATTEMPTS},
    )


def build_services(settings: Settings) -> Services:
    import boto3

    session = boto3.session.Session(region_name=settings.region)
    dynamodb = session.client("dynamodb", endpoint_url=settings.dynamodb_endpoint or None, config=dynamodb_config())
    mailer: Mailer
    if settings.mail_transport == "smtp":
        mailer = SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            settings.mail_from,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
    else:
        mailer = SesMailer(session.client("sesv2"), settings.mail_from, settings.ses_configuration_set)

    def directory() -> Directory:
        if settings.officers_file:
            return load_file(Path(settings.officers_file))
        if settings.officers_parameter:
            return load_parameter(session.client("ssm"), settings.officers_parameter)
        raise ConfigurationError("set LAYANAN_OFFICERS_FILE or LAYANAN_OFFICERS_PARAMETER")

    def origin_secrets() -> tuple[str, ...]:  # read on the first request only: the outbox never needs it
        if not settings.origin_secret_parameter:
            return ()
        response = session.client("ssm").get_parameter(Name=settings.origin_secret_parameter, WithDecryption=True)
        try:
            accepted = parse_origin_secrets(str(response["Parameter"]["Value"]))
        except ValueError as error:
            raise ConfigurationError(f"{settings.origin_secret_parameter}: {error}") from None
        if not accepted:  # configured but empty must never mean "accept everything"
            raise ConfigurationError(f"{settings.origin_secret_parameter} holds no origin secret")
        return accepted

    secret = settings.secret
    if not secret and settings.secret_parameter:
        response = session.client("ssm").get_parameter(Name=settings.secret_parameter, WithDecryption=True)
        secret = str(response["Parameter"]["Value"])
    if not secret:
        raise ConfigurationError("set LAYANAN_SECRET or LAYANAN_SECRET_PARAMETER (32 random bytes or more)")
    files = None
    if settings.uploads_bucket:
        from botocore.config import Config

        s3 = session.client(
            "s3",
            endpoint_url=settings.uploads_endpoint or None,
            config=Config(
                signature_version="s3v4", s3={"addressing_style": "path" if settings.uploads_endpoint else "virtual"}
            ),
        )
        files = S3FileStore(s3, settings.uploads_bucket)
    return Services(
        settings=settings,
        store=DynamoStore(dynamodb, settings.table),
        files=files,
        drafts=DynamoDrafts(dynamodb, settings.table) if files else None,
        mailer=mailer,
        clock=SystemClock(),
        nonces=SystemTokenSource(),
        secret=secret.encode("utf-8"),
        catalogue=_Lazy(lambda: open_catalogue(settings.standards_dir)),
        directory=_Lazy(directory),
        origin_secrets=_Lazy(origin_secrets),
    )


_lock = threading.Lock()
_services: Services | None = None


def get_services() -> Services:
    global _services
    with _lock:
        if _services is None:
            _services = build_services(Settings.from_environment())
        return _services


def set_services(services: Services | None) -> None:
    """Tests install fakes here; None goes back to building from the environment."""
    global _services
    with _lock:
        _services = services


def reset() -> None:
    """Forget everything built: the next request reads the environment, standards and directory again."""
    set_services(None)
