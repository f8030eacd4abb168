from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("applications/", include("licensing.web.exporter_urls")),
    path("office/", include("licensing.web.office_urls")),
    path("licences/", include("licensing.web.licences_urls")),
]
