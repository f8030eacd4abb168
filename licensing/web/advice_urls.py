from django.urls import path

from . import advice

app_name = "advice"

urlpatterns = [
    path("", advice.queue, name="queue"),
    path("<int:rid>/", advice.detail, name="detail"),
]
