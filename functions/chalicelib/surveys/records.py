"""What the survey stores: one answer (anonymous) and the counters it adds to, keyed without any scan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.surveys.answers import SurveyAnswer
from chalicelib.surveys.semesters import Semester


class Scope(StrEnum):
    SERVICE = "layanan"  # id: 'agency/service'
    AGENCY = "instansi"  # id: the agency's id


@dataclass(frozen=True)
class TallyKey:
    scope: Scope
    id: str
    semester: Semester


@dataclass(frozen=True)
class SurveyEntry:
    """One answer as stored: no identity, no reference, no day (only the semester it counts for) and the age by
    its decade only (`answer.age` 30 for 30 to 39): with few respondents a day and an exact age could point at
    the applicant whose decision mail carried the link."""

    id: str  # random
    service: str  # 'agency/service'
    agency_id: str
    semester: Semester
    answer: SurveyAnswer
    channel: str  # "tautan" (the decision mail's link) or "loket" (the public form)
    used_marker: str = ""  # set for a link's answer: the marker the transaction puts if absent

    @property
    def tally_keys(self) -> tuple[TallyKey, TallyKey]:
        return (
            TallyKey(Scope.SERVICE, self.service, self.semester),
            TallyKey(Scope.AGENCY, self.agency_id, self.semester),
        )
