"""Admin: the high-priority HS codes are maintained here; lists, hits and runs are shown read-only.
The high-risk countries are the reference group `circumvention_risk` (Reference > Country groups)."""
from django.contrib import admin

from . import models


@admin.register(models.HighPriorityItem)
class HighPriorityItemAdmin(admin.ModelAdmin):
    list_display = ["hs_code", "tier", "description"]
    list_filter = ["tier"]
    search_fields = ["hs_code", "description"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ScreeningList)
class ScreeningListAdmin(ReadOnly):
    list_display = ["source", "kind", "entry_count", "updated_at"]


@admin.register(models.ListEntry)
class ListEntryAdmin(ReadOnly):
    list_display = ["source", "reference", "name", "entity_kind", "programme", "updated_at"]
    list_filter = ["source", "entity_kind"]
    search_fields = ["reference", "name", "names__name"]
    show_full_result_count = False


@admin.register(models.ScreeningHit)
class ScreeningHitAdmin(ReadOnly):
    list_display = ["application", "party", "source", "entry_reference", "score", "disposition", "disposed_by"]
    list_filter = ["disposition", "source"]
    raw_id_fields = ["application", "party", "entry", "disposed_by"]


@admin.register(models.ScreeningFlag)
class ScreeningFlagAdmin(ReadOnly):
    list_display = ["application", "kind", "reason"]
    list_filter = ["kind"]
    raw_id_fields = ["application", "goods_line", "party"]


@admin.register(models.ScreeningRun)
class ScreeningRunAdmin(ReadOnly):
    list_display = ["id", "kind", "source", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status", "source"]
    exclude = ["payload"]
