"""The shape of a Standar Pelayanan: one source of truth for the site build, the API and the checker."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# The fourteen components of PermenPAN-RB 15/2014, with their official headings.
# The first six are the service-delivery components that must be published first.
COMPONENT_HEADINGS: dict[str, str] = {
    "requirements": "Persyaratan Pelayanan",
    "procedure": "Sistem, Mekanisme, dan Prosedur",
    "duration": "Jangka Waktu Penyelesaian",
    "fee": "Biaya/Tarif",
    "product": "Produk Pelayanan",
    "complaints": "Penanganan Pengaduan, Saran, dan Masukan",
    "legal_basis": "Dasar Hukum",
    "facilities": "Sarana, Prasarana, dan/atau Fasilitas",
    "competencies": "Kompetensi Pelaksana",
    "internal_supervision": "Pengawasan Internal",
    "staffing": "Jumlah Pelaksana",
    "service_guarantee": "Jaminan Pelayanan",
    "safety_guarantee": "Jaminan Keamanan dan Keselamatan Pelayanan",
    "performance_evaluation": "Evaluasi Kinerja Pelaksana",
}
SERVICE_DELIVERY = ("requirements", "procedure", "duration", "fee", "product", "complaints")
MANAGEMENT = tuple(key for key in COMPONENT_HEADINGS if key not in SERVICE_DELIVERY)
# The procedure's steps live in the front matter; its body section is an optional note.
COMPONENTS_ALLOWED_EMPTY = frozenset({"procedure"})

DURATION_UNITS: tuple[str, ...] = ("menit", "jam", "hari", "hari kerja")

CHANNEL_TYPES: dict[str, str] = {
    "email": "Surel",
    "phone": "Telepon",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "website": "Situs web",
    "social": "Media sosial",
    "postal": "Surat",
    "box": "Kotak pengaduan",
    "in_person": "Datang langsung",
    "app": "Aplikasi",
}

FIELD_TYPES: tuple[str, ...] = (
    "text",
    "long_text",
    "nik",
    "phone",
    "email",
    "date",
    "number",
    "choice",
    "checkbox",
)
# Upper bounds on what an applicant may type, per field type (characters).
FIELD_MAX_LENGTH: dict[str, int] = {
    "text": 200,
    "long_text": 2000,
    "nik": 16,
    "phone": 20,
    "email": 254,
    "date": 10,
    "number": 15,
    "choice": 200,
    "checkbox": 5,
}

# Names the application form itself uses: a declared field may not take them.
RESERVED_FIELD_NAMES = re.compile(
    r"^(?:website|service|idempotency_key|persetujuan_data|persyaratan_[0-9]+|syarat_.*|pilihan_.*)$"
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BIRTH_DATE_NAME = re.compile(r"(?:^|_)lahir(?:_|$)")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
AGENCY_CODE = re.compile(r"^[A-Z]{2,6}$")


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    applicant: bool = False


@dataclass(frozen=True)
class Channel:
    type: str
    value: str
    label: str = ""

    @property
    def type_label(self) -> str:
        return self.label or CHANNEL_TYPES[self.type]


@dataclass(frozen=True)
class Maklumat:
    """The agency's own signed pledge to meet its standards (UU 25/2009 Pasal 22), as it published it: its text,
    who signed it (name and office) and when. Empty when the agency has not published one: never invented."""

    text: str = ""
    signatory: str = ""
    date: date | None = None

    @property
    def published(self) -> bool:
        return bool(self.text)


WEEKDAY_NAMES: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
TIME_ZONES: tuple[str, ...] = ("WIB", "WITA", "WIT")


@dataclass(frozen=True)
class OpeningHours:
    """One weekday's service hours, in minutes after local midnight."""

    weekday: int  # 0 = Monday
    opens: int
    closes: int


@dataclass(frozen=True)
class OfficeHours:
    """When the agency serves: its time zone, its hours per weekday (days absent are closed), and the days it
    closes besides Indonesia's public holidays and cuti bersama (its own, e.g. a regency's anniversary)."""

    zone: str = "WIB"
    days: tuple[OpeningHours, ...] = (
        *(OpeningHours(weekday, 8 * 60, 15 * 60 + 30) for weekday in range(4)),  # Senin–Kamis 08.00–15.30
        OpeningHours(4, 8 * 60, 11 * 60),  # Jumat 08.00–11.00
    )
    closed_days: tuple[date, ...] = ()
    stated: bool = False  # the agency wrote its `days`; False: the documented default, never shown as its hours


# Complaint deadlines when `_agency.yml` sets none: UU 25/2009 as summarised in docs (a written response within
# 14 days of receipt, a decision within 60 days once the complaint is complete). The article numbers could not
# be verified against the law's text here, so none is cited.
DEFAULT_FIRST_ANSWER_DAYS = 14
DEFAULT_DECISION_DAYS = 60


@dataclass(frozen=True)
class ComplaintHandling:
    """`complaints:` in _agency.yml: the role that receives complaints (the coordinator, the only one who sees
    a confidential complainant's contact) and the deadlines, as durations counted on the agency's calendar."""

    handler: str  # a role id of the agency
    first_answer: Duration = field(default_factory=lambda: Duration("hari", DEFAULT_FIRST_ANSWER_DAYS))
    decision: Duration = field(default_factory=lambda: Duration("hari", DEFAULT_DECISION_DAYS))


@dataclass(frozen=True)
class DeadlinePolicy:
    """What happens as an application's promised time runs out (_agency.yml `deadlines`, chalicelib/deadlines/):
    the current step's officers are reminded once `reminder_percent` of the promised time has passed and told
    again when it passes; a step still undecided `escalate_after_minutes` (working time) after that is reported
    to the officers of `escalation_role` ("" reports to nobody). An application returned to the applicant for
    completion is closed when it is not sent back within `completion_days` working days."""

    reminder_percent: int = 50
    escalate_after_minutes: int = 8 * 60  # one working day of office hours
    escalation_role: str = ""
    completion_days: int = 10  # two working weeks: time to fetch a missing letter from another office


# How long an application's personal data and files are kept after its final state (approved, rejected, closed),
# when `_agency.yml` sets no `data_protection.retention_days`: one year. The bounds: at least 60 days, so the
# applicant can still read the decision and object, and every officer's link (7 days, then a 30-day grace) has
# expired by DynamoDB's TTL before the purge; at most ten years.
DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 60
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class DataProtection:
    """`data_protection:` in _agency.yml (UU 27/2022): how many days after its final state an application's
    personal data and files are deleted (applications/retention.py), and where applicants send data-protection
    requests (an email address, a phone number or an https:// page; "" refers them to the complaint channels)."""

    retention_days: int = DEFAULT_RETENTION_DAYS
    contact: str = ""
    contact_href: str = ""  # mailto:, tel: or the page itself, checked when the file is read


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    short_name: str
    code: str
    address: str
    complaint_channels: tuple[Channel, ...]
    maklumat: Maklumat
    roles: tuple[Role, ...]
    source: str = ""
    office_hours: OfficeHours = OfficeHours()
    deadlines: DeadlinePolicy = DeadlinePolicy()
    complaints: ComplaintHandling | None = None  # None: no online complaint form
    data_protection: DataProtection = DataProtection()  # retention and the data-protection contact (UU 27/2022)

    def role(self, role_id: str) -> Role | None:
        return next((role for role in self.roles if role.id == role_id), None)


@dataclass(frozen=True)
class Duration:
    unit: str
    value: int | None = None
    min: int | None = None
    max: int | None = None

    @property
    def longest(self) -> int | None:
        """The longest the service may take, or None when the standard gives no upper bound."""
        return self.value if self.value is not None else self.max


@dataclass(frozen=True)
class Step:
    actor: str
    text: str


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str
    required: bool = True
    hint: str = ""
    choices: tuple[str, ...] = ()

    @property
    def max_length(self) -> int:
        return FIELD_MAX_LENGTH[self.type]

    @property
    def is_birth_date(self) -> bool:
        """A date field named for a birth (tanggal_lahir, tgl_lahir): it cannot be in the future."""
        return self.type == "date" and BIRTH_DATE_NAME.search(self.name) is not None


# What the applicant does online with one Persyaratan item (front matter `online.requirements.items`).
REQUIREMENT_ACTIONS: dict[str, str] = {
    "upload": "Unggah berkas",
    "bring": "Bawa aslinya ke kantor",
    "declare": "Nyatakan sudah dimiliki",
}
# File types an upload may accept, with the MIME type the browser sends and the store records.
UPLOAD_TYPES: dict[str, str] = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
UPLOAD_TYPE_LABELS: dict[str, str] = {"pdf": "PDF", "jpg": "JPG", "png": "PNG"}
DEFAULT_UPLOAD_MB = 2
MAX_UPLOAD_MB = 10
MAX_UPLOAD_FILES = 5
MEGABYTE = 1024 * 1024
ANSWER_ID = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


@dataclass(frozen=True)
class Upload:
    """What a file for one requirement may be: its types (keys of UPLOAD_TYPES), size and how many."""

    types: tuple[str, ...] = ("pdf", "jpg", "png")
    max_mb: int = DEFAULT_UPLOAD_MB
    files: int = 1

    @property
    def max_bytes(self) -> int:
        return self.max_mb * MEGABYTE

    @property
    def content_types(self) -> tuple[str, ...]:
        return tuple(UPLOAD_TYPES[kind] for kind in self.types)

    @property
    def described(self) -> str:
        """'PDF, JPG, atau PNG, paling besar 2 MB', as a refusal or a hint says it."""
        labels = [UPLOAD_TYPE_LABELS[kind] for kind in self.types]
        kinds = (
            labels[0]
            if len(labels) == 1
            else ", ".join(labels[:-1]) + ("," if len(labels) > 2 else "") + " atau " + labels[-1]
        )
        return f"{kinds}, paling besar {self.max_mb} MB"


@dataclass(frozen=True)
class Condition:
    """A yes/no question deciding whether some requirements apply ("Apakah Anda sudah menikah?")."""

    id: str
    question: str


@dataclass(frozen=True)
class Alternative:
    label: str
    items: tuple[int, ...]  # the Persyaratan numbers that apply when the applicant chooses this


@dataclass(frozen=True)
class OneOf:
    """Alternatives that exclude each other: the applicant chooses one, and only its items apply."""

    id: str
    question: str
    options: tuple[Alternative, ...]

    def option_of(self, number: int) -> int | None:
        """The 1-based option that item `number` belongs to, or None."""
        return next((index for index, option in enumerate(self.options, 1) if number in option.items), None)


@dataclass(frozen=True)
class RequirementRule:
    """One Persyaratan item, by its number in the body's list (the text stays in the body)."""

    number: int
    action: str  # a key of REQUIREMENT_ACTIONS
    upload: Upload | None = None  # set when action is "upload"
    when: str = ""  # a Condition id: the item applies only when the applicant answers yes


@dataclass(frozen=True)
class RequirementRules:
    items: tuple[RequirementRule, ...]
    conditions: tuple[Condition, ...] = ()
    one_of: tuple[OneOf, ...] = ()

    def rule(self, number: int) -> RequirementRule | None:
        return next((rule for rule in self.items if rule.number == number), None)

    def condition(self, condition_id: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == condition_id), None)

    def group_of(self, number: int) -> OneOf | None:
        return next((group for group in self.one_of if group.option_of(number) is not None), None)


@dataclass(frozen=True)
class OnlineForm:
    fields: tuple[FormField, ...]
    approval_chain: tuple[str, ...]
    requirements: RequirementRules | None = None  # None: the applicant confirms every item, as before

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Component:
    key: str
    text: str  # the Markdown of the body section, the source's wording
    items: tuple[str, ...] = ()  # the top-level list items of that text, if it is a list
    line: int = 0  # line of its heading in the source file
    numbers: tuple[str, ...] = ()  # the source's own number of each item ("1", "7"...), when it numbered them
    source_heading: str = ""  # the source's own name for this component, when it differs from the official one

    @property
    def heading(self) -> str:
        return COMPONENT_HEADINGS[self.key]


@dataclass(frozen=True)
class Standard:
    id: str  # the file name without .md
    agency_id: str
    title: str
    document_number: str
    document_date: date | None
    order: int
    duration: Duration
    fee_idr: int
    procedure: tuple[Step, ...]
    components: dict[str, Component]
    complaint_channels: tuple[Channel, ...] = ()  # empty: the agency's channels apply
    online: OnlineForm | None = None
    source: str = ""
    body_line: int = 1

    @property
    def key(self) -> str:
        """Unique across the catalogue: agency/service."""
        return f"{self.agency_id}/{self.id}"
