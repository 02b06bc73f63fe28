"""The knowledge gaps as an Excel workbook for the command centre: one sheet of groups with their counts per
day, one of every question (masked, as recorded)."""

from __future__ import annotations

from typing import IO

from django.utils import timezone
from django.utils.translation import gettext

from anxin.knowledge.formats import text_cell
from anxin.knowledge.gaps import GapReport


def write_gap_report_xlsx(report: GapReport, out: IO[bytes]) -> int:
    """Both sheets written to ``out``; how many groups."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    groups = workbook.create_sheet(gettext("缺口分组"))
    days = report.days
    groups.append(
        [
            gettext("组"),
            gettext("特征词"),
            gettext("问题数"),
            gettext("其中无把握答案"),
            gettext("最接近的条目"),
            gettext("示例"),
            *[f"{day:%m-%d}" for day in days],
        ]
    )
    questions = workbook.create_sheet(gettext("全部问题"))
    questions.append(
        [
            gettext("组"),
            gettext("时间"),
            gettext("原因"),
            gettext("问题（已脱敏）"),
            gettext("最接近的条目"),
            gettext("语义相近"),
        ]
    )
    for number, group in enumerate(report.groups, start=1):
        nearest = group.nearest_item
        row = [
            number,
            "、".join(group.keywords),
            group.total,
            group.no_confident_answer,
            f"{nearest.code} {nearest.title}" if nearest else "",
            "\n".join(gap.text for gap in group.examples),
            *group.day_counts,
        ]
        groups.append([text_cell(groups, value) for value in row])
        for gap in group.gaps:
            line = [
                number,
                timezone.localtime(gap.searched_at).strftime("%Y-%m-%d %H:%M"),
                gap.get_reason_display(),
                gap.text,
                gap.best_item.code if gap.best_item else "",
                round(gap.best_similarity, 3) if gap.best_similarity is not None else None,
            ]
            questions.append([text_cell(questions, value) for value in line])
    workbook.save(out)
    return len(report.groups)
