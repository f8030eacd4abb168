from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .applications import ApplicationViewSet
from .auth import MeView, TokenView
from . import office

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include("licensing.api.routing_urls")),
    path("office/queue/", office.QueueView.as_view(), name="office-queue"),
    path("office/applications/<int:pk>/claim/", office.ClaimView.as_view(), name="office-claim"),
    path("office/applications/<int:pk>/release/", office.ReleaseView.as_view(), name="office-release"),
    path("office/applications/<int:pk>/assign/", office.AssignView.as_view(), name="office-assign"),
    path("office/applications/<int:pk>/refer/", office.ReferView.as_view(), name="office-refer"),
    path("office/applications/<int:pk>/questions/", office.QuestionAskView.as_view(), name="office-question-ask"),
    path("", include(router.urls)),
]
