from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
def health(request):
    """Public liveness/readiness: names each part and whether it is up; 503 when any is down."""
    healthy, components = health_report()
    return JsonResponse({"status": "ok" if healthy else "degraded", "components": components}, status=200 if healthy else 503)
