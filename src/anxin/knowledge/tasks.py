"""Background work for the knowledge base, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def embed_pending_items(codes: list[str] | None = None) -> int:
    """Compute the meaning vectors an import or an edit left missing (of ``codes``, or all); how many."""
    from anxin.knowledge.dense import embed_pending

    return embed_pending(codes=codes)


@task()
def record_knowledge_gap(
    text: str, case_id: int | None, place_id: int | None, public_only: bool, names: list[str], at: str = ""
) -> str:
    """A question the desk did not answer from the base, checked and kept (knowledge.gaps); its reason. ``at``
    is when the call came in (ISO 8601), so that a queue backlog does not move it to another day."""
    from datetime import datetime

    from anxin.knowledge.gaps import record_gap

    when = datetime.fromisoformat(at) if at else None
    gap = record_gap(
        text=text, case_id=case_id, place_id=place_id, public_only=public_only, names=names, at=when
    )
    return gap.reason
