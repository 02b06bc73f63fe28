"""The full-text side of the knowledge index, per backend (see anxin.knowledge.index)."""

from django.db import migrations

SQLITE_FORWARD = [
    # Our own segmentation puts spaces between words; unicode61 then keeps each Chinese word one token.
    "CREATE VIRTUAL TABLE knowledge_item_fts USING fts5("
    "search_title, search_keywords, search_body, search_grams, tokenize = 'unicode61')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_item_fts"]

# Two vectors: headings (title, keywords, title bigrams) stay small and inline; bodies are long and TOASTed, and
# are searched only for rare terms. One vector would make every common heading term detoast every body.
POSTGRES_FORWARD = [
    "ALTER TABLE knowledge_item ADD COLUMN search_head tsvector, ADD COLUMN search_body_vector tsvector",
    "CREATE INDEX knowledge_item_search_head ON knowledge_item USING gin (search_head)",
    "CREATE INDEX knowledge_item_search_body ON knowledge_item USING gin (search_body_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_item_search_head",
    "DROP INDEX IF EXISTS knowledge_item_search_body",
    "ALTER TABLE knowledge_item DROP COLUMN IF EXISTS search_head, DROP COLUMN IF EXISTS search_body_vector",
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
