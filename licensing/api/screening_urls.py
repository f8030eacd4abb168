"""Screening API URLs (owned by the screening module): officials only; imports and runs for administrators."""
from django.urls import path

from . import screening

urlpatterns = [
    path("screening/", screening.ScreenView.as_view(), name="screening"),
    path("screening/imports/", screening.ImportView.as_view(), name="screening-import"),
    path("screening/runs/", screening.RunListView.as_view(), name="screening-runs"),
    path("screening/runs/<int:run_id>/", screening.RunView.as_view(), name="screening-run"),
    path("office/applications/<int:pk>/screening/", screening.ApplicationScreeningView.as_view(), name="office-screening"),
    path("office/applications/<int:pk>/screening/<int:hit_id>/disposition/", screening.DispositionView.as_view(), name="office-screening-disposition"),
    path("office/applications/<int:pk>/screening/<int:hit_id>/escalation/", screening.EscalationView.as_view(), name="office-screening-escalation"),
    path("office/serials/", screening.SerialSearchView.as_view(), name="office-serials"),
]
