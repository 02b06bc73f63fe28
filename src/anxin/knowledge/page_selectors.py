"""Reads for the knowledge base pages (knowledge.views), built on knowledge.selectors.

What the pages add is one rule: only editors see items that are not current. Everyone else finds, lists and
opens published items only, and the list and search show them only the items in force today and not
replaced by one in force (the same test as ``item_search``'s default), so nobody reads out an old policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from anxin.accounts.models import User
from anxin.core.errors import NotFound
from anxin.core.i18n import gettext
from anxin.knowledge import index
from anxin.knowledge.choices import Audience, Status
from anxin.knowledge.models import Item
from anxin.knowledge.selectors import TOP_MAX, item_get_for_user, item_list, item_search


@dataclass(frozen=True)
class ItemRow:
    """One line of the list or of the search results."""

    item: Item
    current: bool  # published, in force today and not replaced
    superseded: bool  # an item in force today replaces it
    matched: tuple[str, ...] = ()  # why search found it (SearchHit.matched); empty when listing


def _is_editor(user: User) -> bool:
    return user.can("knowledge.edit")


def item_search_for_page(
    *, user: User, text: str, category: str = "", status: str = "", today: date
) -> list[ItemRow]:
    """The best matches for ``text`` that this user may see, best first. Editors also get items that are not
    current (ranked below current ones), and may narrow to one status; the category narrows for everyone."""
    editor = _is_editor(user)
    hits = item_search(
        text,
        top=TOP_MAX,
        today=today,
        include_history=editor,
        public_only=not user.can("knowledge.internal"),
    )
    hits = [hit for hit in hits if not category or hit.item.category == category]
    if editor and status:
        hits = [hit for hit in hits if hit.item.status == status]
    return [
        ItemRow(item=hit.item, current=hit.current, superseded=hit.superseded, matched=hit.matched)
        for hit in hits
    ]


def item_list_for_page(*, user: User, category: str = "", status: str = "", today: date) -> QuerySet:
    """Items by category and code: every item for editors (optionally of one status), the current ones for
    everyone else. A queryset, so the page can paginate it."""
    if _is_editor(user):
        return item_list(user=user, status=status or None, category=category or None)
    replaced_ids = Item.objects.filter(index.current_filter(today), supersedes__isnull=False).values(
        "supersedes_id"
    )
    items = item_list(user=user, status=Status.PUBLISHED, category=category or None)
    return items.filter(index.current_filter(today)).exclude(pk__in=replaced_ids)


def item_rows(items: Iterable[Item], *, today: date) -> list[ItemRow]:
    """List rows for one page of items, with their current / replaced markers (one query)."""
    items = list(items)
    replaced = index.superseded([item.pk for item in items], today)
    return [
        ItemRow(
            item=item,
            current=item.pk not in replaced and index.current_filter_matches(item, today),
            superseded=item.pk in replaced,
        )
        for item in items
    ]


def item_get_for_page(*, code: str, user: User) -> Item:
    """``item_get_for_user``, and drafts and retired items only for editors (404 for everyone else)."""
    item = item_get_for_user(code=code, user=user)
    if item.status != Status.PUBLISHED and not _is_editor(user):
        raise NotFound(gettext("条目不存在"), field="id")
    return item


def _visible(items: QuerySet, user: User) -> QuerySet:
    if not user.can("knowledge.internal"):
        items = items.filter(audience=Audience.PUBLIC)
    if not _is_editor(user):
        items = items.filter(status=Status.PUBLISHED)
    return items


def item_supersedes_for_page(item: Item, *, user: User) -> Item | None:
    """The item this one replaces, if this user may open it."""
    if item.supersedes_id is None:
        return None
    return _visible(Item.objects.filter(pk=item.supersedes_id), user).first()


def item_replacements_for_page(item: Item, *, user: User) -> list[Item]:
    """The items that name this one as replaced, newest in force first, those this user may open."""
    return list(_visible(item.superseded_by.all(), user).order_by("-effective_from", "code"))


def item_list_for_export(*, user: User) -> QuerySet:
    """What this user may download: everything for editors; published items (public ones only, for roles
    without ``knowledge.internal``) for everyone else."""
    if _is_editor(user):
        return item_list(user=user)
    return item_list(user=user, status=Status.PUBLISHED)


def item_code_taken(code: str) -> bool:
    """Whether an item, of any status or audience, already has this code (a new item needs its own)."""
    return Item.objects.filter(code=code).exists()
