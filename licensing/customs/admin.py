from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from licensing.core.errors import DomainError

from .models import CustomsToken, CustomsWriteOff
from .services import customs_token_revoke


@admin.register(CustomsToken)
class CustomsTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py customs_token issue` (the token is printed once); here they are listed and
    revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_on", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = [f.name for f in CustomsToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                customs_token_revoke(actor=request.user, token=token)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


@admin.register(CustomsWriteOff)
class CustomsWriteOffAdmin(admin.ModelAdmin):
    list_display = ["declaration", "licence", "line_number", "quantity", "value_eur", "destination", "exported_on", "reversed_at"]
    search_fields = ["declaration", "licence__number"]
    readonly_fields = [f.name for f in CustomsWriteOff._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
