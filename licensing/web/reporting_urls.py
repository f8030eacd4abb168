from django.urls import path

from . import reporting, reporting_aluminium

app_name = "reports"

urlpatterns = [
    path("", reporting.report_index, name="index"),
    path("<int:year>/", reporting.report_annual, name="annual"),
    path("<int:year>/<int:month>/", reporting.report_monthly, name="monthly"),
    path("runs/", reporting.run_start, name="run-start"),
    path("runs/<int:pk>/", reporting.run_detail, name="run"),
    path("aluminium/<int:year>/", reporting_aluminium.aluminium_origins, name="aluminium"),
    path("aluminium/<int:year>/<int:month>/", reporting_aluminium.aluminium_origins, name="aluminium-monthly"),
]
