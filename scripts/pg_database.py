"""Create or drop a PostgreSQL database for a test run: pg_database.py create|drop ADMIN_URL NAME.

Databases are created from template0 with a C.UTF-8 collation and ctype so Chinese text indexes work.
"""

from __future__ import annotations

import re
import sys

import psycopg
from psycopg import sql


def main(action: str, admin_url: str, name: str) -> int:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        print(f"bad database name {name!r}", file=sys.stderr)
        return 2
    try:
        conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        print(f"cannot connect: {exc}", file=sys.stderr)
        return 1
    with conn:
        ident = sql.Identifier(name)
        if action == "create":
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(ident)
            )
        elif action == "drop":
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier("test_" + name)))
        else:
            print(f"unknown action {action!r}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
