"""Allow-lists by role. Every view names who may use it."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from licensing.accounts.models import Role
from licensing.core.permissions import actor_may


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = _("Your role does not give access to this.")

    def has_permission(self, request, view):
        return actor_may(request.user, self.roles)


def allow(roles: tuple[str, ...]) -> type[HasRole]:
    """The permission class of a service's allow-list (e.g. `allow(decisions.DECIDING)`): the view refuses whom
    the service would refuse, before reading the request's body."""
    return type("Allow" + "".join(str(r).title() for r in roles), (HasRole,), {"roles": tuple(roles)})


class IsExporter(HasRole):
    roles = (Role.EXPORTER,)


class IsOfficer(HasRole):
    roles = (Role.OFFICER, Role.ADMINISTRATOR)


class IsOfficial(HasRole):
    roles = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)


class IsAdvisor(HasRole):
    roles = (Role.ADVISOR,)
