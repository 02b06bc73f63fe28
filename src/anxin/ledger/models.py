"""An import of a ledger file as the pages run it: upload, column mapping, dry run, import, result.

The uploaded file stays in ``source`` until the import has run (then it is emptied: it holds ID numbers);
the counters move as rows are read, so the page can show progress while a background task works; the error
report (masked) stays for download.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("待确认列")
        CHECKING = "checking", _("试运行中")
        CHECKED = "checked", _("试运行完成")
        IMPORTING = "importing", _("导入中")
        WRITING = "writing", _("写入中")
        DONE = "done", _("已导入")
        REJECTED = "rejected", _("未导入")
        FAILED = "failed", _("失败")

    RUNNING = (Status.CHECKING, Status.IMPORTING, Status.WRITING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    source = models.BinaryField(default=b"", editable=False)
    source_size = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=list)
    header_row = models.PositiveIntegerField(default=1)
    mapping = models.JSONField(default=list)  # a field code (or null) per column
    partial = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    rows_total = models.PositiveIntegerField(
        null=True, blank=True
    )  # estimated at upload, for the progress bar
    rows_read = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    places_added = models.PositiveIntegerField(default=0)
    # The dry run's first rows of each kind, and the first errors ({row, field, reason}) for the page.
    preview = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.BinaryField(null=True, editable=False)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_status_display()}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def has_error_report(self) -> bool:
        # The report is written whenever a run found errors; reading the count keeps the bytes deferred.
        return self.error_count > 0
