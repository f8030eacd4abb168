from django.urls import path

from .auth import MeView, TokenView

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
]
