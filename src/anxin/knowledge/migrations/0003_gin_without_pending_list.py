"""PostgreSQL: the search indexes without GIN's pending list (fastupdate).

With fastupdate on, a bulk import leaves its new entries in an unsorted pending list that every search
scans until a VACUUM merges it: 10,000 imported items made searches 4 times slower until then. Imports are
rare and searches constant, so each write pays to update the index in place instead.
"""

from django.db import migrations

INDEXES = ("knowledge_item_search_head", "knowledge_item_search_body")


def _set_fastupdate(value: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in INDEXES:
            schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = {value})")
            if value == "off":
                schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(_set_fastupdate("off"), _set_fastupdate("on"))]
