"""The full-text side of the knowledge index, per backend (see anxin.knowledge.index)."""

from django.db import migrations

SQLITE_FORWARD = [
    # Our own segmentation puts spaces between words; unicode61 then keeps each Chinese word one token.
    "CREATE VIRTUAL TABLE knowledge_item_fts USING fts5("
    "search_title, search_keywords, search_body, search_grams, tokenize = 'unicode61')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_item_fts"]

POSTGRES_FORWARD = [
    "ALTER TABLE knowledge_item ADD COLUMN search_vector tsvector",
    "CREATE INDEX knowledge_item_search_vector ON knowledge_item USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_item_search_vector",
    "ALTER TABLE knowledge_item DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
