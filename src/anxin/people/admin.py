from django.contrib import admin

from anxin.core.audit import access_log_write
from anxin.core.models import AccessLog
from anxin.people.models import Resident


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    """Lists show masked identifiers; opening a record shows them in full and is logged."""

    list_display = ("name", "masked_id_number", "masked_phone", "sex", "birth_date", "household")
    search_fields = ("name",)
    raw_id_fields = ("household",)
    readonly_fields = ("birth_date", "sex", "created_at", "updated_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        resident = self.get_object(request, object_id)
        if resident is not None:
            access_log_write(
                user=request.user,
                action=AccessLog.Action.REVEAL,
                obj=resident,
                fields="id_number,phone",
                purpose="admin",
                ip=request.META.get("REMOTE_ADDR"),
            )
        return super().change_view(request, object_id, form_url, extra_context)
