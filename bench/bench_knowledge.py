"""Knowledge search latency with 10,000 items loaded. Target: p95 under 20 ms, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_knowledge.py                      # SQLite: var/bench/anxin_kb_bench.sqlite3
    .venv/bin/python bench/bench_knowledge.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_kb_bench
    .venv/bin/python bench/bench_knowledge.py --json var/bench/results.jsonl   # also append the figures

The base is the shipped items (src/anxin/knowledge/content) plus generated ones up to ``--items``: each a real
item's title with a place and a number, and a body of sentences drawn from three real items, so the words, and
how many items share each word, are those of real guidance at a hundred times the size. The first run imports
them (timed too) into its own database; later runs reuse them. It then times ``item_search(query, top=5)``,
the call the desk's panel, the API and ``anxin kb search`` make, for every query in data/knowledge (the
colloquial set: slang, typos, Traditional, stories, two-character queries), ``--rounds`` times, in this process.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    append_json,
    database_label,
    machine,
    now_iso,
    print_table,
    setup_django,
    summarise_ms,
    wait_for_quiet,
)

TARGET_P95_MS = 20.0
TARGET_HYBRID_P95_MS = 40.0  # issue 14: with the query's embedding
CONTENT = ROOT / "src" / "anxin" / "knowledge" / "content"
QUERY_FILES = [ROOT / "data" / "knowledge" / "queries.jsonl", ROOT / "data" / "knowledge" / "holdout.jsonl"]
PLACES = ["龙华", "观湖", "松元厦", "鹭湖", "大浪", "民治", "福城", "观澜", "樟坑径", "新田", "桂花", "库坑"]
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def generated_items(real: list[dict], count: int, rng: random.Random) -> list[dict]:
    sentences = [s.strip() for item in real for s in _SENTENCE.findall(item["body"]) if len(s.strip()) > 6]
    items = []
    for number in range(1, count + 1):
        model = rng.choice(real)
        body = "".join(rng.sample(sentences, k=min(len(sentences), rng.randint(6, 12))))
        items.append(
            {
                **{k: v for k, v in model.items() if k not in ("id", "supersedes", "effective_until")},
                "id": f"bench-{number:05d}",
                "title": f"{model['title']}（{rng.choice(PLACES)}第{number}号）",
                "body": body,
                "status": "published",
            }
        )
    return items


def load_base(size: int, rebuild: bool) -> dict[str, object]:
    from anxin.knowledge.formats import Row, read_items
    from anxin.knowledge.models import Item, ItemUse, ItemVersion, Term
    from anxin.knowledge.services import items_import

    if Item.objects.count() == size and not rebuild:
        return {"imported": 0}
    ItemUse.objects.all().delete()
    ItemVersion.objects.all().delete()
    Item.objects.update(supersedes=None)
    Item.objects.all().delete()
    Term.objects.all().delete()
    _clear_fulltext()
    real = [row.data for row in read_items(CONTENT)]
    rows = [
        Row(i, data=d)
        for i, d in enumerate(real + generated_items(real, size - len(real), random.Random(7)), 1)
    ]
    started = time.perf_counter()
    items_import(rows=rows, note="bench")
    seconds = time.perf_counter() - started
    return {
        "imported": len(rows),
        "import_seconds": round(seconds, 1),
        "import_items_per_s": round(len(rows) / seconds),
    }


def _clear_fulltext() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_item_fts")


def read_queries() -> list[str]:
    from anxin.knowledge.evaluate import read_queries as read

    return [q.query for path in QUERY_FILES if path.exists() for q in read(path)]


def fill_vectors(mode: str) -> dict[str, object]:
    """Give every item without one a meaning vector: ``real`` embeds them (timed: the re-embedding figure),
    ``random`` writes random unit vectors, which cost the search exactly what real ones do (an exact scan)."""
    import numpy as np

    from anxin.knowledge.dense import embed_pending, embedding_progress
    from anxin.knowledge.models import Item

    progress = embedding_progress()
    missing = progress.total - progress.done
    if mode == "none" or not missing:
        return {}
    started = time.perf_counter()
    if mode == "real":
        embed_pending()
    else:
        rng = np.random.default_rng(7)
        for item in Item.objects.filter(embedding__isnull=True).only("pk", "version").iterator():
            vector = rng.standard_normal(384).astype(np.float32)
            vector /= np.linalg.norm(vector)
            Item.objects.filter(pk=item.pk).update(embedding=vector.tobytes(), embedding_version=item.version)
    seconds = round(time.perf_counter() - started, 1)
    return {"vectors": mode, "vectors_written": missing, "vectors_seconds": seconds}


def time_embedding_sample(count: int) -> dict[str, object]:
    """Embed the passages of ``count`` items spread over the base, as ``embed_pending`` does (same text, same
    batches), without storing them: the re-embedding time of the whole base, extrapolated from a sample, since
    embedding all 10,000 takes over an hour on a small machine."""
    from anxin.knowledge.dense import BATCH, passage_of
    from anxin.knowledge.models import Item
    from anxin.semantic import encoder

    model = encoder()
    total = Item.objects.count()
    if model is None or not count or not total:
        return {}
    step = max(total // count, 1)
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True)[::step][:count])
    items = list(Item.objects.filter(pk__in=ids).only("pk", "title", "tags", "body"))
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        model.passages([passage_of(item) for item in items[start : start + BATCH]])
    seconds = time.perf_counter() - started
    return {
        "embed_sample": len(items),
        "embed_sample_seconds": round(seconds, 1),
        "embed_items_per_s": round(len(items) / seconds, 2),
        "embed_all_minutes_estimated": round(total * seconds / len(items) / 60, 1),
    }


def time_searches(queries: list[str], rounds: int, *, meaning: bool) -> list[int]:
    """Every query ``rounds`` times; with ``meaning`` the query is embedded anew each round (the encoder's cache
    of recent queries is emptied), as for words the desk has not seen yet."""
    import os

    from django.db import reset_queries

    from anxin.knowledge.selectors import item_search
    from anxin.semantic import encoder

    os.environ["ANXIN_KB_DENSE"] = "true" if meaning else "false"
    model = encoder() if meaning else None
    for query in queries[:20]:  # warm: segmenter dictionary, lexicon, connection, the vectors in memory
        item_search(query, top=5)
    latencies = []
    for _ in range(rounds):
        if model is not None:
            model._queries.clear()
        for query in queries:
            started = time.perf_counter_ns()
            item_search(query, top=5)
            latencies.append(time.perf_counter_ns() - started)
            reset_queries()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'anxin_kb_bench.sqlite3'}")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="import the items again")
    parser.add_argument("--wait-quiet", type=float, default=60.0)
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    parser.add_argument(
        "--vectors",
        choices=["none", "random", "real"],
        default="random",
        help="meaning vectors for items without one: none, random unit vectors (for timing), or real (slow)",
    )
    parser.add_argument(
        "--embed-sample",
        type=int,
        default=0,
        help="also time embedding this many items' passages (the re-embedding time, extrapolated to the base)",
    )
    args = parser.parse_args()

    _create_postgres_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    load = load_base(args.items, args.rebuild)
    queries = read_queries()
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    load.update(fill_vectors(args.vectors))
    figures = summarise_ms(time_searches(queries, args.rounds, meaning=False))
    hybrid = (
        summarise_ms(time_searches(queries, args.rounds, meaning=True)) if args.vectors != "none" else None
    )
    load.update(time_embedding_sample(args.embed_sample))
    label = database_label(args.database_url)
    print(f"Knowledge search, {args.items:,} items, {len(queries)} queries × {args.rounds} ({label})")
    rows = [
        [
            label,
            "words",
            *[figures[k] for k in ("count", "p50_ms", "p95_ms", "p99_ms", "max_ms")],
            TARGET_P95_MS,
        ]
    ]
    if hybrid:
        rows.append(
            [
                label,
                "words + meaning",
                *[hybrid[k] for k in ("count", "p50_ms", "p95_ms", "p99_ms", "max_ms")],
                TARGET_HYBRID_P95_MS,
            ]
        )
    print_table(
        ["database", "search", "searches", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p95 ms"], rows
    )
    if load.get("vectors_written"):
        print(f"vectors ({load['vectors']}): {load['vectors_written']:,} in {load['vectors_seconds']} s")
    if load.get("embed_sample"):
        print(
            f"re-embedding: {load['embed_sample']:,} items in {load['embed_sample_seconds']} s "
            f"({load['embed_items_per_s']}/s): all {args.items:,} ≈ {load['embed_all_minutes_estimated']} min"
        )
    if load.get("imported"):
        print(
            f"import: {load['imported']:,} items in {load['import_seconds']} s ({load['import_items_per_s']}/s)"
        )
    append_json(
        args.json,
        {
            "bench": "knowledge_search",
            "at": now_iso(),
            "database": label,
            "items": args.items,
            **load,
            **figures,
            "hybrid": hybrid,
            "machine": machine(args.database_url),
        },
    )
    return 0


def _create_postgres_database(url: str) -> None:
    if url.startswith("sqlite:"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING UTF8 LC_COLLATE 'C.UTF-8' "
                f"LC_CTYPE 'C.UTF-8'"
            )


if __name__ == "__main__":
    sys.exit(main())
