from django.urls import path

from . import customs

app_name = "customs"

urlpatterns = [
    path("", customs.check, name="check"),
]
