"""The text ``load_demo`` prints: what was loaded, the demo logins, and phone numbers to try."""

from __future__ import annotations

import unicodedata

from django.db.models import Count
from django.utils import timezone

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.demo import names
from anxin.demo.numbers import SHOWCASE_PHONES
from anxin.demo.staff import DEMO_EMAIL_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD
from anxin.facilities.models import Facility
from anxin.hotline.models import Case, Line
from anxin.people.models import Resident
from anxin.places.models import Place

ROOT_PATH = f"/{names.DISTRICT_CODE}/"
LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"
SHOWCASE_LABELS = {
    "elderly_alone": "独居老人",
    "infant_household": "有婴儿的家庭",
    "dialysis_locked": "封控小区血透患者",
}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    sizes = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [indent + "  ".join(pad(cell, sizes[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append(indent + "  ".join("-" * size for size in sizes))
    for row in rows:
        lines.append(indent + "  ".join(pad(cell, sizes[i]) for i, cell in enumerate(row)).rstrip())
    return lines


def demo_counts() -> dict[str, int]:
    kinds = dict(
        Place.objects.filter(path__startswith=ROOT_PATH)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    lines = Line.objects.filter(place__path__startswith=ROOT_PATH)
    return {
        **{f"places.{kind}": count for kind, count in kinds.items()},
        "residents": Resident.objects.filter(household__path__startswith=ROOT_PATH).count(),
        "facilities": Facility.objects.filter(place__path__startswith=ROOT_PATH).count(),
        "lines": lines.count(),
        "cases": Case.objects.filter(line__in=lines).count(),
        "staff": User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN).count(),
    }


def _place_label(place: Place) -> str:
    if place.kind == Place.Kind.DISTRICT:
        return f"{place.name}（全区）"
    parent = place.parent.name if place.parent_id else ""
    return f"{parent}{place.name}"


def login_rows() -> list[list[str]]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[x.username for x in DEMO_LOGINS]).prefetch_related(
            "places__parent"
        )
    }
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        covered = "、".join(_place_label(p) for p in user.places.all()) if user else "（未创建）"
        rows.append([login.username, DEMO_PASSWORD, Role(login.role).label, covered])
    return rows


def showcase_rows() -> list[list[str]]:
    today = timezone.localdate()
    rows = []
    for key, phone in SHOWCASE_PHONES.items():
        residents = list(
            Resident.objects.filter(phone=phone, household__path__startswith=ROOT_PATH).select_related(
                "household__parent__parent__parent__parent"
            )
        )
        if not residents:
            continue
        people = "、".join(
            f"{r.name}（{r.age(today)}岁{'，' + '/'.join(r.tag_labels(today)) if r.tag_labels(today) else ''}）"
            for r in residents
        )
        unit = residents[0].household
        building, compound = unit.parent, unit.parent.parent
        community = compound.parent.parent
        where = f"{community.name}{compound.name}{building.name}{unit.name}"
        rows.append([phone, SHOWCASE_LABELS[key], people, where])
    return rows


def render(*, loaded: bool, seconds: float, warnings: list[str]) -> str:
    counts = demo_counts()
    streets = counts.get("places.street", 0)
    lines = [
        "",
        f"安心 Anxin 演示区：{names.DISTRICT_NAME}（{'已新建' if loaded else '已存在，沿用原有数据'}，用时 {seconds:.1f} 秒）",
        (
            f"  街道/镇 {streets} 个 · 社区/村 {counts.get('places.community', 0)} 个 · "
            f"网格 {counts.get('places.grid', 0)} 个 · 小区 {counts.get('places.compound', 0)} 个 · "
            f"楼栋 {counts.get('places.building', 0)} 栋 · 户 {counts.get('places.unit', 0)} 户"
        ),
        (
            f"  居民 {counts['residents']:,} 人 · 医疗机构 {counts['facilities']} 家 · 热线 {counts['lines']} 条 · "
            f"工作人员 {counts['staff']} 人 · 历史工单 {counts['cases']} 件"
        ),
        "",
        f"演示账号（统一密码：{DEMO_PASSWORD}）",
        *table(["用户名", "密码", "角色", "负责范围"], login_rows()),
        "",
        "来电弹屏可试的号码（坐席、鹭湖社区网格员和家庭医生都能查到）：",
        *table(["号码", "类型", "居民", "住址"], showcase_rows()),
        "",
        f"登录页：{LOGIN_URL}（anxin demo --port 改端口时相应替换）",
    ]
    for warning in warnings:
        lines.append(f"注意：{warning}")
    return "\n".join(lines) + "\n"
