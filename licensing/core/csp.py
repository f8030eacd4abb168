"""
Content-Security-Policy on every answer, pages and API alike: the policy is settings.CONTENT_SECURITY_POLICY.
A view that needs another policy (the Swagger UI page, served from a CDN) sets the header itself with
`csp_replace`; the middleware leaves an answer that already has one alone.
"""
from functools import wraps

from django.conf import settings

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and HEADER not in response:
            response[HEADER] = settings.CONTENT_SECURITY_POLICY
        return response


def csp_replace(policy: str):
    """Decorate a view so that its answers carry `policy` instead of the site's."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[HEADER] = policy
            return response

        return wrapped

    return decorator
