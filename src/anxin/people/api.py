from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import StringConstraints

from anxin.core.api_auth import require
from anxin.core.api_fields import NO_BINARY, READ_ERRORS, WRITE_ERRORS, Documented, InputSchema, PathId
from anxin.core.text import clean_text
from anxin.people.identity import PHONE_PATTERN, normalise_phone
from anxin.people.models import Resident
from anxin.people.selectors import household_members, resident_get_for_user, residents_by_phone
from anxin.people.services import resident_reveal

router = Router(tags=["residents"])


class PlaceRef(Schema):
    code: str
    name: str


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    age: int
    id_number_masked: str
    phone_masked: str
    household: PlaceRef
    tags: list[str]

    @staticmethod
    def from_resident(resident: Resident) -> ResidentOut:
        return ResidentOut(
            id=resident.pk,
            name=resident.name,
            sex=resident.sex,
            birth_date=resident.birth_date,
            age=resident.age(),
            id_number_masked=resident.masked_id_number,
            phone_masked=resident.masked_phone,
            household=PlaceRef(code=resident.household.code, name=resident.household.name),
            tags=resident.tags(),
        )


class ResidentDetailOut(ResidentOut):
    household_members: list[ResidentOut]


class RevealIn(InputSchema):
    purpose: Annotated[str, StringConstraints(max_length=200), NO_BINARY] = ""


class RevealOut(Schema):
    id_number: str
    phone: str


@router.get(
    "", response={200: list[ResidentOut], **READ_ERRORS}, summary="Look up residents by phone (screen pop)"
)
def resident_lookup(
    request: HttpRequest,
    phone: Annotated[
        str,
        Query(
            max_length=30,
            description="a mainland mobile number; +86/0086, spaces, dashes and full-width digits are fine",
        ),
        Documented(pattern=PHONE_PATTERN),
    ],
):
    require(request.auth, "resident.read")
    number = normalise_phone(clean_text(phone, field="phone", max_length=30))
    return [ResidentOut.from_resident(r) for r in residents_by_phone(request.auth, number)]


@router.get("/{resident_id}", response={200: ResidentDetailOut, **READ_ERRORS})
def resident_detail(request: HttpRequest, resident_id: PathId):
    resident = resident_get_for_user(request.auth, resident_id)
    base = ResidentOut.from_resident(resident).dict()
    members = [ResidentOut.from_resident(m) for m in household_members(resident)]
    return ResidentDetailOut(**base, household_members=members)


@router.post(
    "/{resident_id}/reveal",
    response={200: RevealOut, **WRITE_ERRORS},
    summary="Full ID number and phone (logged)",
    # The body may be left out; when it is sent it is an object (null is not one).
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": RevealIn.model_json_schema()}},
        }
    },
)
def resident_reveal_api(request: HttpRequest, resident_id: PathId, payload: RevealIn | None = None):
    resident = resident_get_for_user(request.auth, resident_id)
    return resident_reveal(
        user=request.auth,
        resident=resident,
        purpose=payload.purpose if payload else "",
        ip=request.META.get("REMOTE_ADDR"),
    )
