from django.contrib import admin

from anxin.places.models import Place, PlaceDuty


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "path")
    list_filter = ("kind", "is_rural")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path",)


@admin.register(PlaceDuty)
class PlaceDutyAdmin(admin.ModelAdmin):
    list_display = ("place", "duty", "user")
    list_filter = ("duty",)
    raw_id_fields = ("place", "user")
