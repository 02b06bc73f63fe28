from django.contrib import admin

from anxin.facilities.models import Facility, FacilityService


class FacilityServiceInline(admin.TabularInline):
    model = FacilityService
    extra = 1


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tier", "place", "hours_label")
    list_filter = ("tier", "services__service")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("place",)
    filter_horizontal = ("grids",)
    inlines = [FacilityServiceInline]
