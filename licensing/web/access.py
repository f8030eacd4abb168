"""Who may open the officials' pages (each module of licensing.web imports it from here, not from another page module)."""
import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from licensing.core.permissions import actor_may


def official_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_official:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def roles_required(roles: tuple[str, ...]):
    """A page for a service's allow-list (e.g. `roles_required(decisions.DECIDING)`): everyone else gets the 403
    the API gives, before the form is read."""

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not actor_may(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
