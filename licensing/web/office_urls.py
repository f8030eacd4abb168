from django.urls import path

from . import office

app_name = "office"

urlpatterns = [
    path("", office.queue, name="queue"),
    path("cases/<int:pk>/", office.case_detail, name="case"),
    path("cases/<int:pk>/claim/", office.case_claim, name="claim"),
    path("cases/<int:pk>/release/", office.case_release, name="release"),
    path("cases/<int:pk>/assign/", office.case_assign, name="assign"),
    path("cases/<int:pk>/refer/", office.case_refer, name="refer"),
    path("cases/<int:pk>/questions/", office.case_ask, name="ask"),
    path("cases/<int:pk>/documents/<int:document_id>/", office.document_download, name="document"),
]
