from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kvk_number", "eori_number", "country"]
    search_fields = ["name", "kvk_number", "eori_number"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (("Role", {"fields": ("role", "organisation", "language")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (("Role", {"fields": ("role", "organisation")}),)
    actions = ["issue_enrolment_link"]

    @admin.action(description=gettext_lazy("Issue a one-time link to set up an authenticator app"), permissions=["change"])
    def issue_enrolment_link(self, request, queryset):
        """Officials set up an authenticator app only through such a link (a new account, or after the old app was
        removed). The links are shown once, on the page this returns, to be handed over to each person."""
        from django.conf import settings

        from .services import enrolment_link_issue

        links = []
        for user in queryset.order_by("username"):
            if not user.is_official:
                self.message_user(request, _("%(user)s needs no authenticator app.") % {"user": user.username}, messages.WARNING)
                continue
            secret = enrolment_link_issue(user=user, issued_by=request.user)
            links.append((user, request.build_absolute_uri(f"{reverse('otp')}?{urlencode({'enrol': secret})}")))
        if not links:
            return None
        context = {**self.admin_site.each_context(request), "links": links, "hours": settings.OTP_ENROLMENT_LINK_HOURS, "title": _("Set-up links")}
        return TemplateResponse(request, "admin/accounts/enrolment_links.html", context)
