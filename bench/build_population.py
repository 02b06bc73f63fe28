"""Build the bench database: a district the size of Shenzhen's Longhua with 2.5 million residents.

Run from the checkout (the other benchmarks call it first, so running it alone is optional):

    .venv/bin/python bench/build_population.py                      # SQLite: var/bench/anxin_bench.sqlite3
    .venv/bin/python bench/build_population.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_bench   # PostgreSQL (created if missing)

Options: ``--residents N`` (default 2,500,000), ``--rebuild`` (drop the bench database and build it again).

What it builds, from a fixed seed: district 440309 → 6 streets → 54 communities → 432 grids → 2,160
compounds → buildings → about a million flats (households); 2.5 million residents with valid ID numbers
(GB 11643 check digit) and mobile numbers, key-population facts at realistic rates; a medical line with 32
agents covering the district; a grid worker per grid and a family doctor per community; one past case for
every 40 residents. A rerun finds the residents already there and returns at once.

Loading is bulk: on SQLite one transaction of ``executemany`` with the journal and syncing off and the
secondary indexes built after the load; on PostgreSQL ``COPY`` with the secondary indexes built after.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anxin.people.identity import id_check_char  # noqa: E402
from anxin.people.risk import assess_risk  # noqa: E402
from anxin.people.tags import ResidentFacts, derive_tags  # noqa: E402
from bench.common import DEFAULT_DATABASE_URL, is_sqlite, setup_django  # noqa: E402


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DEFAULT_RESIDENTS = 2_500_000
SEED = 20261122
# The day the generated facts (ages, due dates, discharges, quarantines) are counted from.
GENERATED_ON = date(2026, 11, 22)
DISTRICT_CODE = "440309"
BENCH_AGENTS = 32
AGENT_USERNAME = "bench_agent_{:02d}"
LINE_CODE = "medical"
# Mobile prefixes the population uses. 199 is kept free: the screen-pop bench dials 199… for "unknown caller".
PHONE_PREFIXES = tuple(
    str(n)
    for n in (
        *range(130, 140),
        *range(150, 154),
        *range(155, 160),
        166,
        *range(176, 179),
        *range(180, 190),
        198,
    )
)
MISSING_PHONE_PREFIX = "199"

STREETS = ("观湖街道", "民治街道", "龙华街道", "大浪街道", "福城街道", "观澜街道")
COMMUNITIES_PER_STREET = 9
GRIDS_PER_COMMUNITY = 8
COMPOUNDS_PER_GRID = 5
UNITS_PER_BUILDING_TARGET = 36
RESIDENTS_PER_UNIT = 2.5  # mean household 2.76, 5 % of flats empty, plus a margin

COMMUNITY_WORDS = _words(
    "松元厦 鹭湖 樟坑径 新田 大水坑 润城 樟溪 松和 上塘 龙园 景龙 清湖 三联 富康 油松 玉翠 高峰 水斗 赤岭头 横朗 桂花 福民 茜坑 章阁 大富 库坑 樟坑 黎光 牛湖 君子布 新澜 民乐 白石龙 龙塘 上芬 民新 北站 大岭 民强 樟坑一 下横朗 陶元 浪口 龙胜 同胜 新石 元芬 龙平 石凹 福城 竹村 长湖 桔塘 企坪"
)
COMPOUND_WORDS = _words(
    "锦绣 碧水 万科 华润 星河 金地 龙光 卓越 中海 招商 保利 世纪 幸福 阳光 美丽 和平 东方 丰润 彩悦 君悦 观澜 玉龙 雅园 绿景 壹城"
)
COMPOUND_SUFFIXES = ("花园", "苑", "公寓", "家园", "新村", "名苑")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任钟廖"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华玲桂兰霞平刚建国志红梅鑫宇浩然子轩欣怡梓涵雨萱俊杰佳琪晨阳嘉豪思远文博一诺"
# Where people were born: Shenzhen districts first, then the provinces most Longhua residents come from.
AREA_CODES = (
    ["440309"] * 4
    + ["440306", "440304", "440307", "440305"]
    + ["441322", "445221", "441481", "430421", "430524", "360732", "450881", "411526", "421181", "522121"]
)
CONDITIONS = (
    "hypertension",
    "diabetes",
    "copd",
    "heart_disease",
    "ckd",
    "cancer",
    "stroke",
    "mental_illness",
)

RESIDENT_COLUMNS = (
    "id",
    "name",
    "id_number",
    "birth_date",
    "sex",
    "phone",
    "household_id",
    "relation",
    "lives_alone",
    "pregnant_due_date",
    "chronic_conditions",
    "on_dialysis",
    "on_chemo",
    "disabled",
    "discharged_on",
    "quarantine_status",
    "quarantine_from",
    "quarantine_until",
    "created_at",
    "updated_at",
    "manual_tags",
    "risk_level",
    "risk_rules",
    "risk_assessed_on",
)
PLACE_COLUMNS = ("id", "code", "name", "kind", "parent_id", "path", "is_rural", "lat", "lon", "floor")


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# The database itself


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def ensure_database(url: str, *, rebuild: bool) -> None:
    """SQLite: the file's folder; PostgreSQL: the database (C.UTF-8, from template0), dropped first on rebuild."""
    if is_sqlite(url):
        path = Path(urlsplit(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if rebuild:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating PostgreSQL database {name} (C.UTF-8)")
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )


# ---------------------------------------------------------------------------------------------------------
# Generated rows


def id_number(rng: random.Random, birth: date, male: bool, used: dict[str, int]) -> str:
    """A valid, unique 18-character ID: area code + birth date + order (odd for men) + check character."""
    while True:
        first14 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}"
        key = first14 + ("M" if male else "F")
        n = used.get(key, 0)
        if n < 499:
            used[key] = n + 1
            order = 2 * n + 1 if male else 2 * n + 2
            first17 = f"{first14}{order:03d}"
            return first17 + id_check_char(first17)


def phone_number(index: int) -> str:
    """The index-th mobile number: unique for every index below 3 billion, spread over the prefixes."""
    prefix = PHONE_PREFIXES[index % len(PHONE_PREFIXES)]
    body = (index // len(PHONE_PREFIXES) * 48271 + 12345678) % 100_000_000
    return f"{prefix}{body:08d}"


def _birth(rng: random.Random, today: date, age: int) -> date:
    return date.fromordinal(today.toordinal() - age * 365 - rng.randrange(365) - age // 4)


def _householder_age(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.35:
        return rng.randint(22, 34)
    if roll < 0.70:
        return rng.randint(35, 49)
    if roll < 0.88:
        return rng.randint(50, 64)
    if roll < 0.98:
        return rng.randint(65, 79)
    return rng.randint(80, 96)


HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_WEIGHTS = (20, 25, 27, 18, 7, 3)


def _members(rng: random.Random, size: int) -> list[tuple[str, int, bool]]:
    """(relation, age, male) for each member of a household of this size; the householder first."""
    head_age = _householder_age(rng)
    head_male = rng.random() < 0.55
    members = [("户主", head_age, head_male)]
    if size >= 2:
        members.append(("配偶", max(20, head_age + rng.randint(-5, 5)), not head_male))
    # Three or more: children, and in a quarter of the households (all the big ones) the couple's parents.
    parents = 0
    if size >= 5:
        parents = min(2, size - 3)
    elif size >= 3 and rng.random() < 0.25:
        parents = 1
    for _ in range(parents):
        members.append(("父母", min(head_age + rng.randint(22, 35), 101), rng.random() < 0.45))
    while len(members) < size:
        members.append(("子女", rng.randint(0, max(0, min(head_age - 20, 30))), rng.random() < 0.5))
    return members


def _risk(row: tuple[object, ...], today: date) -> tuple[str, str, str]:
    """The stored risk columns, by the people rules (as ``Resident.refresh_risk`` would set them)."""
    facts = dict(zip(RESIDENT_COLUMNS, row, strict=False))
    tags = derive_tags(
        ResidentFacts(
            birth_date=date.fromisoformat(facts["birth_date"]),
            lives_alone=bool(facts["lives_alone"]),
            pregnant_due_date=_date_or_none(facts["pregnant_due_date"]),
            chronic_conditions=tuple(json.loads(facts["chronic_conditions"])),
            on_dialysis=bool(facts["on_dialysis"]),
            on_chemo=bool(facts["on_chemo"]),
            disabled=bool(facts["disabled"]),
            discharged_on=_date_or_none(facts["discharged_on"]),
            quarantine_status=facts["quarantine_status"],
            quarantine_until=_date_or_none(facts["quarantine_until"]),
        ),
        today,
    )
    risk = assess_risk(tags)
    return risk.level, json.dumps(list(risk.rule_codes)), today.isoformat()


def _date_or_none(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def resident_rows(
    rng: random.Random, unit_ids: array, target: int, today: date, stamp: str, rated_on: date | None = None
) -> Iterator[tuple[object, ...]]:
    """Rows in RESIDENT_COLUMNS order, household by household, until ``target`` residents exist; the risk
    columns rated on ``rated_on`` (default: ``today``)."""
    used_ids: dict[str, int] = {}
    phone_index = 0
    made = 0
    for unit in unit_ids:
        if made >= target:
            return
        if rng.random() < 0.05:  # an empty flat
            continue
        size = rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0]
        head_phone = ""
        for position, (relation, age, male) in enumerate(_members(rng, size)):
            if made >= target:
                return
            made += 1
            birth = _birth(rng, today, age)
            phone = ""
            if age >= 70 and position > 0 and head_phone and rng.random() < 0.35:
                phone = head_phone  # an elderly parent registered with the householder's number
            elif age >= 16 and rng.random() < 0.97:
                phone = phone_number(phone_index)
                phone_index += 1
            if position == 0:
                head_phone = phone
            chronic: list[str] = []
            if (age >= 60 and rng.random() < 0.35) or (45 <= age < 60 and rng.random() < 0.12):
                chronic = rng.sample(CONDITIONS, rng.choice((1, 1, 2)))
            pregnant = None
            if not male and 22 <= age <= 40 and rng.random() < 0.015:
                pregnant = (today + timedelta(days=rng.randint(10, 250))).isoformat()
            discharged = (
                (today - timedelta(days=rng.randint(0, 30))).isoformat() if rng.random() < 0.003 else None
            )
            quarantine = (
                (
                    "quarantine_home",
                    (today - timedelta(days=3)).isoformat(),
                    (today + timedelta(days=4)).isoformat(),
                )
                if rng.random() < 0.0005
                else ("", None, None)
            )
            row = (
                made,
                rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2)))),
                id_number(rng, birth, male, used_ids),
                birth.isoformat(),
                "M" if male else "F",
                phone,
                unit,
                relation,
                size == 1 and age >= 60 and rng.random() < 0.7,
                pregnant,
                json.dumps(chronic),
                "ckd" in chronic and rng.random() < 0.3,
                age >= 40 and rng.random() < 0.003,
                (age >= 75 and rng.random() < 0.08) or rng.random() < 0.005,
                discharged,
                *quarantine,
                stamp,
                stamp,
            )
            yield (*row, "[]", *_risk(row, rated_on or today))


def _point(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(22.62, 22.80), 6), round(rng.uniform(113.96, 114.12), 6)


def place_rows(rng: random.Random, target: int, unit_ids: array) -> Iterator[tuple[object, ...]]:
    """Rows in PLACE_COLUMNS order, parents before children; flats' ids are appended to ``unit_ids``."""
    compounds = len(STREETS) * COMMUNITIES_PER_STREET * GRIDS_PER_COMMUNITY * COMPOUNDS_PER_GRID
    units_needed = math.ceil(target / RESIDENTS_PER_UNIT)
    buildings_per_compound = max(1, round(units_needed / (compounds * UNITS_PER_BUILDING_TARGET)))
    per_building = math.ceil(units_needed / (compounds * buildings_per_compound))
    per_floor = 4 if per_building > 40 else 2
    next_id = 0

    def row(code: str, name: str, kind: str, parent: tuple[int, str] | None, **extra) -> tuple[object, ...]:
        nonlocal next_id
        next_id += 1
        path = f"{parent[1] if parent else '/'}{code}/"
        lat, lon = extra.get("point") or (None, None)
        return (
            next_id,
            code,
            name,
            kind,
            parent[0] if parent else None,
            path,
            False,
            lat,
            lon,
            extra.get("floor"),
        )

    district = row(DISTRICT_CODE, "龙华区", "district", None, point=(22.6967, 114.0449))
    yield district
    words = iter(COMMUNITY_WORDS * 2)
    for s, street_name in enumerate(STREETS, start=1):
        street = row(
            f"{DISTRICT_CODE}{s:03d}", street_name, "street", (district[0], district[5]), point=_point(rng)
        )
        yield street
        for c in range(1, COMMUNITIES_PER_STREET + 1):
            community_name = next(words) + "社区"
            community = row(
                f"{street[1]}{c:03d}", community_name, "community", (street[0], street[5]), point=_point(rng)
            )
            yield community
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grid = row(
                    f"{community[1]}G{g:02d}",
                    f"{community_name}第{g}网格",
                    "grid",
                    (community[0], community[5]),
                )
                yield grid
                for k in range(1, COMPOUNDS_PER_GRID + 1):
                    compound_name = rng.choice(COMPOUND_WORDS) + rng.choice(COMPOUND_SUFFIXES)
                    compound = row(
                        f"{grid[1]}C{k:02d}", compound_name, "compound", (grid[0], grid[5]), point=_point(rng)
                    )
                    yield compound
                    for b in range(1, buildings_per_compound + 1):
                        building = row(
                            f"{compound[1]}B{b:02d}", f"{b}栋", "building", (compound[0], compound[5])
                        )
                        yield building
                        parent = (building[0], building[5])
                        for u in range(per_building):
                            floor, door = u // per_floor + 1, u % per_floor + 1
                            unit = row(
                                f"{building[1]}-{floor:02d}{door:02d}",
                                f"{floor}{door:02d}",
                                "unit",
                                parent,
                                floor=floor,
                            )
                            unit_ids.append(unit[0])
                            yield unit


# ---------------------------------------------------------------------------------------------------------
# Bulk loading


def load_sqlite(
    path: str, target: int, rng: random.Random, today: date, *, rated_on: date | None = None
) -> None:
    """Places and residents straight into the SQLite file, indexes dropped and rebuilt; risk rated on
    ``rated_on`` (default: ``today``, the day the facts are generated for)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1048576")  # 1 GiB of page cache while loading
        conn.execute("PRAGMA temp_store=MEMORY")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('places_place', 'people_resident')"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        unit_ids: array = array("q")
        started = time.perf_counter()
        conn.executemany(
            f"INSERT INTO places_place ({', '.join(PLACE_COLUMNS)}) VALUES ({', '.join('?' * len(PLACE_COLUMNS))})",  # noqa: S608 - constant names
            place_rows(rng, target, unit_ids),
        )
        log(f"places: {len(unit_ids):,} flats in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        conn.executemany(
            f"INSERT INTO people_resident ({', '.join(RESIDENT_COLUMNS)}) VALUES ({', '.join('?' * len(RESIDENT_COLUMNS))})",  # noqa: S608 - constant names
            resident_rows(rng, unit_ids, target, today, stamp, rated_on),
        )
        log(f"residents: {target:,} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        log(f"indexes rebuilt in {time.perf_counter() - started:.1f} s")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def load_pg(url: str, target: int, rng: random.Random, today: date, *, rated_on: date | None = None) -> None:
    """The same as ``load_sqlite`` with COPY."""
    import psycopg

    stamp = datetime.now(UTC).isoformat()
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '1GB'")
        # The generator builds parents before children; skip the per-row foreign-key triggers while copying.
        conn.execute("SET session_replication_role = replica")
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename IN ('places_place', 'people_resident') AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        unit_ids: array = array("q")
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY places_place ({', '.join(PLACE_COLUMNS)}) FROM STDIN") as copy:
            for row in place_rows(rng, target, unit_ids):
                copy.write_row(row)
        log(f"places: {len(unit_ids):,} flats in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY people_resident ({', '.join(RESIDENT_COLUMNS)}) FROM STDIN") as copy:
            for row in resident_rows(rng, unit_ids, target, today, stamp, rated_on):
                copy.write_row(row)
        log(f"residents: {target:,} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for _, sql in indexes:
            conn.execute(sql)
        conn.commit()
        log(f"indexes rebuilt in {time.perf_counter() - started:.1f} s")
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE places_place")
        conn.execute("VACUUM ANALYZE people_resident")
        log(f"vacuum analyze in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------------------------------------
# Staff, line, duties and past cases (thousands of rows: the ORM's bulk_create is quick enough)


def _staff_and_cases(target: int, rng: random.Random, today: date) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from anxin.accounts.models import User
    from anxin.accounts.roles import Role
    from anxin.hotline.models import Case, CaseEvent, Category, Disposition, Line, Shift, Urgency
    from anxin.hotline.sla import sla_due_at
    from anxin.people.models import Resident
    from anxin.places.models import Place, PlaceDuty

    started = time.perf_counter()
    with transaction.atomic():
        district = Place.objects.get(code=DISTRICT_CODE)
        users: list[User] = []
        for n in range(1, BENCH_AGENTS + 1):
            users.append(
                User(username=AGENT_USERNAME.format(n), role=Role.AGENT, display_name=f"坐席{n:02d}")
            )
        grids = list(Place.objects.filter(kind=Place.Kind.GRID).only("id", "code", "name"))
        communities = list(Place.objects.filter(kind=Place.Kind.COMMUNITY).only("id", "code", "name"))
        for grid in grids:
            users.append(
                User(username=f"grid_{grid.code}", role=Role.GRID_WORKER, display_name=f"{grid.name}网格员")
            )
        for community in communities:
            users.append(
                User(
                    username=f"doctor_{community.code}",
                    role=Role.FAMILY_DOCTOR,
                    display_name=f"{community.name}家庭医生",
                )
            )
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=1000)
        by_name = {u.username: u for u in User.objects.all()}
        agents = [by_name[AGENT_USERNAME.format(n)] for n in range(1, BENCH_AGENTS + 1)]
        through = User.places.through
        links = [through(user_id=a.pk, place_id=district.pk) for a in agents]
        duties = []
        for grid in grids:
            worker = by_name[f"grid_{grid.code}"]
            links.append(through(user_id=worker.pk, place_id=grid.pk))
            duties.append(PlaceDuty(place=grid, user=worker, duty=PlaceDuty.Duty.GRID_WORKER))
        for community in communities:
            doctor = by_name[f"doctor_{community.code}"]
            links.append(through(user_id=doctor.pk, place_id=community.pk))
            duties.append(PlaceDuty(place=community, user=doctor, duty=PlaceDuty.Duty.FAMILY_DOCTOR))
        through.objects.bulk_create(links, batch_size=1000)
        PlaceDuty.objects.bulk_create(duties, batch_size=1000)
        line = Line.objects.create(
            code=LINE_CODE,
            name="24小时医疗咨询热线",
            kind=Line.Kind.MEDICAL,
            number="0755-23332333",
            place=district,
        )
        line.members.set(agents)
        for name, starts, ends in (
            ("早班", "08:00", "16:00"),
            ("中班", "16:00", "00:00"),
            ("夜班", "00:00", "08:00"),
        ):
            Shift.objects.create(line=line, name=name, starts=starts, ends=ends).members.set(agents)

        # One past case for every 40 residents: about a year of a busy line's calls.
        count = target // 40
        ids = sorted(rng.sample(range(1, target + 1), count))
        facts: dict[int, tuple[int, str]] = {}
        for chunk in range(0, len(ids), 5000):
            for pk, household, phone in Resident.objects.filter(pk__in=ids[chunk : chunk + 5000]).values_list(
                "pk", "household_id", "phone"
            ):
                facts[pk] = (household, phone)
        now = timezone.now()
        categories = [c for c in Category.values if c != Category.EMERGENCY]
        cases, events = [], []
        for n, resident in enumerate(ids, start=1):
            household, phone = facts[resident]
            created = now - timedelta(minutes=rng.randint(30, 365 * 24 * 60))
            urgency = rng.choices(Urgency.values, (2, 18, 50, 30))[0]
            status = rng.choices(Case.Status.values, (3, 1, 1, 3, 92))[0]
            closed = status == Case.Status.CLOSED
            owner = rng.choice(agents)
            cases.append(
                Case(
                    pk=n,
                    number=f"AX{timezone.localtime(created):%Y%m%d}{n:06d}",
                    line=line,
                    status=status,
                    caller_phone=phone,
                    caller_resident_id=resident,
                    subject_resident_id=resident,
                    place_id=household,
                    summary="历史来电（基准测试数据）",
                    category=rng.choice(categories),
                    urgency=urgency,
                    disposition=Disposition.ANSWER_CLOSED
                    if urgency == Urgency.P4
                    else Disposition.DOCTOR_CALLBACK,
                    owner=owner,
                    handler=owner,
                    created_at=created,
                    sla_due_at=sla_due_at(urgency, created),
                    sla_met_at=created + timedelta(minutes=5) if closed else None,
                    resolved_at=created + timedelta(hours=2) if status in ("resolved", "closed") else None,
                    closed_at=created + timedelta(days=1) if closed else None,
                    return_visit_at=created + timedelta(days=1) if closed else None,
                    satisfaction="satisfied" if closed else "",
                )
            )
            events.append(
                CaseEvent(
                    case_id=n, kind=CaseEvent.Kind.OPENED, actor=owner, at=created, data={"urgency": urgency}
                )
            )
            if closed:
                events.append(
                    CaseEvent(
                        case_id=n, kind=CaseEvent.Kind.CLOSED, actor=owner, at=created + timedelta(days=1)
                    )
                )
        Case.objects.bulk_create(cases, batch_size=2000)
        CaseEvent.objects.bulk_create(events, batch_size=2000)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Place, Resident, Case]):
                cursor.execute(statement)
            cursor.execute("ANALYZE")
    log(f"staff, line, duties and {count:,} past cases in {time.perf_counter() - started:.1f} s")


def ensure_population(
    url: str, *, residents: int = DEFAULT_RESIDENTS, rebuild: bool = False
) -> dict[str, int]:
    """Migrate the bench database and load the district unless it is already there. Returns its size.

    Precondition: Django is set up on ``url`` (bench.common.setup_django) and has not connected yet.
    """
    ensure_database(url, rebuild=rebuild)
    from django.core.management import call_command
    from django.db import connection

    from anxin.people.models import Resident
    from anxin.places.models import Place

    call_command("migrate", interactive=False, verbosity=0)
    present = Resident.objects.count()
    if present == residents:
        size = {"residents": present, "places": Place.objects.count()}
        log(f"reusing the bench population: {size['residents']:,} residents, {size['places']:,} places")
        return size
    if present or Place.objects.exists():
        raise SystemExit(
            f"the bench database holds {present:,} residents, not {residents:,}: run "
            f"bench/build_population.py --rebuild --residents {residents} --database-url {url}"
        )
    log(f"loading {residents:,} residents into {connection.vendor} ({url})")
    started = time.perf_counter()
    rng = random.Random(SEED)
    today = GENERATED_ON
    connection.close()
    if connection.vendor == "sqlite":
        load_sqlite(connection.settings_dict["NAME"], residents, rng, today)
    else:
        load_pg(url, residents, rng, today)
    _staff_and_cases(residents, rng, today)
    size = {"residents": Resident.objects.count(), "places": Place.objects.count()}
    log(
        f"built in {time.perf_counter() - started:.0f} s: {size['residents']:,} residents, {size['places']:,} places"
    )
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--residents", type=int, default=DEFAULT_RESIDENTS)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    ensure_population(args.database_url, residents=args.residents, rebuild=args.rebuild)
    return 0


if __name__ == "__main__":
    sys.exit(main())
