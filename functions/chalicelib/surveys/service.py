"""The survey's use cases: answer through the decision mail's link or at the counter's public form, and
read the published index. Routes call these; the store does each answer in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chalicelib.applications.rate_limit import RateLimit
from chalicelib.applications.records import ClientInfo, Submission
from chalicelib.randomness import TokenSource
from chalicelib.standard.catalogue import Catalogue
from chalicelib.standard.schema import Standard
from chalicelib.storage.port import Store
from chalicelib.surveys.answers import HONEYPOT_FIELD, SurveyAnswer, parse_answer
from chalicelib.surveys.index import SurveyIndex, Tally, compute_index
from chalicelib.surveys.links import parse_link, used_marker
from chalicelib.surveys.records import Scope, SurveyEntry, TallyKey
from chalicelib.surveys.sample import minimum_sample
from chalicelib.surveys.semesters import Semester, semester_at
from chalicelib.time.agency_zone import agency_zone
from chalicelib.time.clock import Clock

LINK = "tautan"
COUNTER = "loket"


class SurveyHoneypotError(Exception):
    """The hidden field was filled: a robot. Nothing is stored; the answer looks accepted."""


class UnknownSurveyError(Exception):
    """No such service (or agency) to survey or report on."""


class LinkState(StrEnum):
    OPEN = "terbuka"
    USED = "terpakai"
    UNKNOWN = "tidak-dikenal"
    NOT_DECIDED = "belum-diputuskan"


@dataclass(frozen=True)
class LinkForm:
    state: LinkState
    service: str = ""
    title: str = ""
    agency_name: str = ""


@dataclass(frozen=True)
class SurveyReceipt:
    counted: bool  # False: the link had been used; the first answer is the one counted
    service: str
    title: str


@dataclass(frozen=True)
class Results:
    scope: Scope
    id: str
    name: str
    semester: Semester
    tally: Tally
    index: SurveyIndex | None
    population: int | None  # people served that semester, when the agency states it

    @property
    def minimum_sample(self) -> int | None:
        return minimum_sample(self.population) if self.population is not None else None

    @property
    def sample_reached(self) -> bool | None:
        needed = self.minimum_sample
        return None if needed is None else self.tally.respondents >= needed


@dataclass(frozen=True)
class SurveyService:
    store: Store
    catalogue: Callable[[], Catalogue]
    clock: Clock
    nonces: TokenSource
    secret: bytes
    rate_limit: RateLimit = field(default_factory=RateLimit)
    # (scope, id, semester) -> people served, from the agency's follow-up file (surveys/follow_up.py)
    populations: Callable[[Scope, str, Semester], int | None] = lambda scope, id, semester: None

    # --- through the decision mail's link ---
    def link_form(self, link: str) -> LinkForm:
        """What the link's page shows. Reads only: mail scanners open every link."""
        return self._link(link)[0]

    def _link(self, link: str) -> tuple[LinkForm, Submission | None]:
        reference = parse_link(self.secret, link)
        submission = self.store.get_submission(reference) if reference else None
        if submission is None:
            return LinkForm(LinkState.UNKNOWN), None
        if not submission.is_final:  # in progress, or returned for completion
            form = LinkForm(LinkState.NOT_DECIDED, submission.service, submission.title, submission.agency_name)
            return form, submission
        used = self.store.survey_link_used(used_marker(link))
        state = LinkState.USED if used else LinkState.OPEN
        return LinkForm(state, submission.service, submission.title, submission.agency_name), submission

    def answer_by_link(self, link: str, values: Mapping[str, str]) -> SurveyReceipt:
        """Counted once: a used link's answer is refused by the transaction itself (its marker), so two answers
        sent at the same moment through one link still count one."""
        if values.get(HONEYPOT_FIELD, "").strip():
            raise SurveyHoneypotError()
        reference = parse_link(self.secret, link)
        submission = self.store.get_submission(reference) if reference else None
        if submission is None or not submission.is_final:
            raise UnknownSurveyError(link)
        answer = parse_answer(values)
        entry = self._entry(submission.service, submission.agency_id, answer, LINK, used_marker(link))
        counted = self.store.record_survey_answer(entry, None)
        return SurveyReceipt(counted, submission.service, submission.title)

    # --- at the counter: the public form of a service ---
    def standard(self, service: str) -> Standard:
        standard = self.catalogue().find(service)
        if standard is None:
            raise UnknownSurveyError(service)
        return standard

    def answer_at_counter(self, service: str, values: Mapping[str, str], client: ClientInfo) -> SurveyReceipt:
        if values.get(HONEYPOT_FIELD, "").strip():
            raise SurveyHoneypotError()
        standard = self.standard(service)
        answer = parse_answer(values)
        entry = self._entry(standard.key, standard.agency_id, answer, COUNTER, "")
        rate = self.rate_limit.charge(self.secret, client.ip, self.clock.now())
        counted = self.store.record_survey_answer(entry, rate)
        return SurveyReceipt(counted, standard.key, standard.title)

    def _entry(self, service: str, agency_id: str, answer: SurveyAnswer, channel: str, marker: str) -> SurveyEntry:
        now = self.clock.now()
        zone = agency_zone(self.catalogue(), agency_id)
        return SurveyEntry(
            id=self.nonces.token()[:22],
            service=service,
            agency_id=agency_id,
            semester=semester_at(now, zone),
            answer=replace(answer, age=answer.age // 10 * 10),  # its decade (records.py: SurveyEntry)
            channel=channel,
            used_marker=marker,
        )

    # --- the published index: counters only ---
    def current_semester(self, agency_id: str) -> Semester:
        return semester_at(self.clock.now(), agency_zone(self.catalogue(), agency_id))

    def service_results(self, service: str, semester: Semester) -> Results:
        standard = self.standard(service)
        return self._results([(Scope.SERVICE, standard.key, standard.title)], semester)[0]

    def agency_results(self, agency_id: str, semester: Semester) -> tuple[Results, tuple[Results, ...]]:
        """The agency's index and each of its services', from one read of their counters."""
        catalogue = self.catalogue()
        agency = next((a for a in catalogue.agencies if a.id == agency_id), None)
        if agency is None:
            raise UnknownSurveyError(agency_id)
        wanted = [(Scope.AGENCY, agency.id, agency.name)]
        wanted += [(Scope.SERVICE, s.key, s.title) for s in catalogue.standards_of(agency.id)]
        results = self._results(wanted, semester)
        return results[0], tuple(results[1:])

    def _results(self, wanted: list[tuple[Scope, str, str]], semester: Semester) -> list[Results]:
        keys = [TallyKey(scope, id, semester) for scope, id, _ in wanted]
        tallies = self.store.survey_tallies(keys)
        results = []
        for (scope, id, name), key in zip(wanted, keys, strict=True):
            tally = tallies.get(key, Tally.empty())
            population = self.populations(scope, id, semester)
            results.append(Results(scope, id, name, semester, tally, compute_index(tally), population))
        return results
