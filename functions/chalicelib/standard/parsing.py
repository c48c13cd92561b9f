"""Read standards/<agency>/_agency.yml and standards/<agency>/<service>.md into schema objects.

Every problem is reported with the file, the line and, where it concerns one, the component's
official name, so that agency staff can find and fix it without reading code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from chalicelib.contacts.emails import normalise_email
from chalicelib.contacts.phones import normalise_phone
from chalicelib.standard.schema import (
    AGENCY_CODE,
    ANSWER_ID,
    CHANNEL_TYPES,
    COMPONENT_HEADINGS,
    COMPONENTS_ALLOWED_EMPTY,
    DURATION_UNITS,
    FIELD_NAME,
    FIELD_TYPES,
    MAX_RETENTION_DAYS,
    MAX_UPLOAD_FILES,
    MAX_UPLOAD_MB,
    MIN_RETENTION_DAYS,
    REQUIREMENT_ACTIONS,
    RESERVED_FIELD_NAMES,
    SLUG,
    TIME_ZONES,
    UPLOAD_TYPES,
    WEEKDAY_NAMES,
    Agency,
    Alternative,
    Channel,
    ComplaintHandling,
    Component,
    Condition,
    DataProtection,
    DeadlinePolicy,
    Duration,
    FormField,
    Maklumat,
    OfficeHours,
    OneOf,
    OnlineForm,
    OpeningHours,
    RequirementRule,
    RequirementRules,
    Role,
    Standard,
    Step,
    Upload,
)

# A standard is Markdown and plain text, never HTML: whatever a browser would run or load from it
# (<script>, <img onerror=...>, a javascript: link, an {onclick=...} attribute list) must not reach a page.
_HTML_START = re.compile(r"<(?:[A-Za-z]|[/!?][A-Za-z]*)[A-Za-z0-9-]*")
# What Markdown itself writes between < and >: links to the web and mail addresses.
_AUTOLINK = re.compile(r"<(?:(?:https?|ftp)://[^<>\s]*|mailto:[^<>\s]+|[^<>\s!@]+@[^<>\s@]+)>", re.IGNORECASE)
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?([^\s)>]+)"),  # [text](target) and ![image](target)
    re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),  # [label]: target
)
_ATTRIBUTE_LIST = re.compile(r"\{:?[^{}\n]*=[^{}\n]*\}")  # { onclick="..." } (Markdown's attr_list)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MARKDOWN_ONLY = "tulis dengan Markdown saja (daftar, tautan, tabel, cetak tebal), tanpa HTML"
SAFE_LINKS = "tulis tautan ke alamat http://, https://, mailto: atau tel:"


def html_in_text(text: str) -> str | None:
    """The first HTML tag in plain text, by its name ('<script>', '<img>', '</div>'), or None."""
    match = _HTML_START.search(text)
    return f"{match.group()}>" if match else None


def unsafe_markdown(text: str) -> dict[int, str]:
    """Why a component's Markdown could put HTML or script on a page, by line (0 is the text's first line).

    The whole text is read at once: Markdown lets a link's target start on the next line ("[x](" then
    "javascript:..."), and a reference's ("[r]:" then the target).
    """
    found: dict[int, str] = {}

    def report(offset: int, message: str) -> None:
        found.setdefault(text.count("\n", 0, offset), message)

    # Markdown's own <https://...> and <name@host> links become spaces of the same length, so offsets hold.
    for tag in _HTML_START.finditer(_AUTOLINK.sub(lambda link: " " * len(link.group()), text)):
        report(tag.start(), f"kode HTML '{tag.group()}>' tidak diizinkan; {MARKDOWN_ONLY}")
    for pattern in _LINK_TARGETS:
        for link in pattern.finditer(text):
            # A browser reads "jav&#x09;ascript:" as "javascript:": undo entities and drop whitespace first.
            target = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(link.group(1))).casefold()
            scheme = _SCHEME.match(target)
            if scheme and scheme.group(1) not in SAFE_SCHEMES:
                report(link.start(1), f"tautan '{scheme.group(1)}:' tidak diizinkan; {SAFE_LINKS}")
    for attributes in _ATTRIBUTE_LIST.finditer(text):
        report(attributes.start(), f"atribut '{attributes.group()[:40]}' tidak diizinkan; {MARKDOWN_ONLY}")
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    component: str = ""  # official heading, when the problem is inside one component

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: [{self.component}] {self.message}" if self.component else f"{where}: {self.message}"


class InvalidStandardError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key (1-based, in the file)."""

    line: int = 1
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    line_offset = 0


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser, four times faster (issue 15: 10,000 standards). A text it
    refuses is read again by _LineLoader, so the checker's messages stay PyYAML's."""

    line_offset = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    """Collects problems while reading one file, so that all of them are reported at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str, component: str = "") -> None:
        self.problems.append(Problem(self.file, line, message, component))

    def load_yaml(self, text: str, line_offset: int = 0) -> _Mapping | None:
        fast = _FastLineLoader(text)
        fast.line_offset = line_offset
        try:
            data = fast.get_single_data()
        except yaml.YAMLError:
            data = None  # read again below, for PyYAML's own message
        else:
            if isinstance(data, _Mapping):
                return data
        finally:
            fast.dispose()
        loader = _LineLoader(text)
        loader.line_offset = line_offset
        try:
            data = loader.get_single_data()
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = (mark.line + 1 + line_offset) if mark else line_offset + 1
            self.problem(line, f"YAML tidak dapat dibaca: {getattr(error, 'problem', error)}")
            return None
        finally:
            loader.dispose()
        if not isinstance(data, _Mapping):
            self.problem(line_offset + 1, "isi harus berupa pasangan kunci: nilai")
            return None
        return data

    def keys(self, data: _Mapping, required: set[str], optional: set[str], where: str = "") -> None:
        prefix = f"{where}: " if where else ""
        for key in data:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.problem(data.key_lines[key], f"{prefix}kunci tidak dikenal '{key}' (yang dikenal: {allowed})")
        for key in sorted(required - data.keys()):
            self.problem(data.line, f"{prefix}kunci wajib '{key}' tidak ada")

    def text(self, data: _Mapping, key: str, component: str = "", default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
            self.problem(data.key_lines.get(key, data.line), f"'{key}' harus berupa teks yang tidak kosong", component)
            return ""
        self.plain(str(value), data.key_lines.get(key, data.line), key, component)
        return str(value).strip()

    def plain(self, value: str, line: int, key: str, component: str = "") -> None:
        """Front matter is plain text: the site shows it as written, so an HTML tag in it is a mistake."""
        tag = html_in_text(value)
        if tag:
            self.problem(line, f"'{key}' memuat kode HTML '{tag}'; tulis sebagai teks biasa, tanpa HTML", component)

    def integer(self, data: _Mapping, key: str, component: str = "", minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(
                data.key_lines.get(key, data.line),
                f"'{key}' harus berupa bilangan bulat ≥ {minimum}, bukan '{value}'",
                component,
            )
            return None
        return value

    def mappings(self, data: _Mapping, key: str, component: str = "") -> list[_Mapping]:
        value = data.get(key)
        line = data.key_lines.get(key, data.line)
        if not isinstance(value, list) or not value:
            self.problem(line, f"'{key}' harus berupa daftar yang tidak kosong", component)
            return []
        items: list[_Mapping] = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, _Mapping):
                items.append(item)
            else:
                self.problem(line, f"'{key}' butir ke-{index} harus berupa pasangan kunci: nilai", component)
        return items

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidStandardError(self.problems)


def _channels(reader: _Reader, data: _Mapping, key: str, component: str = "") -> tuple[Channel, ...]:
    channels = []
    for item in reader.mappings(data, key, component):
        reader.keys(item, {"type", "value"}, {"label"}, key)
        kind = reader.text(item, "type", component)
        if kind and kind not in CHANNEL_TYPES:
            reader.problem(
                item.key_lines["type"],
                f"jenis saluran '{kind}' tidak dikenal (yang dikenal: {', '.join(CHANNEL_TYPES)})",
                component,
            )
        channels.append(Channel(kind, reader.text(item, "value", component), reader.text(item, "label", component)))
    return tuple(channels)


def parse_agency(path: Path, display_name: str | None = None) -> Agency:
    reader = _Reader(display_name or str(path))
    data = reader.load_yaml(path.read_text(encoding="utf-8"))
    reader.raise_if_any()
    assert data is not None
    reader.keys(
        data,
        {"name", "short_name", "code", "address", "complaint_channels", "roles"},
        {"office_hours", "complaints", "deadlines", "maklumat", "data_protection"},
    )
    agency_id = path.parent.name
    if not SLUG.match(agency_id):
        reader.problem(1, f"nama folder instansi '{agency_id}' harus huruf kecil, angka dan '-'")
    code = reader.text(data, "code")
    if code and not AGENCY_CODE.match(code):
        reader.problem(data.key_lines["code"], f"'code' harus 2–6 huruf kapital, bukan '{code}'")
    maklumat = Maklumat()
    if isinstance(data.get("maklumat"), _Mapping):
        block: _Mapping = data["maklumat"]
        reader.keys(block, {"text", "signatory", "date"}, set(), "maklumat")
        signed: date | None = None
        try:
            value = block.get("date")
            signed = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            reader.problem(block.key_lines["date"], f"maklumat: tanggal '{block.get('date')}' harus YYYY-MM-DD")
        maklumat = Maklumat(reader.text(block, "text"), reader.text(block, "signatory"), signed)
    elif "maklumat" in data:
        reader.problem(data.key_lines["maklumat"], "'maklumat' harus berisi 'text', 'signatory' dan 'date'")
    roles: list[Role] = []
    for item in reader.mappings(data, "roles") if "roles" in data else []:
        reader.keys(item, {"id", "name"}, {"applicant"}, "roles")
        role_id = reader.text(item, "id")
        if role_id and not SLUG.match(role_id):
            reader.problem(item.key_lines["id"], f"id peran '{role_id}' harus huruf kecil, angka dan '-'")
        if role_id in {role.id for role in roles}:
            reader.problem(item.key_lines["id"], f"id peran '{role_id}' ditulis dua kali")
        applicant = item.get("applicant", False)
        if not isinstance(applicant, bool):
            reader.problem(item.key_lines["applicant"], "'applicant' harus true atau false")
        roles.append(Role(role_id, reader.text(item, "name"), applicant is True))
    channels = _channels(reader, data, "complaint_channels") if "complaint_channels" in data else ()
    name, short_name, address = (reader.text(data, key) for key in ("name", "short_name", "address"))
    office_hours = _office_hours(reader, data) if "office_hours" in data else OfficeHours()
    deadlines = _deadlines(reader, data, roles) if "deadlines" in data else DeadlinePolicy()
    complaints = _complaint_handling(reader, data, roles) if "complaints" in data else None
    data_protection = _data_protection(reader, data) if "data_protection" in data else DataProtection()
    reader.raise_if_any()
    return Agency(
        id=agency_id,
        name=name,
        short_name=short_name,
        code=code,
        address=address,
        complaint_channels=channels,
        maklumat=maklumat,
        roles=tuple(roles),
        source=reader.file,
        office_hours=office_hours,
        deadlines=deadlines,
        complaints=complaints,
        data_protection=data_protection,
    )


def _data_protection(reader: _Reader, data: _Mapping) -> DataProtection:
    """data_protection: {retention_days: 365, contact: ppid@contoh.go.id} (each optional; UU 27/2022)."""
    block = data["data_protection"]
    line = data.key_lines["data_protection"]
    if not isinstance(block, _Mapping):
        reader.problem(line, "'data_protection' harus berisi 'retention_days' atau 'contact'")
        return DataProtection()
    reader.keys(block, set(), {"retention_days", "contact"}, "data_protection")
    default = DataProtection()
    days = block.get("retention_days", default.retention_days)
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        maximum = f"{MAX_RETENTION_DAYS:,}".replace(",", ".")
        reader.problem(
            block.key_lines.get("retention_days", line),
            f"data_protection: 'retention_days' harus bilangan bulat {MIN_RETENTION_DAYS} sampai {maximum}"
            f" (hari setelah keputusan), bukan '{days}'",
        )
        days = default.retention_days
    contact = reader.text(block, "contact") if "contact" in block else ""
    href = _contact_href(contact) if contact else ""
    if contact and not href:
        reader.problem(
            block.key_lines["contact"],
            f"data_protection: 'contact' '{contact[:80]}' harus alamat email, nomor telepon, atau alamat https://",
        )
    return DataProtection(days, contact, href)


def _contact_href(contact: str) -> str:
    """mailto:, tel: or the https:// page itself; "" when the contact is none of them."""
    if contact.startswith("https://") and " " not in contact and len(contact) > len("https://x.id"):
        return contact
    email = normalise_email(contact)
    if email is not None:
        return f"mailto:{email}"
    phone = normalise_phone(contact)
    return f"tel:{phone}" if phone is not None else ""


_COMPLAINT_DEADLINE = re.compile(r"^([0-9]{1,3}) (hari kerja|hari)$")


def _complaint_handling(reader: _Reader, data: _Mapping, roles: list[Role]) -> ComplaintHandling | None:
    """complaints: {handler: <role id>, first_answer: "14 hari", decision: "60 hari"} (deadlines optional)."""
    block = data["complaints"]
    line = data.key_lines["complaints"]
    if not isinstance(block, _Mapping):
        reader.problem(line, "'complaints' harus berisi 'handler' (peran pengelola pengaduan)")
        return None
    reader.keys(block, {"handler"}, {"first_answer", "decision"}, "complaints")
    handler = reader.text(block, "handler")
    known = {role.id: role for role in roles}
    if handler and (handler not in known or known[handler].applicant):
        reader.problem(block.key_lines.get("handler", line), f"complaints: peran '{handler}' tidak ada di roles")
    deadlines = {}
    for key in ("first_answer", "decision"):
        if key not in block:
            continue
        text = reader.text(block, key)
        match = _COMPLAINT_DEADLINE.match(text)
        if match is None or int(match.group(1)) < 1:
            reader.problem(
                block.key_lines.get(key, line),
                f"complaints: {key} '{text}' harus seperti '14 hari' atau '10 hari kerja'",
            )
            continue
        deadlines[key] = Duration(match.group(2), int(match.group(1)))
    return ComplaintHandling(handler, **deadlines)


_HOURS = re.compile(r"^([0-9]{1,2})[.:]([0-9]{2})\s*[-–]\s*([0-9]{1,2})[.:]([0-9]{2})$")


def _weekdays(reader: _Reader, key: object, line: int) -> list[int]:
    """'senin' or a range 'senin-kamis' (weekday numbers, Monday 0); problems reported, [] when wrong."""
    names = re.split(r"\s*[-–]\s*", str(key).strip().casefold())
    if len(names) in (1, 2) and all(name in WEEKDAY_NAMES for name in names):
        first, last = WEEKDAY_NAMES.index(names[0]), WEEKDAY_NAMES.index(names[-1])
        if first <= last:
            return list(range(first, last + 1))
    reader.problem(line, f"office_hours: hari '{key}' tidak dikenal (tulis mis. 'senin', 'senin-kamis', 'jumat')")
    return []


def _deadlines(reader: _Reader, data: _Mapping, roles: list[Role]) -> DeadlinePolicy:
    """deadlines: {reminder_percent: 50, escalate_after_hours: 8, escalation_role: kepala-dinas, completion_days: 10}
    (each optional)."""
    block = data["deadlines"]
    line = data.key_lines["deadlines"]
    if not isinstance(block, _Mapping):
        reader.problem(
            line, "'deadlines' harus berisi 'reminder_percent', 'escalate_after_hours' atau 'escalation_role'"
        )
        return DeadlinePolicy()
    known = {"reminder_percent", "escalate_after_hours", "escalation_role", "completion_days"}
    reader.keys(block, set(), known, "deadlines")
    default = DeadlinePolicy()
    percent = block.get("reminder_percent", default.reminder_percent)
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 99:
        reader.problem(block.key_lines.get("reminder_percent", line), "deadlines: 'reminder_percent' harus 1 sampai 99")
        percent = default.reminder_percent
    hours = block.get("escalate_after_hours", default.escalate_after_minutes // 60)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 1000:
        reader.problem(
            block.key_lines.get("escalate_after_hours", line),
            "deadlines: 'escalate_after_hours' harus 1 sampai 1000 jam",
        )
        hours = default.escalate_after_minutes // 60
    role = str(block.get("escalation_role", "") or "")
    if role and (role not in {r.id for r in roles} or any(r.applicant for r in roles if r.id == role)):
        reader.problem(
            block.key_lines.get("escalation_role", line),
            f"deadlines: 'escalation_role' '{role}' bukan peran petugas di 'roles' instansi ini",
        )
        role = ""
    days = block.get("completion_days", default.completion_days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        reader.problem(
            block.key_lines.get("completion_days", line), "deadlines: 'completion_days' harus 1 sampai 60 hari kerja"
        )
        days = default.completion_days
    return DeadlinePolicy(percent, hours * 60, role, days)


def _office_hours(reader: _Reader, data: _Mapping) -> OfficeHours:
    """office_hours: {timezone: WITA, days: {senin-kamis: 08.00-15.30, jumat: 08.00-11.00}, closed: [dates]}"""
    block = data["office_hours"]
    line = data.key_lines["office_hours"]
    if not isinstance(block, _Mapping):
        reader.problem(line, "'office_hours' harus berisi 'timezone', 'days' atau 'closed'")
        return OfficeHours()
    reader.keys(block, set(), {"timezone", "days", "closed"}, "office_hours")
    zone = str(block.get("timezone", "WIB"))
    if zone not in TIME_ZONES:
        reader.problem(
            block.key_lines.get("timezone", line), f"office_hours: zona waktu '{zone}' harus WIB, WITA, atau WIT"
        )
    days: dict[int, OpeningHours] = {day.weekday: day for day in OfficeHours().days} if "days" not in block else {}
    schedule = block.get("days", _Mapping())
    if "days" in block and (not isinstance(schedule, _Mapping) or not schedule):
        reader.problem(
            block.key_lines.get("days", line),
            "office_hours: 'days' harus memetakan hari ke jam, mis. 'senin-kamis: 08.00-15.30'",
        )
        schedule = _Mapping()
    for key, hours in schedule.items():
        day_line = schedule.key_lines[key]
        match = _HOURS.match(str(hours).strip())
        opens = closes = 0
        if match:
            h1, m1, h2, m2 = (int(part) for part in match.groups())
            opens, closes = h1 * 60 + m1, h2 * 60 + m2
        if not match or not (0 <= opens < closes <= 24 * 60) or max(m1, m2) > 59:
            reader.problem(day_line, f"office_hours: jam '{hours}' harus seperti 08.00-15.30, buka sebelum tutup")
            continue
        for weekday in _weekdays(reader, key, day_line):
            if weekday in days:
                reader.problem(day_line, f"office_hours: hari {WEEKDAY_NAMES[weekday]} ditulis dua kali")
            days[weekday] = OpeningHours(weekday, opens, closes)
    closed: list[date] = []
    for value in block.get("closed") or []:
        try:
            closed.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            reader.problem(
                block.key_lines.get("closed", line), f"office_hours: tanggal libur '{value}' harus YYYY-MM-DD"
            )
    return OfficeHours(
        zone, tuple(days[weekday] for weekday in sorted(days)), tuple(sorted(set(closed))), stated="days" in block
    )


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*\n", re.DOTALL | re.MULTILINE)
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
_LIST_ITEM = re.compile(r"^(?:([0-9]+)[.)]|[-*+])[ \t]+(.*)$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _normalise_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


_HEADING_KEYS = {_normalise_heading(heading): key for key, heading in COMPONENT_HEADINGS.items()}


def _list_items(text: str) -> tuple[str, ...]:
    """The top-level list items of a section, continuation lines joined; () if it is not a list."""
    return tuple(item for _, item in _numbered_items(text))


def _item_numbers(text: str) -> tuple[str, ...]:
    """The source's number of each item when every item is numbered ("1", "7", "8"...), else ()."""
    numbers = tuple(number for number, _ in _numbered_items(text))
    return numbers if numbers and all(numbers) else ()


def _numbered_items(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    prose = False
    for line in text.splitlines():
        match = _LIST_ITEM.match(line)
        if match:
            items.append((match.group(1) or "", match.group(2).strip()))
        elif line.strip() and items and line.startswith((" ", "\t")):
            items[-1] = (items[-1][0], f"{items[-1][1]} {line.strip()}")
        elif line.strip():
            prose = True
    return [] if prose else items


def _with_source_headings(reader: _Reader, data: _Mapping, components: dict[str, Component]) -> dict[str, Component]:
    """source_headings: {duration: Waktu Pelayanan, ...}: the source's own names, shown under the official ones."""
    block = data["source_headings"]
    if not isinstance(block, _Mapping) or not block:
        line = data.key_lines["source_headings"]
        reader.problem(line, "'source_headings' harus memetakan komponen ke judul sumbernya")
        return components
    reader.keys(block, set(), set(COMPONENT_HEADINGS), "source_headings")
    renamed = dict(components)
    for key in block:
        heading = reader.text(block, key)
        if key in renamed and heading:
            renamed[key] = replace(renamed[key], source_heading=heading)
    return renamed


_SKIP = "_skip"  # collects the text under a rejected heading, so it is not reported twice


def _split_body(reader: _Reader, body: str, first_line: int) -> dict[str, Component]:
    sections: dict[str, tuple[int, list[str]]] = {_SKIP: (0, [])}
    current: str | None = None
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    for offset, line in enumerate(body.splitlines()):
        line_number = first_line + offset
        heading_match = _HEADING.match(line)
        if heading_match:
            key = _HEADING_KEYS.get(_normalise_heading(heading_match.group(1)))
            if key is None:
                reader.problem(
                    line_number,
                    f"judul komponen '{heading_match.group(1)}' tidak dikenal; gunakan salah satu judul resmi: "
                    + "; ".join(COMPONENT_HEADINGS.values()),
                )
                current = _SKIP
            elif key in sections:
                reader.problem(line_number, "komponen ditulis dua kali", COMPONENT_HEADINGS[key])
                current = _SKIP
            else:
                sections[key] = (line_number, [])
                current = key
        elif current is not None:
            sections[current][1].append(line)
        elif line.strip():
            reader.problem(line_number, "teks di luar komponen: tulis di bawah salah satu judul '## ...'")
    components: dict[str, Component] = {}
    for key, heading in COMPONENT_HEADINGS.items():
        if key not in sections:
            reader.problem(first_line, "komponen tidak ada; tambahkan judul '## " + heading + "'", heading)
            continue
        line_number, lines = sections[key]
        for offset, message in unsafe_markdown("\n".join(lines)).items():
            reader.problem(line_number + 1 + offset, message, heading)
        text = "\n".join(lines).strip()
        if not text and key not in COMPONENTS_ALLOWED_EMPTY:
            reader.problem(line_number, "komponen kosong", heading)
        components[key] = Component(key, text, _list_items(text), line_number, _item_numbers(text))
    return components


def _duration(reader: _Reader, data: _Mapping) -> Duration:
    heading = COMPONENT_HEADINGS["duration"]
    block = data.get("duration")
    if not isinstance(block, _Mapping):
        reader.problem(
            data.key_lines.get("duration", data.line), "'duration' harus berisi value atau min/max dan unit", heading
        )
        return Duration(unit="hari")
    reader.keys(block, {"unit"}, {"value", "min", "max"}, "duration")
    unit = reader.text(block, "unit", heading)
    if unit and unit not in DURATION_UNITS:
        reader.problem(
            block.key_lines["unit"],
            f"satuan '{unit}' tidak dikenal (yang dikenal: {', '.join(DURATION_UNITS)})",
            heading,
        )
    value, low, high = (reader.integer(block, key, heading, minimum=1) for key in ("value", "min", "max"))
    if "value" in block and ("min" in block or "max" in block):
        reader.problem(block.line, "tulis 'value' saja, atau 'min' (dan 'max'), jangan keduanya", heading)
    elif "value" not in block and "min" not in block:
        reader.problem(block.line, "tulis 'value', atau 'min' (dan 'max')", heading)
    elif low is not None and high is not None and high < low:
        reader.problem(block.key_lines["max"], f"'max' ({high}) lebih kecil dari 'min' ({low})", heading)
    return Duration(unit=unit, value=value, min=low, max=high)


def _document(reader: _Reader, data: _Mapping) -> tuple[str, date | None]:
    block = data.get("document")
    if block is None:
        return "", None
    if not isinstance(block, _Mapping):
        reader.problem(data.key_lines["document"], "'document' harus berisi 'number' dan boleh 'date'")
        return "", None
    reader.keys(block, {"number"}, {"date"}, "document")
    number = reader.text(block, "number")
    when = block.get("date")
    if when is not None and not isinstance(when, date):
        reader.problem(block.key_lines["date"], f"'date' harus berformat TTTT-BB-HH, bukan '{when}'")
        when = None
    return number, when


def _online(reader: _Reader, data: _Mapping, procedure: tuple[Step, ...], agency: Agency) -> OnlineForm:
    block = data["online"]
    if not isinstance(block, _Mapping):
        reader.problem(data.key_lines["online"], "'online' harus berisi 'fields' dan 'approval_chain'")
        return OnlineForm((), ())
    reader.keys(block, {"fields", "approval_chain"}, {"requirements"}, "online")
    fields: list[FormField] = []
    for item in reader.mappings(block, "fields"):
        reader.keys(item, {"name", "label", "type"}, {"required", "hint", "choices"}, "fields")
        name, kind = reader.text(item, "name"), reader.text(item, "type")
        line = item.key_lines.get("name", item.line)
        if name and not FIELD_NAME.match(name):
            reader.problem(line, f"nama isian '{name}' harus huruf kecil, angka dan '_', diawali huruf")
        if name and RESERVED_FIELD_NAMES.match(name):
            reader.problem(line, f"nama isian '{name}' sudah dipakai formulir itu sendiri; pilih nama lain")
        if name in {f.name for f in fields}:
            reader.problem(line, f"nama isian '{name}' ditulis dua kali")
        if kind and kind not in FIELD_TYPES:
            reader.problem(
                item.key_lines["type"], f"jenis isian '{kind}' tidak dikenal (yang dikenal: {', '.join(FIELD_TYPES)})"
            )
        choices = item.get("choices", [])
        if kind == "choice" and (
            not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices)
        ):
            reader.problem(line, f"isian '{name}' berjenis choice harus punya 'choices': daftar teks pilihan")
            choices = []
        for choice in choices if isinstance(choices, list) else []:
            if isinstance(choice, str):
                reader.plain(choice, item.key_lines.get("choices", line), "choices")
        if kind != "choice" and "choices" in item:
            reader.problem(item.key_lines["choices"], "'choices' hanya untuk isian berjenis choice")
        required = item.get("required", True)
        if not isinstance(required, bool):
            reader.problem(item.key_lines["required"], "'required' harus true atau false")
        fields.append(
            FormField(
                name, reader.text(item, "label"), kind, required is not False, reader.text(item, "hint"), tuple(choices)
            )
        )
    emails = [f for f in fields if f.type == "email"]
    if fields and (len(emails) != 1 or not emails[0].required):
        # The applicant's receipt, status link and decision are sent to this address.
        reader.problem(block.line, "formulir harus punya tepat satu isian berjenis email yang wajib diisi (required)")
    chain = block.get("approval_chain")
    chain_line = block.key_lines.get("approval_chain", block.line)
    if not isinstance(chain, list) or not chain or not all(isinstance(r, str) for r in chain):
        reader.problem(chain_line, "'approval_chain' harus berupa daftar id peran petugas, berurutan")
        chain = []
    actors = {step.actor for step in procedure}
    for role_id in chain:
        role = agency.role(role_id)
        if role is None:
            reader.problem(chain_line, f"peran '{role_id}' di approval_chain tidak ada di roles pada _agency.yml")
        elif role.applicant:
            reader.problem(chain_line, f"peran '{role_id}' adalah pemohon, bukan petugas yang menyetujui")
        elif role_id not in actors:
            reader.problem(chain_line, f"peran '{role_id}' di approval_chain tidak melakukan satu pun langkah prosedur")
    if len(set(chain)) != len(chain):
        reader.problem(chain_line, "approval_chain memuat peran yang sama dua kali")
    return OnlineForm(tuple(fields), tuple(chain))


_REQUIREMENTS = COMPONENT_HEADINGS["requirements"]


def _answer_id(reader: _Reader, item: _Mapping, seen: set[str], what: str) -> str:
    answer_id = reader.text(item, "id", _REQUIREMENTS)
    line = item.key_lines.get("id", item.line)
    if answer_id and not ANSWER_ID.match(answer_id):
        reader.problem(line, f"id {what} '{answer_id}' harus huruf kecil, angka dan '_', diawali huruf", _REQUIREMENTS)
    if answer_id in seen:
        reader.problem(line, f"id '{answer_id}' ditulis dua kali", _REQUIREMENTS)
    seen.add(answer_id)
    return answer_id


def _item_number(reader: _Reader, value: object, line: int, count: int) -> int | None:
    """A Persyaratan item's number (1 to count), or None with the problem reported."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= count:
        reader.problem(
            line,
            f"nomor persyaratan '{value}' tidak ada; daftar Persyaratan Pelayanan memuat butir 1 sampai {count}",
            _REQUIREMENTS,
        )
        return None
    return value


def _upload(reader: _Reader, item: _Mapping) -> Upload:
    line = item.line
    types = item.get("types", list(Upload().types))
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        reader.problem(
            item.key_lines.get("types", line), "'types' harus berupa daftar, mis. [pdf, jpg, png]", _REQUIREMENTS
        )
        types = list(Upload().types)
    for kind in types:
        if kind not in UPLOAD_TYPES:
            reader.problem(
                item.key_lines.get("types", line),
                f"jenis berkas '{kind}' tidak dikenal (yang dikenal: {', '.join(UPLOAD_TYPES)})",
                _REQUIREMENTS,
            )
    max_mb = reader.integer(item, "max_mb", _REQUIREMENTS, minimum=1)
    if max_mb is not None and max_mb > MAX_UPLOAD_MB:
        reader.problem(item.key_lines["max_mb"], f"'max_mb' paling besar {MAX_UPLOAD_MB}", _REQUIREMENTS)
    files = reader.integer(item, "files", _REQUIREMENTS, minimum=1)
    if files is not None and files > MAX_UPLOAD_FILES:
        reader.problem(item.key_lines["files"], f"'files' paling banyak {MAX_UPLOAD_FILES}", _REQUIREMENTS)
    return Upload(
        tuple(dict.fromkeys(t for t in types if t in UPLOAD_TYPES)) or Upload().types,
        min(max_mb or Upload().max_mb, MAX_UPLOAD_MB),
        min(files or 1, MAX_UPLOAD_FILES),
    )


def _requirement_rules(reader: _Reader, online: _Mapping, items: tuple[str, ...]) -> RequirementRules:
    """online.requirements: what the applicant does with each Persyaratan item, named by its number."""
    block = online["requirements"]
    line = online.key_lines["requirements"]
    if not isinstance(block, _Mapping):
        reader.problem(line, "'requirements' harus berisi 'items' dan boleh 'conditions' dan 'one_of'", _REQUIREMENTS)
        return RequirementRules(())
    reader.keys(block, {"items"}, {"conditions", "one_of"}, "requirements")
    if not items:
        reader.problem(
            line, "keterangan persyaratan hanya untuk Persyaratan Pelayanan yang berupa daftar bernomor", _REQUIREMENTS
        )
        return RequirementRules(())
    count = len(items)
    seen_ids: set[str] = set()
    conditions: list[Condition] = []
    for item in reader.mappings(block, "conditions", _REQUIREMENTS) if "conditions" in block else []:
        reader.keys(item, {"id", "question"}, set(), "conditions")
        conditions.append(
            Condition(_answer_id(reader, item, seen_ids, "kondisi"), reader.text(item, "question", _REQUIREMENTS))
        )
    groups: list[OneOf] = []
    grouped: dict[int, str] = {}
    for item in reader.mappings(block, "one_of", _REQUIREMENTS) if "one_of" in block else []:
        reader.keys(item, {"id", "question", "options"}, set(), "one_of")
        group_id = _answer_id(reader, item, seen_ids, "pilihan")
        options: list[Alternative] = []
        for option in reader.mappings(item, "options", _REQUIREMENTS) if "options" in item else []:
            reader.keys(option, {"label", "items"}, set(), "options")
            numbers = option.get("items")
            option_line = option.key_lines.get("items", option.line)
            if not isinstance(numbers, list) or not numbers:
                reader.problem(option_line, "'items' harus berupa daftar nomor persyaratan, mis. [8, 9]", _REQUIREMENTS)
                numbers = []
            valid: list[int] = []
            for value in numbers:
                number = _item_number(reader, value, option_line, count)
                if number is None:
                    continue
                if number in grouped:
                    reader.problem(
                        option_line,
                        f"persyaratan nomor {number} sudah ada di pilihan '{grouped[number]}'",
                        _REQUIREMENTS,
                    )
                grouped[number] = group_id
                valid.append(number)
            options.append(Alternative(reader.text(option, "label", _REQUIREMENTS), tuple(valid)))
        if len(options) < 2:
            reader.problem(
                item.key_lines.get("options", item.line),
                f"pilihan '{group_id}' harus punya sedikitnya dua 'options' yang saling menggantikan",
                _REQUIREMENTS,
            )
        groups.append(OneOf(group_id, reader.text(item, "question", _REQUIREMENTS), tuple(options)))
    rules: list[RequirementRule] = []
    for item in reader.mappings(block, "items", _REQUIREMENTS):
        reader.keys(item, {"item", "do"}, {"types", "max_mb", "files", "when"}, "items")
        number = _item_number(reader, item.get("item"), item.key_lines.get("item", item.line), count)
        action = reader.text(item, "do", _REQUIREMENTS)
        if action and action not in REQUIREMENT_ACTIONS:
            reader.problem(
                item.key_lines["do"],
                f"tindakan '{action}' tidak dikenal (yang dikenal: {', '.join(REQUIREMENT_ACTIONS)})",
                _REQUIREMENTS,
            )
        if action != "upload":
            for key in ("types", "max_mb", "files"):
                if key in item:
                    reader.problem(item.key_lines[key], f"'{key}' hanya untuk 'do: upload'", _REQUIREMENTS)
        when = reader.text(item, "when", _REQUIREMENTS) if "when" in item else ""
        if when and not any(c.id == when for c in conditions):
            reader.problem(
                item.key_lines["when"],
                f"kondisi '{when}' belum punya pertanyaan; tambahkan di 'conditions' (id dan question)",
                _REQUIREMENTS,
            )
        if number is not None and any(rule.number == number for rule in rules):
            reader.problem(
                item.key_lines.get("item", item.line), f"persyaratan nomor {number} ditulis dua kali", _REQUIREMENTS
            )
        if number is not None:
            rules.append(RequirementRule(number, action, _upload(reader, item) if action == "upload" else None, when))
    missing = sorted(set(range(1, count + 1)) - {rule.number for rule in rules})
    if missing:
        reader.problem(
            block.key_lines["items"] if "items" in block else line,
            "setiap persyaratan perlu keterangan; belum ada untuk nomor " + ", ".join(map(str, missing)),
            _REQUIREMENTS,
        )
    used = {rule.when for rule in rules}
    for condition in conditions:
        if condition.id and condition.id not in used:
            reader.problem(line, f"kondisi '{condition.id}' tidak dipakai oleh persyaratan mana pun", _REQUIREMENTS)
    return RequirementRules(tuple(sorted(rules, key=lambda rule: rule.number)), tuple(conditions), tuple(groups))


def parse_standard(path: Path, agency: Agency, display_name: str | None = None) -> Standard:
    reader = _Reader(display_name or str(path))
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        reader.problem(1, "berkas harus diawali front matter YAML di antara dua baris '---'")
        reader.raise_if_any()
    assert match is not None
    data = reader.load_yaml(match.group(1), line_offset=1)
    reader.raise_if_any()
    assert data is not None
    reader.keys(
        data,
        {"title", "duration", "fee", "procedure"},
        {"document", "order", "complaint_channels", "online", "source_headings"},
    )
    service_id = path.stem
    if not SLUG.match(service_id):
        reader.problem(1, f"nama berkas '{path.name}' harus huruf kecil, angka dan '-' (mis. kartu-pencari-kerja.md)")
    number, when = _document(reader, data)
    fee = reader.integer(data, "fee", COMPONENT_HEADINGS["fee"]) if "fee" in data else None
    steps: list[Step] = []
    procedure_heading = COMPONENT_HEADINGS["procedure"]
    for item in reader.mappings(data, "procedure", procedure_heading) if "procedure" in data else []:
        reader.keys(item, {"actor", "step"}, set(), "procedure")
        actor = reader.text(item, "actor", procedure_heading)
        if actor and agency.role(actor) is None:
            known = ", ".join(role.id for role in agency.roles)
            reader.problem(
                item.key_lines["actor"],
                f"peran '{actor}' tidak ada di roles pada _agency.yml (yang ada: {known})",
                procedure_heading,
            )
        steps.append(Step(actor, reader.text(item, "step", procedure_heading)))
    duration = _duration(reader, data) if "duration" in data else Duration(unit="hari")
    channels = (
        _channels(reader, data, "complaint_channels", COMPONENT_HEADINGS["complaints"])
        if "complaint_channels" in data
        else ()
    )
    online = _online(reader, data, tuple(steps), agency) if "online" in data else None
    body_line = text[: match.end()].count("\n") + 1
    components = _split_body(reader, text[match.end() :], body_line)
    online_block = data.get("online")
    if online is not None and isinstance(online_block, _Mapping) and "requirements" in online_block:
        items = components["requirements"].items if "requirements" in components else ()
        online = replace(online, requirements=_requirement_rules(reader, online_block, items))
    if "source_headings" in data:
        components = _with_source_headings(reader, data, components)
    order = reader.integer(data, "order", minimum=1) if "order" in data else None
    title = reader.text(data, "title")
    reader.raise_if_any()
    return Standard(
        id=service_id,
        agency_id=agency.id,
        title=title,
        document_number=number,
        document_date=when,
        order=order or 999,
        duration=duration,
        fee_idr=fee or 0,
        procedure=tuple(steps),
        components=components,
        complaint_channels=channels,
        online=online,
        source=reader.file,
        body_line=body_line,
    )
