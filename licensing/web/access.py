"""Who may open the officials' pages (each module of licensing.web imports it from here, not from another page module)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def official_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_official:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped
