"""Plans for the demo's past hotline cases: who rang about whom, who took it, what happened next and when.

playback.py then plays each plan through anxin.hotline.services (the one write path). A handful of cases
are pinned (FORCED) so every status is present at any scale and the showcase phones pop up with something
to work on; the rest are drawn from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anxin.accounts.models import User
from anxin.demo.callers import Caller, FacilityNames, SubjectPools, fill
from anxin.demo.numbers import SHOWCASE_PHONES, NumberBook
from anxin.demo.scenarios import RETURN_VISIT_NOTES, SCENARIOS, Scenario
from anxin.demo.staff import DEMO_LOGINS, Staff
from anxin.hotline import lifecycle
from anxin.hotline.models import Callback, Disposition, Urgency
from anxin.places.models import Place

CASES = 300
MIN_CASES = 30
HISTORY_DAYS = 30
HOUR_WEIGHTS = (3, 2, 2, 2, 2, 2, 3, 5, 8, 10, 10, 9, 8, 9, 9, 9, 8, 8, 9, 10, 11, 10, 8, 5)
SATISFACTION = {"very_satisfied": 45, "satisfied": 35, "neutral": 12, "dissatisfied": 4, "unreachable": 4}
DEMO_USERNAMES = frozenset(login.username for login in DEMO_LOGINS)
TRANSFER_TO_GRID = (
    Disposition.HOME_VISIT,
    Disposition.MEDICATION_DELIVERY,
    Disposition.COMMUNITY_TRANSFER,
    Disposition.VOLUNTEER_ERRAND,
)
STEP_LIFECYCLE = {
    "note": "note",
    "callback": "schedule_callback",
    "complete": "complete_callback",
    "transfer": "transfer",
    "accept": "accept",
    "dispatch": "dispatch",
    "resolve": "resolve",
    "return_visit": "return_visit",
    "close": "close",
    "reopen": "reopen",
}
OUTCOMES = {
    "clinician": "医生已回电评估病情，给出就医和用药指导。",
    "family_doctor": "家庭医生已回电了解病情，给出处理意见并约定随访。",
    "counsellor": "心理咨询师已回电，进行情绪疏导并评估风险。",
    "consult": "会商完成，已回电告知来电人具体安排。",
}
# (scenario, minutes ago, status to stop at, subject: a showcase phone, "demo" community, or "" any)
FORCED: tuple[tuple[str, int, str, str], ...] = (
    ("infant_fever", 6, "awaiting_callback", SHOWCASE_PHONES["infant_household"]),
    ("elderly_fever_chronic", 8, "awaiting_callback", "demo"),
    ("medication_elderly", 45, "transferred", "demo"),
    ("locked_supplies", 200, "open", ""),
    ("elderly_alone_check", 20 * 60, "resolved", SHOWCASE_PHONES["elderly_alone"]),
    ("febrile_convulsion", 5 * 1440, "closed", ""),
    ("child_fever_days", 4 * 1440, "reopened", "demo"),
)
ACTIVE_WEIGHTS = {  # case age in hours -> weights of the status it has reached
    6: {"open": 20, "transferred": 30, "awaiting_callback": 20, "resolved": 15, "closed": 15},
    48: {"open": 8, "transferred": 14, "awaiting_callback": 8, "resolved": 28, "closed": 42},
    10**6: {"open": 2, "transferred": 2, "awaiting_callback": 1, "resolved": 8, "closed": 87},
}


@dataclass
class Step:
    kind: str
    at: datetime
    actor: User
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    scenario: Scenario
    line_code: str
    owner: User
    caller: Caller
    opened_at: datetime
    channel: str
    summary: str
    steps: list[Step]


class CasePlanner:
    """Decides, from the seed, what each past case was about and how far it got."""

    def __init__(
        self,
        rng: random.Random,
        *,
        staff: Staff,
        pools: SubjectPools,
        facilities: FacilityNames,
        grids: list[Place],
        book: NumberBook,
        today: date,
        demo_path: str,
    ) -> None:
        self.rng = rng
        self.staff = staff
        self.pools = pools
        self.facilities = facilities
        self.grid_by_code = {g.code: g for g in grids}
        self.book = book
        self.today = today
        self.demo_path = demo_path
        self.now = timezone.now()
        self.scenarios = {s.code: s for s in SCENARIOS}

    def plans(self, count: int) -> list[Plan]:
        """The FORCED cases plus enough seeded ones to make ``count``, oldest first."""
        plans = []
        for code, minutes_ago, target, hint in FORCED:
            opened = self.now - timedelta(minutes=minutes_ago)
            plans.append(self.plan(self.scenarios[code], opened, target, hint))
        weights = [s.weight for s in SCENARIOS]
        for _ in range(max(0, count - len(FORCED))):
            scenario = self.rng.choices(SCENARIOS, weights=weights)[0]
            plans.append(self.plan(scenario, self.random_start(), None))
        return sorted(plans, key=lambda p: p.opened_at)

    def on_duty(self, line_code: str, at: datetime, roles: tuple[str, ...] = ()) -> User:
        for shift, members in self.staff.shifts[line_code]:
            if shift.covers(at):
                pool = [m for m in members if not roles or m.role in roles] or members
                weights = [4 if m.username in DEMO_USERNAMES else 1 for m in pool]
                return self.rng.choices(pool, weights=weights)[0]
        raise RuntimeError(f"no shift of {line_code} covers {at}")  # the three shifts cover the day

    def grid_for(self, caller: Caller) -> Place:
        if caller.subject is None:
            return caller.place
        return self.grid_by_code[caller.subject.household.ancestor_codes()[3]]

    def receiver_for(self, grid: Place) -> User:
        if grid.path.startswith(self.demo_path):
            return self.staff.logins["grid"]  # covers the whole demo community: its inbox is the demo's
        return self.staff.grid_worker_of[grid.code]

    def family_doctor_for(self, caller: Caller) -> User | None:
        if caller.subject is None:
            return None
        return self.staff.family_doctor_of[caller.subject.household.ancestor_codes()[2]]

    def random_start(self) -> datetime:
        rng = self.rng
        local_now = timezone.localtime(self.now)
        day = local_now.date() - timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.3))
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        start = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=local_now.tzinfo)
        if start > self.now - timedelta(minutes=3):
            start -= timedelta(days=1)
        return start

    def plan(
        self, scenario: Scenario, opened_at: datetime, target: str | None, subject_hint: str = ""
    ) -> Plan:
        rng = self.rng
        line_code = scenario.lines[0] if rng.random() < 0.6 else rng.choice(scenario.lines)
        subject = self._subject(scenario, subject_hint)
        caller = self.pools.caller_for(rng, scenario, subject, self.book)
        owner = self.on_duty(line_code, opened_at)
        steps = self._chain(scenario, line_code, caller, opened_at, owner)
        steps = self._cut(steps, scenario, opened_at, target)
        return Plan(
            scenario=scenario,
            line_code=line_code,
            owner=owner,
            caller=caller,
            opened_at=opened_at,
            channel=rng.choice(scenario.channels),
            summary=self._fill(rng.choice(scenario.summaries), caller, scenario),
            steps=steps,
        )

    def _subject(self, scenario: Scenario, hint: str):
        if scenario.subject == "none":
            return None
        if hint.startswith("1"):  # a showcase phone: the youngest (or only) resident on it
            on_phone = sorted(self.pools.by_phone[hint], key=lambda r: r.birth_date, reverse=True)
            return on_phone[0]
        if hint == "demo":
            pool = self.pools.pools.get(scenario.subject, [])
            local = [r for r in pool if r.household.path.startswith(self.demo_path)]
            if local:
                return self.rng.choice(local)
        return self.pools.pick(self.rng, scenario.subject)

    def _fill(self, text: str, caller: Caller, scenario: Scenario) -> str:
        return fill(self.rng, text, caller, self.today, self.facilities, scenario)

    def _chain(self, sc: Scenario, line_code: str, caller: Caller, t0: datetime, owner: User) -> list[Step]:
        rng, D = self.rng, Disposition
        steps: list[Step] = []
        clock = [t0]

        def add(kind: str, low: float, high: float, actor: User, /, **data) -> datetime:
            clock[0] = clock[0] + timedelta(minutes=rng.uniform(low, high))
            if kind == "return_visit":
                clock[0] = self._office_hours(clock[0])
            steps.append(Step(kind, clock[0], actor, data))
            return clock[0]

        if sc.disposition == D.ANSWER_CLOSED:
            return steps  # closed at first contact by case_open itself
        urgent = sc.urgency in (Urgency.P1, Urgency.P2)
        handler = owner
        if sc.disposition == D.CALL_120:
            add(
                "note",
                15,
                50,
                owner,
                note=self._fill("120已到达现场，患者由急救人员送往{hospital}。", caller, sc),
            )
        elif sc.disposition in (D.DOCTOR_CALLBACK, D.APPOINTMENT) or (
            sc.disposition == D.FEVER_CLINIC and urgent
        ):
            consult = sc.disposition == D.APPOINTMENT
            role = "clinician" if consult else sc.callback_role
            doctor = self.family_doctor_for(caller) if role == "family_doctor" else None
            at = add(
                "callback",
                1,
                3,
                owner,
                due=10 if urgent else 120,
                kind=Callback.Kind.CONSULT if consult else Callback.Kind.CALLBACK,
                role="clinician" if role == "family_doctor" and doctor is None else role,
                assigned_to=doctor,
                note="需与专科医生会商后回复来电人" if consult else "请医生尽快回电评估",
            )
            line = "psych" if role == "counsellor" else "medical"
            completer = doctor or self.on_duty(line, at, ("clinician", "counsellor"))
            add(
                "complete",
                3,
                8 if urgent else 100,
                completer,
                outcome=OUTCOMES["consult" if consult else role],
            )
        elif sc.disposition in TRANSFER_TO_GRID:
            grid = self.grid_for(caller)
            note = self._fill(sc.handoff or "请社区网格跟进处理。", caller, sc)
            add("transfer", 2, 8, owner, to_place=grid, note=note)
            handler = self.receiver_for(grid)
            add("accept", 5, 40, handler)
        elif sc.disposition == D.PSYCH_COUNSELOR:
            if line_code != "psych":
                note = self._fill(sc.handoff or "来电人情绪困扰，转12355心理援助热线跟进。", caller, sc)
                at = add("transfer", 2, 6, owner, to_line=self.staff.lines["psych"], note=note)
                handler = self.on_duty("psych", at)
                add("accept", 2, 10, handler)
            add(
                "callback",
                1,
                3,
                handler,
                due=10 if urgent else 1440,
                kind=Callback.Kind.CALLBACK,
                role="counsellor",
                assigned_to=handler,
                note="约定回电继续疏导",
            )
            add(
                "complete",
                4 if urgent else 60,
                9 if urgent else 1400,
                handler,
                outcome=OUTCOMES["counsellor"],
            )
        elif sc.disposition == D.DEPARTMENT_DISPATCH:
            add("dispatch", 3, 15, owner, target=self._fill("{dept}", caller, sc), note="已派发职能部门处理")
        delay = {D.CALL_120: (60, 240), D.DEPARTMENT_DISPATCH: (600, 2800)}.get(sc.disposition)
        if delay is None:
            delay = (90, 900) if sc.disposition in TRANSFER_TO_GRID else (10, 120)
        add("resolve", *delay, handler, resolution=self._fill(rng.choice(sc.resolutions), caller, sc))
        satisfaction = rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0]
        add("return_visit", 600, 2000, owner, satisfaction=satisfaction, note=rng.choice(RETURN_VISIT_NOTES))
        add("close", 2, 30, owner)
        return steps

    def _office_hours(self, moment: datetime) -> datetime:
        """Return visits are made between 09:00 and 20:00, not at night."""
        local = timezone.localtime(moment)
        if 9 <= local.hour < 20:
            return moment
        day = local.date() + timedelta(days=1 if local.hour >= 20 else 0)
        return datetime.combine(day, time(9, self.rng.randint(0, 59)), tzinfo=local.tzinfo)

    def _cut(self, steps: list[Step], sc: Scenario, t0: datetime, target: str | None) -> list[Step]:
        """Stop the chain at a status chosen for the case's age, and never past the present."""
        rng = self.rng
        status = "closed" if sc.disposition == Disposition.ANSWER_CLOSED else "open"
        statuses = [status]
        for step in steps:
            status = lifecycle.step_target(STEP_LIFECYCLE[step.kind], status)
            statuses.append(status)
        if target is None:
            hours = (self.now - t0).total_seconds() / 3600
            weights = next(w for limit, w in ACTIVE_WEIGHTS.items() if hours < limit)
            target = rng.choices(list(weights), weights=list(weights.values()))[0]
            if target == "closed" and steps and rng.random() < 0.04:
                target = "reopened"
        if target == "reopened":
            close_at = steps[-1].at if steps else t0
            steps = [*steps, Step("reopen", close_at + timedelta(hours=rng.uniform(20, 40)), steps[-1].actor)]
            steps[-1].data["reason"] = "回访后家属再次来电，症状反复，重新打开工单跟进。"
            keep = len(steps)
        else:
            matching = [i for i, s in enumerate(statuses) if s == target]
            if not matching:
                keep = len(steps)
            elif target == "open":
                keep = rng.choice(matching)
            else:
                keep = matching[-1] if target != "resolved" else matching[0]
        latest = self.now - timedelta(minutes=1)
        kept = []
        for step in steps[:keep]:
            if step.at > latest:
                break
            kept.append(step)
        return kept


def case_count(scale: float) -> int:
    return max(MIN_CASES, round(CASES * scale))
