"""What the hotline API's request bodies look like: the types ninja parses with and the OpenAPI document
publishes. The services check every value again (with their own messages); these say what they accept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field
from pydantic import StringConstraints

from anxin.accounts.roles import Role
from anxin.core.api_fields import (
    FILLED,
    NO_BINARY,
    BodyId,
    Code,
    Documented,
    Flag,
    InputSchema,
    Number,
    Version,
    code_source,
    codes_of,
    filled,
    one_of,
    within,
)
from anxin.hotline import services
from anxin.hotline.models import Callback, Case, Category, Channel, Disposition, Line, Urgency
from anxin.hotline.proposal import TriageFields
from anxin.places.models import TEAM_PLACE_KINDS
from anxin.places.selectors import place_codes
from anxin.triage.codes import CONDITIONS, FIELD_RANGES
from anxin.triage.ruleset import default_ruleset

Summary = Annotated[str, StringConstraints(max_length=services.SUMMARY_MAX), FILLED]
Note = Annotated[str, StringConstraints(max_length=services.NOTE_MAX), NO_BINARY]
FilledNote = Annotated[str, StringConstraints(max_length=services.NOTE_MAX), FILLED]
ShortText = Annotated[str, StringConstraints(max_length=200), NO_BINARY]
CallerPhone = Annotated[
    str, StringConstraints(max_length=200), NO_BINARY, Documented(pattern=services.CALLER_PHONE_PATTERN)
]
# The codes a case carries, as the services check them; "" or null means "take the triage proposal".
CategoryCode = Annotated[Code, one_of(Category.values, blank=True)]
UrgencyCode = Annotated[Code, one_of(Urgency.values, blank=True)]
DispositionCode = Annotated[Code, one_of(Disposition.values, blank=True)]
LineCode = Annotated[Code, codes_of("hotline.lines")]


@code_source("hotline.lines")
def _line_codes() -> list[str]:
    return list(Line.objects.order_by("code").values_list("code", flat=True))


@code_source("places.teams")
def _team_place_codes() -> list[str]:
    return place_codes(TEAM_PLACE_KINDS)


Age = Annotated[Number, within(*FIELD_RANGES["age"])]
Temperature = Annotated[Number, within(*FIELD_RANGES["temperature_c"])]
SpO2 = Annotated[Number, within(*FIELD_RANGES["spo2"])]
PregnancyWeeks = Annotated[Number, within(*FIELD_RANGES["pregnancy_weeks"])]


@code_source("triage.questions")
def _question_ids() -> list[str]:
    return sorted(default_ruleset().questions)


class TriageFieldsIn(InputSchema):
    """What the agent measured or asked beside the caller's words; a field that is more urgent than the
    words always wins."""

    age: Age | None = Field(None, description="years, may be fractional (0.25 = 3 months)")
    sex: Annotated[str, StringConstraints(pattern="^[MF]$")] | None = None
    temperature_c: Temperature | None = None
    spo2: SpO2 | None = None
    pregnancy_weeks: PregnancyWeeks | None = None
    conditions: list[Annotated[Code, one_of(CONDITIONS)]] = Field(default_factory=list, max_length=20)
    answers: dict[Code, Flag] = Field(
        default_factory=dict,
        max_length=60,
        description="key questions asked (ids from /api/triage's questions) → the answer; a yes counts as words",
        json_schema_extra={"propertyNames": {"x-anxin-codes": "triage.questions"}},
    )

    def fields(self) -> TriageFields:
        return TriageFields(
            age=self.age,
            sex=self.sex,
            temperature_c=self.temperature_c,
            spo2=self.spo2,
            pregnancy_weeks=self.pregnancy_weeks,
            conditions=tuple(self.conditions),
            answers=tuple(self.answers.items()),
        )


class CaseIn(TriageFieldsIn):
    """``close_now`` (answered on the spot) needs the codes said outright: P4 and answer_closed."""

    model_config = {
        "json_schema_extra": {
            "if": {"required": ["close_now"], "properties": {"close_now": {"const": True}}},
            "then": {
                "required": ["urgency", "disposition"],
                "properties": {
                    "urgency": {"const": Urgency.P4.value},
                    "disposition": {"const": Disposition.ANSWER_CLOSED.value},
                },
            },
        }
    }

    line: LineCode = Field(..., description="line code")
    summary: Summary = Field(..., description="what the caller said")
    category: CategoryCode | None = Field(None, description="omit to take the triage proposal")
    urgency: UrgencyCode | None = Field(
        None, description="P1, P2, P3 or P4; omit to take the triage proposal"
    )
    disposition: DispositionCode | None = Field(None, description="omit to take the triage proposal")
    override_reason: Note = Field("", description="why the codes differ from the triage proposal, if they do")
    channel: Annotated[Code, one_of(Channel.values)] = "phone"
    caller_phone: CallerPhone = Field("", description="mobile or landline with area code")
    caller_name: ShortText = ""
    caller_resident_id: BodyId | None = None
    subject_resident_id: BodyId | None = None
    subject_note: ShortText = ""
    place: Code | None = Field(None, description="place code, when no resident is known (404 if none has it)")
    dispatched: Flag = False
    close_now: Flag = False


class VersionIn(InputSchema):
    version: Version


class TransferIn(VersionIn):
    """Exactly one target: a line, or a street, community or grid team."""

    model_config = {"json_schema_extra": {"oneOf": [filled("to_line"), filled("to_place")]}}

    note: FilledNote
    to_line: Annotated[Code, codes_of("hotline.lines", blank=True)] | None = None
    to_place: Annotated[Code, codes_of("places.teams", blank=True)] | None = None


class CallbackIn(VersionIn):
    """A consultation (kind ``consult``) needs a note saying what is being asked."""

    model_config = {
        "json_schema_extra": {
            "if": {"required": ["kind"], "properties": {"kind": {"const": Callback.Kind.CONSULT.value}}},
            "then": filled("note"),
        }
    }

    due_at: datetime = Field(
        ...,
        description="timezone-aware, e.g. 2025-01-01T10:00:00+08:00; from now (a minute's grace) to 30 days ahead",
    )
    note: Note = ""
    kind: Annotated[Code, one_of(Callback.Kind.values)] = "callback"
    assignee_role: Annotated[Code, one_of(Role.values, blank=True)] = ""


class CallbackDoneIn(VersionIn):
    outcome: FilledNote


class DispatchIn(VersionIn):
    target: Annotated[str, StringConstraints(max_length=services.DISPATCH_TARGET_MAX), FILLED] = "120"
    note: Note = ""


class NoteIn(VersionIn):
    note: FilledNote


class ReclassifyIn(VersionIn):
    category: Annotated[Code, one_of(Category.values)]
    urgency: Annotated[Code, one_of(Urgency.values)]
    disposition: Annotated[Code, one_of(Disposition.values)]
    reason: FilledNote


class ResolveIn(VersionIn):
    resolution: FilledNote


class ReturnVisitIn(VersionIn):
    satisfaction: Annotated[Code, one_of(Case.Satisfaction.values)]
    note: Note = ""


class CloseIn(VersionIn):
    note: Note = ""


class ReopenIn(VersionIn):
    reason: FilledNote
