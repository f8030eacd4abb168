"""The report endpoints, for officials: /api/v1/reports/..."""
from django.urls import path

from licensing.reporting.services import TABLES

from . import reporting

urlpatterns = [
    path("reports/annual/<int:year>/export/", reporting.ExportView.as_view(), name="report-export"),
    path("reports/monthly/<int:year>/<int:month>/export/", reporting.ExportView.as_view(), name="report-monthly-export"),
    path("reports/denial-share/", reporting.DenialShareView.as_view(), name="report-denial-share"),
    path("reports/runs/", reporting.ReportRunListView.as_view(), name="report-runs"),
    path("reports/runs/<int:pk>/", reporting.ReportRunView.as_view(), name="report-run"),
    path("reports/aluminium-origins/<int:year>/", reporting.AluminiumOriginsView.as_view(), name="report-aluminium-origins"),
    path("reports/aluminium-origins/<int:year>/<int:month>/", reporting.AluminiumOriginsMonthlyView.as_view(), name="report-aluminium-origins-monthly"),
]
for _name in TABLES:
    _view = reporting.table_view(_name).as_view()
    urlpatterns += [
        path(f"reports/annual/<int:year>/{_name}/", _view, name=f"report-{_name}"),
        path(f"reports/monthly/<int:year>/<int:month>/{_name}/", _view, name=f"report-monthly-{_name}"),
    ]
