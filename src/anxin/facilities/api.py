from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema

from anxin.core.api_fields import READ_ERRORS, Code, one_of
from anxin.core.errors import InvalidInput, NotFound
from anxin.facilities.models import Facility, FacilityService
from anxin.facilities.selectors import facilities_nearest
from anxin.places.selectors import place_get_by_code

router = Router(tags=["facilities"])


class FacilityOut(Schema):
    code: str
    name: str
    tier: str
    tier_label: str
    services: list[str]
    address: str
    phone: str
    lat: float | None
    lon: float | None
    hours: str
    open_now: bool | None = None
    distance_km: float | None = None

    @staticmethod
    def build(facility: Facility, *, open_now: bool | None = None, distance: float | None = None):
        return FacilityOut(
            code=facility.code,
            name=facility.name,
            tier=facility.tier,
            tier_label=facility.get_tier_display(),
            services=facility.service_codes(),
            address=facility.address,
            phone=facility.phone,
            lat=facility.lat,
            lon=facility.lon,
            hours=facility.hours_label,
            open_now=open_now,
            distance_km=None if distance is None else round(distance, 2),
        )


@router.get(
    "",
    response={200: list[FacilityOut], **READ_ERRORS},
    summary="Facilities with a service, nearest to a place first",
)
def facility_search(
    request: HttpRequest,
    service: Annotated[Code, one_of(FacilityService.Service.values)],
    place: Annotated[Code | None, Query(description="place code (404 if none has it)")] = None,
    open_now: bool = True,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
):
    if service not in FacilityService.Service.values:
        raise InvalidInput(gettext("未知的服务代码 %(code)r") % {"code": service}, field="service")
    origin = None
    if place:
        origin = place_get_by_code(place)
        if origin is None:
            raise NotFound(gettext("未知的地点代码 %(code)r") % {"code": place}, field="place")
    services = (service,)
    if service in (FacilityService.Service.FEVER_CLINIC, FacilityService.Service.FEVER_ROOM):
        services = (FacilityService.Service.FEVER_CLINIC, FacilityService.Service.FEVER_ROOM)
    found = facilities_nearest(place=origin, services=services, open_only=open_now, limit=limit)
    return [FacilityOut.build(n.facility, open_now=n.open_now, distance=n.distance_km) for n in found]


@router.get("/{code}", response={200: FacilityOut, **READ_ERRORS})
def facility_detail(request: HttpRequest, code: Code):
    facility = Facility.objects.prefetch_related("services").filter(code=code).first()
    if facility is None:
        raise NotFound(gettext("医疗机构不存在"), field="code")
    return FacilityOut.build(facility)
