from django.urls import path

from . import screening

app_name = "screening"

urlpatterns = [
    path("runs/", screening.runs, name="runs"),
    path("serials/", screening.serial_search, name="serials"),
    path("cases/<int:pk>/hits/<int:hit_id>/disposition/", screening.hit_dispose, name="dispose"),
    path("cases/<int:pk>/hits/<int:hit_id>/escalation/", screening.hit_escalation_decide, name="escalation"),
]
