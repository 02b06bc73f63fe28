from django.contrib import admin

from anxin.hotline.models import Line, Shift


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    filter_horizontal = ("members",)


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "number", "place")
    filter_horizontal = ("members",)
    inlines = [ShiftInline]
    raw_id_fields = ("place",)
