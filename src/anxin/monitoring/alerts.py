"""What an alert does (rules/alerts.toml): the least urgency of its case, where the case goes, when repeated
"not reached" escalates, which device events open a case. Pure: tests call it without a database."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anxin.triage.codes import DISPOSITIONS, URGENCIES, urgency_rank

RULES_FILE = Path(__file__).parent / "rules" / "alerts.toml"
LINE_KINDS = ("medical", "psych", "citizen", "community", "elderly")  # hotline.Line.Kind
TEAMS = ("grid", "community")  # the household's ancestor of this kind receives the case
ALERT_LEVELS = ("abnormal", "critical")  # monitoring.thresholds


@dataclass(frozen=True)
class Floor:
    """The least urgency a case gets, and its disposition when the floor decides."""

    min_urgency: str
    disposition: str

    def raises(self, proposed_urgency: str) -> bool:
        """True when the proposal is less urgent than the floor."""
        return urgency_rank(proposed_urgency) > urgency_rank(self.min_urgency)


@dataclass(frozen=True)
class Route:
    line: str | None = None  # a Line.Kind
    team: str | None = None  # a Place.Kind: the household's grid or community


@dataclass(frozen=True)
class AlertRules:
    version: str
    levels: dict[str, Floor]
    not_reached_code: str
    escalate_after: int
    not_reached: Floor
    device: Floor
    device_events: tuple[str, ...]
    open_on: str
    default_route: Route
    routes: dict[str, Route]

    def route_for(self, disposition: str) -> Route:
        return self.routes.get(disposition, self.default_route)


def _floor(spec: dict, where: str) -> Floor:
    if spec.get("min_urgency") not in URGENCIES or spec.get("disposition") not in DISPOSITIONS:
        raise ValueError(f"{where}: min_urgency must be one of {URGENCIES} and disposition a known code")
    return Floor(spec["min_urgency"], spec["disposition"])


def _route(spec: dict, where: str) -> Route:
    route = Route(line=spec.get("line"), team=spec.get("team"))
    if (route.line is None) == (route.team is None):
        raise ValueError(f"{where}: a route names a line or a team")
    if route.line is not None and route.line not in LINE_KINDS:
        raise ValueError(f"{where}: unknown line kind {route.line!r}")
    if route.team is not None and route.team not in TEAMS:
        raise ValueError(f"{where}: unknown team {route.team!r}")
    return route


def parse_alert_rules(text: str) -> AlertRules:
    data = tomllib.loads(text)
    levels = {name: _floor(spec, f"levels.{name}") for name, spec in data["levels"].items()}
    if set(levels) != set(ALERT_LEVELS):
        raise ValueError(f"levels must be exactly {ALERT_LEVELS}")
    not_reached = data["not_reached"]
    escalate_after = int(not_reached["escalate_after"])
    if escalate_after < 1:
        raise ValueError("not_reached.escalate_after must be 1 or more")
    routing = data["routing"]
    if routing["open_on"] not in LINE_KINDS:
        raise ValueError(f"routing.open_on: unknown line kind {routing['open_on']!r}")
    routes = {
        disposition: _route(spec, f"routing.dispositions.{disposition}")
        for disposition, spec in routing.get("dispositions", {}).items()
    }
    unknown = set(routes) - set(DISPOSITIONS)
    if unknown:
        raise ValueError(f"routing names unknown dispositions: {sorted(unknown)}")
    events = tuple(str(e["code"]) for e in data.get("device_event", []))
    if len(set(events)) != len(events):
        raise ValueError("device events repeat a code")
    return AlertRules(
        version=str(data["version"]),
        levels=levels,
        not_reached_code=str(not_reached["code"]),
        escalate_after=escalate_after,
        not_reached=_floor(not_reached, "not_reached"),
        device=_floor(data["device"], "device"),
        device_events=events,
        open_on=routing["open_on"],
        default_route=_route(routing["default"], "routing.default"),
        routes=routes,
    )


@cache
def alert_rules() -> AlertRules:
    return parse_alert_rules(RULES_FILE.read_text(encoding="utf-8"))
