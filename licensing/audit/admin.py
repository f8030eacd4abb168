from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the event log is append-only."""

    list_display = ["at", "verb", "target_type", "target_id", "from_state", "to_state", "actor"]
    list_filter = ["verb", "target_type"]
    search_fields = ["target_id", "reason"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
