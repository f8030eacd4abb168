"""Determination API URLs (owned by the routing module)."""
from django.urls import path

from .determinations import DeterminationView

urlpatterns = [
    path("determinations/", DeterminationView.as_view(), name="determinations"),
]
