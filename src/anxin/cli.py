"""The ``anxin`` command: demo, serve, worker, triage, kb, ledger and Django's manage.py."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

DEMO_PORT = 8000


def _var_dir() -> Path:
    """./var, or under ANXIN_WORK_DIR when set, as the settings read it."""
    return Path(os.environ.get("ANXIN_WORK_DIR") or Path.cwd()) / "var"


def _prepare_environment() -> None:
    """Settings module and ./var (where the default SQLite database lives) before Django starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.config.settings")
    _var_dir().mkdir(exist_ok=True)


def _setup_django() -> None:
    _prepare_environment()
    import django

    django.setup()


def _manage(argv: Sequence[str]) -> int:
    _prepare_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anxin manage", *argv])
    return 0


WORKER_LOG = Path("var") / "worker.log"


def _start_worker() -> subprocess.Popen:
    """The django-tasks database worker, in its own process beside the web server.

    It logs every task it runs; that goes to var/worker.log so the terminal keeps the server's output.
    """
    from anxin.core.daily import daily_ensure_scheduled

    daily_ensure_scheduled()
    log = WORKER_LOG.open("a", encoding="utf-8")
    command = [sys.executable, "-m", "anxin.cli", "manage", "db_worker", "--interval", "1"]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def _collect_static() -> None:
    """Copy static files to STATIC_ROOT, where whitenoise serves them with long cache headers."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _gunicorn(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "anxin.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        # gunicorn's largest: a knowledge search's longest query must fit (knowledge.api.SEARCH_PARAM_MAX).
        "--limit-request-line",
        "8190",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]


def _run_server(host: str, port: int, workers: int, with_worker: bool) -> int:
    worker = _start_worker() if with_worker else None
    if worker is not None:
        print(f"后台任务 worker 已启动，日志：{WORKER_LOG}", flush=True)
    server = subprocess.Popen(_gunicorn(host, port, workers))
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGTERM)
        return server.wait()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)


def cmd_demo(args: argparse.Namespace) -> int:
    from anxin.config import secret

    # Before Django reads its settings: the server and the worker started below inherit the same key.
    if not os.environ.get(secret.KEY_VARIABLE, "").strip():
        os.environ[secret.KEY_VARIABLE] = secret.demo_key(_var_dir())
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    options = {"reset": args.reset}
    if args.scale is not None:
        options["scale"] = args.scale
    call_command("load_demo", **options)
    if args.no_serve:
        return 0
    _collect_static()
    print(f"\n安心 Anxin 演示已启动：http://{args.host}:{args.port}/  （Ctrl+C 退出）\n", flush=True)
    return _run_server(args.host, args.port, workers=2, with_worker=True)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    from anxin.config.secret import SecretKeyMissing, require_server_key

    try:
        require_server_key()
    except SecretKeyMissing as refused:
        print(f"anxin serve: {refused}", file=sys.stderr)
        return 2

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    _collect_static()
    return _run_server(args.host, args.port, workers=args.workers, with_worker=args.with_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.core.daily import daily_ensure_scheduled

    daily_ensure_scheduled()
    return _manage(["db_worker", "--interval", str(args.interval)])


def cmd_triage(args: argparse.Namespace) -> int:
    from anxin.triage.command import run

    return run(args.file, eval_mode=args.eval, as_json=args.json, out=sys.stdout, err=sys.stderr)


def cmd_kb(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.knowledge import command

    io = {"out": sys.stdout, "err": sys.stderr}
    if args.kb_command == "import":
        return command.run_import(
            args.file, create_categories=args.create_categories, category_map=args.category_map, **io
        )
    if args.kb_command == "export":
        return command.run_export(args.out, **io)
    if args.kb_command == "reindex":
        return command.run_reindex(lexical_only=args.lexical_only, **io)
    if args.kb_command == "eval":
        return command.run_eval(args.file, as_json=args.json, **io)
    if args.batch:
        return command.run_batch(args.batch, top=args.top, history=args.history, **io)
    if args.query is None:
        print("anxin kb search: 需要 QUERY 或 --batch FILE", file=sys.stderr)
        return 2
    return command.run_search(args.query, top=args.top, as_json=args.json, history=args.history, **io)


def _add_kb_parser(sub) -> None:
    kb = sub.add_parser("kb", help="knowledge base: import, export, search (see docs/knowledge.md)")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_import = kb_sub.add_parser("import", help="import items from .jsonl, .xlsx or a folder of .md")
    kb_import.add_argument("file", metavar="FILE")
    kb_import.add_argument(
        "--create-categories", action="store_true", help="create the file's categories that the base lacks"
    )
    kb_import.add_argument(
        "--category-map",
        metavar="MAP",
        help="a .toml, .json or .csv file mapping the file's categories onto existing ones",
    )
    kb_export = kb_sub.add_parser("export", help="export all items to .jsonl, .xlsx or a folder of .md")
    kb_export.add_argument("out", metavar="OUT")
    reindex = kb_sub.add_parser(
        "reindex",
        help="re-analyse every item (after a change to the synonym dictionary) and re-embed its meaning",
    )
    reindex.add_argument("--lexical-only", action="store_true", help="keep the meaning vectors as they are")
    kb_eval = kb_sub.add_parser("eval", help="recall@k and MRR on a labelled query set")
    kb_eval.add_argument("file", metavar="FILE", help='JSON lines {"qid", "query", "answers", "kind"}')
    kb_eval.add_argument("--json", action="store_true")
    search = kb_sub.add_parser("search", help="search with a caller's words")
    search.add_argument("query", nargs="?", metavar="QUERY")
    search.add_argument("--top", type=int, default=5, metavar="N")
    search.add_argument("--json", action="store_true", help="a JSON list of {id, title, score}")
    search.add_argument("--batch", metavar="FILE", help='JSON lines {"qid", "query"} in, one result line out')
    search.add_argument("--history", action="store_true", help="also superseded, expired and retired items")
    kb.set_defaults(func=cmd_kb)


def cmd_ledger(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.ledger import command

    io = {"out": sys.stdout, "err": sys.stderr}
    if args.ledger_command == "import":
        return command.run_import(
            args.file,
            place=args.place,
            dry_run=args.dry_run,
            errors=args.errors,
            partial=args.partial,
            as_user=args.as_user,
            **io,
        )
    return command.run_export(
        args.out, place=args.place, unmasked=args.unmasked, as_user=args.as_user, purpose=args.purpose, **io
    )


def cmd_backup(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.core import command

    return command.run_backup(args.file, out=sys.stdout, err=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.core import command

    return command.run_restore(args.file, out=sys.stdout, err=sys.stderr)


def cmd_audit(args: argparse.Namespace) -> int:
    _setup_django()
    from anxin.core import command

    if args.audit_command == "export":
        return command.run_audit_export(
            args.out, start=args.start, end=args.end, out=sys.stdout, err=sys.stderr
        )
    return command.run_audit_purge(dry_run=args.dry_run, out=sys.stdout)


def _add_operations_parsers(sub) -> None:
    backup = sub.add_parser(
        "backup",
        help="back the configured database up to FILE (SQLite: online backup; PostgreSQL: pg_dump -Fc)",
        description="Writes FILE and FILE.manifest.json (row counts). Exit 0 done, 2 nothing written.",
    )
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore",
        help="restore FILE into the configured database, which must be empty, and check the row counts",
        description="Exit 0 restored and counts match, 1 counts differ, 2 nothing restored.",
    )
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(func=cmd_restore)
    audit = sub.add_parser(
        "audit", help="the access log of full views and exports: export for an audit, purge"
    )
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    export = audit_sub.add_parser("export", help="the entries of some days to .xlsx")
    export.add_argument("out", metavar="OUT.xlsx")
    export.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    purge = audit_sub.add_parser("purge", help="delete entries past retention (core/rules/retention.toml)")
    purge.add_argument("--dry-run", action="store_true", help="count them, delete nothing")
    audit.set_defaults(func=cmd_audit)


def _add_ledger_parser(sub) -> None:
    ledger = sub.add_parser(
        "ledger", help="key-population ledgers: import and export .xlsx/.csv (docs/ledger.md)"
    )
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_import = ledger_sub.add_parser(
        "import",
        help="import a ledger (.xlsx or .csv) into a compound, or a grid/community with a compound column",
        description="Prints one JSON object. Exit 0 all rows good, 1 some rows rejected, 2 file or place unusable.",
    )
    ledger_import.add_argument("file", metavar="FILE")
    ledger_import.add_argument("--place", required=True, metavar="CODE")
    ledger_import.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    ledger_import.add_argument("--errors", metavar="OUT.xlsx", help="write the error report here")
    ledger_import.add_argument(
        "--partial", action="store_true", help="write the good rows even if some are bad"
    )
    ledger_import.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="apply this user's role and places"
    )
    ledger_export = ledger_sub.add_parser("export", help="write the ledger of a place to .xlsx (masked)")
    ledger_export.add_argument("out", metavar="OUT.xlsx")
    ledger_export.add_argument("--place", required=True, metavar="CODE")
    ledger_export.add_argument(
        "--unmasked", action="store_true", help="full ID numbers and phones (needs --as; logged)"
    )
    ledger_export.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="export as this user (logged)"
    )
    ledger_export.add_argument("--purpose", default="", help="why, for the access log")
    ledger.set_defaults(func=cmd_ledger)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anxin", description="安心 Anxin")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, load the demo district, print logins and serve")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=DEMO_PORT)
    demo.add_argument("--reset", action="store_true", help="drop the demo data and load it again")
    demo.add_argument("--no-serve", action="store_true", help="load and print logins, then exit")
    demo.add_argument("--scale", type=float, help="scale residents, facilities and cases (default 1.0)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve", help="production server (gunicorn + whitenoise) on the configured database"
    )
    serve.add_argument("--host", default=os.environ.get("ANXIN_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("ANXIN_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("ANXIN_WEB_WORKERS", "2")))
    serve.add_argument("--with-worker", action="store_true", help="also run a background task worker")
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks (SLA checks, reminders)")
    worker.add_argument("--interval", type=float, default=1.0)
    worker.set_defaults(func=cmd_worker)

    triage = sub.add_parser(
        "triage",
        help="triage JSON Lines from FILE or standard input (see docs/triage.md)",
        description="One JSON line in per message, one decision out, in order. Exit 0 unless the input cannot be read.",
    )
    triage.add_argument(
        "file", nargs="?", metavar="FILE", help="JSON Lines; standard input when absent or '-'"
    )
    triage.add_argument(
        "--eval", action="store_true", help="FILE carries gold labels: print precision, recall, confusion"
    )
    triage.add_argument("--json", action="store_true", help="with --eval: the figures as JSON")
    triage.set_defaults(func=cmd_triage)

    _add_kb_parser(sub)
    _add_ledger_parser(sub)
    _add_operations_parsers(sub)

    manage = sub.add_parser("manage", help="Django's manage.py", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=lambda a: _manage(a.rest))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
