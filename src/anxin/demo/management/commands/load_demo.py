"""``anxin manage load_demo [--reset] [--scale 0.1]``: load the synthetic demo district and print the logins.

Idempotent: when the demo is already loaded it reuses the data and only makes sure the logins work.
``--scale`` (or ANXIN_DEMO_SCALE) scales residents, facilities and cases, not the locked compound.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.demo.generator import demo_delete, demo_ensure_logins, demo_load, demo_present
from anxin.demo.knowledge import demo_knowledge_load
from anxin.demo.report import render


def _scale_from_env() -> float:
    raw = os.environ.get("ANXIN_DEMO_SCALE", "")
    if not raw:
        return 1.0
    try:
        return float(raw)
    except ValueError as exc:
        raise CommandError(f"ANXIN_DEMO_SCALE must be a number, not {raw!r}") from exc


class Command(BaseCommand):
    help = "Load the synthetic demo district (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete the demo data and load it again")
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="scale residents, facilities and cases (default 1.0 or ANXIN_DEMO_SCALE); "
            "the locked compound is always full size",
        )

    def handle(self, *args, reset: bool = False, scale: float | None = None, **options) -> None:
        scale = _scale_from_env() if scale is None else scale
        if not 0 < scale <= 10:
            raise CommandError("--scale must be greater than 0 and at most 10")
        started = time.monotonic()
        if reset and demo_present():
            self.stdout.write("删除原有演示数据……")
            demo_delete()
        known_hash = None
        loaded = not demo_present()
        if loaded:
            self.stdout.write(f"正在生成演示区（比例 {scale:g}）……")
            known_hash = demo_load(scale=scale).password_hash
        items = demo_knowledge_load()
        if items:
            self.stdout.write(f"知识库已导入 {items} 条")
        warnings = demo_ensure_logins(known_hash=known_hash)
        self.stdout.write(render(loaded=loaded, seconds=time.monotonic() - started, warnings=warnings))
