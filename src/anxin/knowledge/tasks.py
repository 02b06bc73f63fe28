"""Background work for the knowledge base, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def embed_pending_items(codes: list[str] | None = None) -> int:
    """Compute the meaning vectors an import or an edit left missing (of ``codes``, or all); how many."""
    from anxin.knowledge.dense import embed_pending

    return embed_pending(codes=codes)
