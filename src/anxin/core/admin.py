from django.contrib import admin
from django.utils.translation import gettext_lazy

from anxin.core.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The access log is evidence: readable, never editable."""

    list_display = ("at", "user", "action", "object_type", "object_id", "fields", "purpose", "ip")
    list_filter = ("action", "object_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = gettext_lazy("安心 Anxin 管理后台")
admin.site.site_title = gettext_lazy("安心 Anxin")
