"""PostgreSQL: keep an item's row, search vectors included, in the table rather than in its TOAST table.

A row over about 2 kB has its largest values moved out of line. An item's row is about 5 kB (the body, its
analysed terms, two tsvectors), so the body vector lived in the TOAST table, and ranking a search's body
candidates fetched it from there for every row matched: at 10,000 items, 4-5 ms of a search's 5 ms in the
database. Up to 8 kB rows now stay whole (TOAST still takes the rare longer one); the table is rewritten
so that existing rows move back in. VACUUM FULL cannot run in a transaction, hence ``atomic = False``; it
locks the table for the second or so that rewriting takes.
"""

from django.db import migrations

TARGET = 8160  # the largest toast_tuple_target PostgreSQL accepts for 8 kB pages
DEFAULT = 2032


def _set_target(value: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE knowledge_item SET (toast_tuple_target = {value})")
        schema_editor.execute("VACUUM FULL knowledge_item")
        schema_editor.execute("ANALYZE knowledge_item")

    return run


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("knowledge", "0003_gin_without_pending_list")]

    operations = [migrations.RunPython(_set_target(TARGET), _set_target(DEFAULT))]
