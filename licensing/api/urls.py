from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .applications import ApplicationViewSet
from .auth import MeView, TokenView
from .office import QuestionAskView

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include("licensing.api.routing_urls")),
    path("office/applications/<int:pk>/questions/", QuestionAskView.as_view(), name="office-question-ask"),
    path("", include(router.urls)),
]
