from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from licensing.core.csp import csp_replace
from licensing.core.views import health
from licensing.web.views import set_language

# Swagger UI loads its script and styles from drf-spectacular's CDN and has one inline <style>; its init script is
# a separate request (the split view), so no inline script is allowed even here.
API_DOCS_CSP = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://cdn.jsdelivr.net; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", csp_replace(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("api/v1/", include("licensing.api.urls")),
    # Django's language switch (django.conf.urls.i18n), which also remembers a signed-in person's language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("licensing.web.urls")),
]

handler403 = "licensing.web.views.permission_denied"
handler404 = "licensing.web.views.page_not_found"
handler500 = "licensing.web.views.server_error"
