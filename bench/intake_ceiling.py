"""The ceiling of an intake on this stack: what ``POST /api/cases`` could cost if nothing but its
unavoidable work were left, every statement hand-written and compiled once.

Issue 2 asks for intake throughput of at least half the trivial endpoint's. This measures how close the
stack (Django, django-ninja, gunicorn, SQLite or PostgreSQL) can get, so that the target can be judged
against a measurement rather than a guess. The ceiling intake is an extra operation,
``POST /api/bench/intake-ceiling``, mounted only by this module (never by the application). It takes the
same body as ``POST /api/cases`` and keeps what no real intake can skip:

- the same token authentication and request validation (``CaseIn``), the same answer (``CaseDetailOut``,
  built by ``case_detail_out`` from the case and events written);
- the permission check, the resident with its household read and the user's scope checked in one
  statement, the line in one statement;
- the real triage engine (``proposal.propose_for_intake``) and the same text clean-up;
- one transaction writing the same rows ``case_open`` writes: the case, its number, the triage override
  when the codes differ, its events, and the queued SLA check.

It leaves out what a production path would still need: the lifecycle rules beyond the first step, a P1's
clinician alerts, the knowledge-item answer, error messages for every field, and the ORM's guarantees
(signals, one write path shared with the desk and background tasks). So a real intake costs more than this;
if even this misses the target, the target cannot be met by tuning the intake.

Two ways to run it:

    .venv/bin/python bench/intake_ceiling.py                       # in process: CPU per request
    .venv/bin/python bench/bench_intake.py --ceiling               # served, side by side with ping

In process it uses ``bench/intake_cpu.py``'s database and driver. Pings, floor intakes, intakes and ceiling
intakes alternate in rounds, timed with ``time.process_time``. The floor, ``POST /api/bench/intake-floor``, is
authentication, validation and the answer with no database work: it answers the first ceiling case again. Served, ``bench_intake.py`` runs gunicorn exactly as
``anxin serve`` does, on this module's ``application`` (the whole application plus the ceiling route), and
adds ceiling phases beside the ping and intake phases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CEILING_PATH = "/api/bench/intake-ceiling"
FLOOR_PATH = "/api/bench/intake-floor"
_installed = False
_fixed_answer: dict = {}


def install() -> None:
    """Mount the ceiling and floor operations on the application's API; call after Django is set up, before the first
    request loads the URLs."""
    global _installed
    if _installed:
        return
    from ninja import Status

    from anxin.api import api
    from anxin.core.api_fields import WRITE_ERRORS
    from anxin.hotline.api import CaseDetailOut, CaseIn

    def intake_ceiling(request, payload):
        answer = ceiling_intake(request.auth, payload)
        _fixed_answer.setdefault("answer", answer)
        return Status(201, answer)

    def intake_floor(request, payload):
        # No database work at all: the first ceiling intake's answer, validated and rendered again.
        return Status(201, _fixed_answer["answer"])

    for path, operation in ((CEILING_PATH, intake_ceiling), (FLOOR_PATH, intake_floor)):
        # Set, not written, because this module's annotations are strings and CaseIn is imported here.
        operation.__annotations__ = {"payload": CaseIn}
        api.post(path.removeprefix("/api"), response={201: CaseDetailOut, **WRITE_ERRORS})(operation)
    _installed = True


def __getattr__(name: str):
    # gunicorn imports ``bench.intake_ceiling:application``; build it only then, not when imported in process.
    if name == "application":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.config.settings")
        from django.core.wsgi import get_wsgi_application

        wsgi = get_wsgi_application()
        install()
        globals()["application"] = wsgi
        return wsgi
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------------------
# Statements, built once from the models


class RowInsert:
    """``INSERT INTO <table> (<columns>) VALUES (...), ... RETURNING <pk>`` for a model, its SQL built once
    per row count; the values are prepared by the model's own fields, as the ORM would."""

    def __init__(self, model) -> None:
        from django.db.models import AutoField

        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, AutoField))]
        self.table = meta.db_table
        self.pk = meta.pk

    @cache  # noqa: B019 (one instance per model, alive for the process)
    def _sql(self, rows: int, vendor: str) -> str:
        from django.db import connection

        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        return (
            f"INSERT INTO {quote(self.table)} ({columns}) VALUES {', '.join([row] * rows)} "  # noqa: S608
            f"RETURNING {quote(self.pk.column)}"
        )

    def insert(self, cursor, connection, objs: list) -> None:
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in self.fields]
        cursor.execute(self._sql(len(objs), connection.vendor), params)
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            if self.pk.attname not in obj.__dict__ or getattr(obj, self.pk.attname) is None:
                setattr(obj, self.pk.attname, pk)
            obj._state.adding, obj._state.db = False, connection.alias


@cache
def _statements():
    """The hand-written statements, their identifiers taken from the models (so no value is ever formatted
    into them: every value is a parameter)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from anxin.accounts.models import User
    from anxin.hotline.models import Case, CaseEvent, Line, TriageOverride
    from anxin.people.models import Resident
    from anxin.places.models import Place

    quote = connection.ops.quote_name
    places, covers = quote(Place._meta.db_table), quote(User.places.through._meta.db_table)

    def columns(model, alias: str) -> str:
        return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)

    def in_scope(path: str) -> str:
        # The user covers a place whose path is a prefix of this one (User.covers_path, in SQL).
        return (
            f"EXISTS (SELECT 1 FROM {covers} up JOIN {places} s ON s.id = up.place_id"  # noqa: S608
            f" WHERE up.user_id = %s AND {path} LIKE s.path || '%%')"
        )

    resident_sql = (
        f"SELECT {columns(Resident, 'r')}, {columns(Place, 'h')}"  # noqa: S608 (identifiers from the models)
        f" FROM {quote(Resident._meta.db_table)} r JOIN {places} h ON h.id = r.household_id"
        f" WHERE r.id = %s AND {in_scope('h.path')}"
    )
    place_sql = f"SELECT {columns(Place, 'p')} FROM {places} p WHERE p.id = %s AND {in_scope('p.path')}"  # noqa: S608
    line_sql = f"SELECT {columns(Line, 'l')} FROM {quote(Line._meta.db_table)} l WHERE l.code = %s"  # noqa: S608
    number_sql = f"UPDATE {quote(Case._meta.db_table)} SET number = %s WHERE id = %s"  # noqa: S608

    def attnames(model) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields]

    return {
        "resident": (resident_sql, attnames(Resident), len(attnames(Resident))),
        "place_fields": attnames(Place),
        "line": (line_sql, attnames(Line)),
        "place": place_sql,
        "number": number_sql,
        "case": RowInsert(Case),
        "event": RowInsert(CaseEvent),
        "override": RowInsert(TriageOverride),
        "task": RowInsert(DBTaskResult),
    }


# ---------------------------------------------------------------------------------------------------------
# The ceiling intake


@cache
def _converters(model, vendor: str) -> list[tuple[int, list, object]]:
    """The ORM's value converters for each column of a model's row, as a query would apply them."""
    from django.db import connection

    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((i, converters, column))
    return found


def _from_row(model, attnames: list[str], values, connection):
    converted = list(values)
    for i, converters, column in _converters(model, connection.vendor):
        for converter in converters:
            converted[i] = converter(converted[i], column, connection)
    return model.from_db(connection.alias, attnames, converted)


def _resident(cursor, connection, user, resident_id: int):
    from anxin.core.errors import NotFound
    from anxin.people.models import Resident
    from anxin.places.models import Place

    sql, attnames, width = _statements()["resident"]
    cursor.execute(sql, [resident_id, user.pk])
    row = cursor.fetchone()
    if row is None:
        raise NotFound("居民不存在或不在您负责的区域", field="caller_resident_id")
    resident = _from_row(Resident, attnames, row[:width], connection)
    resident.household = _from_row(Place, _statements()["place_fields"], row[width:], connection)
    return resident


def ceiling_intake(user, payload) -> dict:
    from django.db import DEFAULT_DB_ALIAS, connections, transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from anxin.core.errors import Forbidden, InvalidInput, NotFound
    from anxin.core.text import checked_choice, clean_text
    from anxin.hotline import proposal
    from anxin.hotline.api import case_detail_out
    from anxin.hotline.models import (
        Case,
        CaseEvent,
        Category,
        Channel,
        Disposition,
        Line,
        TriageOverride,
        Urgency,
    )
    from anxin.hotline.services import (
        FIRST_CONTACT_NOTE,
        SUMMARY_MAX,
        case_number,
        normalise_caller_number,
    )
    from anxin.hotline.sla import sla_due_at, sla_rules
    from anxin.hotline.tasks import case_sla_check
    from anxin.places.models import Place

    Kind = CaseEvent.Kind
    if not user.can("case.intake"):
        raise Forbidden("当前角色不能受理工单")
    statements = _statements()
    connection = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-attribute proxy
    now = timezone.now()
    with connection.cursor() as cursor:
        resident = None
        if payload.caller_resident_id is not None:
            resident = _resident(cursor, connection, user, payload.caller_resident_id)
        line_sql, line_attnames = statements["line"]
        cursor.execute(line_sql, [payload.line])
        row = cursor.fetchone()
        if row is None:
            raise InvalidInput("未知的热线代码", field="line")
        line = _from_row(Line, line_attnames, row, connection)
        if resident is not None:
            place = resident.household
        else:
            cursor.execute(statements["place"], [line.place_id, user.pk])
            row = cursor.fetchone()
            if row is None:
                raise NotFound("该地点不在您负责的区域", field="place")
            place = _from_row(Place, statements["place_fields"], row, connection)

    summary = clean_text(payload.summary, field="summary", max_length=SUMMARY_MAX, required=True)
    decision, fields, _ = proposal.propose_for_intake(
        summary=summary,
        line_kind=line.kind,
        channel=payload.channel,
        fields=payload.fields(),
        subject=resident,
        today=timezone.localdate(now),
    )
    category = payload.category or decision.category
    urgency = payload.urgency or decision.urgency
    disposition = payload.disposition or decision.disposition
    for value, choices, name in (
        (category, Category, "category"),
        (urgency, Urgency, "urgency"),
        (disposition, Disposition, "disposition"),
        (payload.channel, Channel, "channel"),
    ):
        checked_choice(value, choices, name)
    case = Case(  # as case_open builds it: the comparison needs the same row
        line=line,
        channel=payload.channel,
        caller_phone=normalise_caller_number(payload.caller_phone),
        caller_name=clean_text(payload.caller_name, field="caller_name", max_length=50),
        caller_resident=resident,
        subject_resident=resident,
        place=place,
        summary=summary,
        category=category,
        urgency=urgency,
        disposition=disposition,
        complaint=decision.complaint or "",
        owner=user,
        handler=user,
        created_at=now,
        sla_due_at=sla_due_at(urgency, now),
        triage=proposal.proposal_record(decision, fields),
    )
    opened = {
        "category": category,
        "urgency": urgency,
        "disposition": disposition,
        "channel": payload.channel,
    }
    events = [
        CaseEvent(
            case=case, kind=Kind.OPENED, actor=user, at=now, data={**opened, "sla_rules": sla_rules().version}
        )
    ]
    override = None
    record = case.triage
    if proposal.differs(record, category=category, urgency=urgency, disposition=disposition):
        override = TriageOverride(
            case=case, by=user, at=now, decisive_rule=record["decided_by"], rules=record["rules"],
            ruleset=record["ruleset"], proposed_category=record["category"], proposed_urgency=record["urgency"],
            proposed_disposition=record["disposition"], chosen_category=category, chosen_urgency=urgency,
            chosen_disposition=disposition, reason=payload.override_reason,
        )  # fmt: skip
        events.append(
            CaseEvent(
                case=case, kind=Kind.TRIAGE_OVERRIDDEN, actor=user, at=now, note=payload.override_reason,
                data={"proposed": {k: record[k] for k in ("category", "urgency", "disposition")},
                      "decided_by": record["decided_by"]},
            )
        )  # fmt: skip
    if payload.close_now:
        case.status = Case.Status.CLOSED
        case.resolved_at = case.closed_at = case.sla_met_at = now
        case.closed_at_first_contact = True
        case.resolution = summary[:200]
        events.append(
            CaseEvent(case=case, kind=Kind.RESOLVED, actor=user, at=now, note=FIRST_CONTACT_NOTE, data={})
        )
        events.append(
            CaseEvent(case=case, kind=Kind.CLOSED, actor=user, at=now, data={"first_contact": True})
        )
    # The queued SLA check, with the values django-tasks-db's enqueue() takes from the task.
    check = case_sla_check.using(run_after=case.sla_due_at) if case.sla_met_at is None else None

    with transaction.atomic(), connection.cursor() as cursor:
        statements["case"].insert(cursor, connection, [case])
        case.number = case_number(case.pk, now)
        cursor.execute(statements["number"], [case.number, case.pk])
        for event in events:
            event.case_id = case.pk
        if override is not None:
            override.case_id = case.pk
            statements["override"].insert(cursor, connection, [override])
        statements["event"].insert(cursor, connection, events)
        if check is not None:
            task = DBTaskResult(
                args_kwargs={"args": [case.pk], "kwargs": {}},
                priority=check.priority,
                task_path=check.module_path,
                queue_name=check.queue_name,
                run_after=check.run_after,
                backend_name=check.backend,
            )
            statements["task"].insert(cursor, connection, [task])
    return case_detail_out(case, events=events, callbacks=())


# ---------------------------------------------------------------------------------------------------------
# In process


def check_answers(driver, bodies: list[bytes]) -> int:
    """The ceiling answers each body as ``POST /api/cases`` does, and a later ``GET /api/cases/{id}`` of its
    case reads the same: every field but the id, the number and the times. 0 if so, 1 at the first
    difference."""
    moving = ("id", "number", "version", "created_at", "resolved_at", "closed_at", "sla")

    def comparable(answer: dict) -> dict:
        kept = {k: v for k, v in answer.items() if k not in moving}
        kept["events"] = [{k: v for k, v in e.items() if k != "at"} for e in answer["events"]]
        return kept

    for n, body in enumerate(bodies, 1):
        answers = {}
        for name, path in (("ceiling", CEILING_PATH), ("intake", "/api/cases")):
            status, data = driver.call("POST", path, body)
            if status != 201:
                print(f"body {n}: {name} answered {status}: {data[:300].decode(errors='replace')}")
                return 1
            answers[name] = json.loads(data)
        status, data = driver.call("GET", f"/api/cases/{answers['ceiling']['id']}", None)
        answers["read back"] = json.loads(data)
        expected = comparable(answers["intake"])
        for name in ("ceiling", "read back"):
            if comparable(answers[name]) != expected:
                print(f"body {n}: the {name} answer differs from the intake's\n{body.decode()}")
                print(json.dumps([comparable(answers[name]), expected], ensure_ascii=False, indent=1))
                return 1
    print(f"{len(bodies)} bodies: the ceiling answered as the intake, and its cases read back the same")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="requests per endpoint per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--check",
        type=int,
        metavar="N",
        help="instead of timing, check that N bodies get the intake's answer",
    )
    args = parser.parse_args(argv)

    from bench.common import setup_django
    from bench.intake_cpu import DEFAULT_RESIDENTS, DEFAULT_URL, agent_driver, delete_created, timed

    setup_django(DEFAULT_URL)
    install()
    from bench.bench_intake import _request as intake_request
    from bench.build_population import ensure_population

    ensure_population(DEFAULT_URL, residents=DEFAULT_RESIDENTS)
    token_row, driver, residents = agent_driver("intake_ceiling")
    rng = random.Random(args.seed)
    ping = ("GET", "/api/ping", None)

    def bodies(count: int) -> list[bytes]:
        return [intake_request("intake", rng, residents)[2] for _ in range(count)]

    if args.check:
        with delete_created(token_row):
            return check_answers(driver, bodies(args.check))
    with delete_created(token_row):
        timed(driver, [ping] * args.warmup, 200)
        timed(driver, [("POST", "/api/cases", b) for b in bodies(args.warmup)], 201)
        timed(driver, [("POST", CEILING_PATH, b) for b in bodies(args.warmup)], 201)
        figures: dict[str, list[float]] = {"ping": [], "floor": [], "intake": [], "ceiling": []}
        for n in range(args.rounds):
            batch = bodies(args.n)
            figures["ping"].append(timed(driver, [ping] * args.n, 200) / args.n * 1000)
            figures["floor"].append(
                timed(driver, [("POST", FLOOR_PATH, b) for b in batch], 201) / args.n * 1000
            )
            figures["intake"].append(
                timed(driver, [("POST", "/api/cases", b) for b in batch], 201) / args.n * 1000
            )
            figures["ceiling"].append(
                timed(driver, [("POST", CEILING_PATH, b) for b in batch], 201) / args.n * 1000
            )
            print(
                f"round {n + 1}: "
                + ", ".join(f"{k} {v[-1]:.3f} ms" for k, v in figures.items())
                + "; in pings: "
                + ", ".join(
                    f"{k} {figures[k][-1] / figures['ping'][-1]:.2f}" for k in ("floor", "intake", "ceiling")
                ),
                flush=True,
            )
    medians = {k: statistics.median(v) for k, v in figures.items()}
    per_round = {
        k: statistics.median(a / p for a, p in zip(figures[k], figures["ping"], strict=True))
        for k in ("floor", "intake", "ceiling")
    }
    print(
        f"\nmedian of {args.rounds} rounds × {args.n}, CPU ms a request: "
        + ", ".join(f"{k} {v:.3f}" for k, v in medians.items())
        + "\nin pings (median of the rounds): "
        + ", ".join(f"{k} {v:.2f}" for k, v in per_round.items())
    )
    print(json.dumps({"cpu_ms": medians, "pings": per_round}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
