from django.urls import path

from . import exporter, objections

app_name = "exporter"

urlpatterns = [
    path("", exporter.application_list, name="list"),
    path("new/", exporter.application_edit, name="new"),
    path("<int:pk>/", exporter.application_detail, name="detail"),
    path("<int:pk>/edit/", exporter.application_edit, name="edit"),
    path("<int:pk>/submit/", exporter.application_submit, name="submit"),
    path("<int:pk>/withdraw/", exporter.application_withdraw, name="withdraw"),
    path("<int:pk>/amend/", exporter.application_amend, name="amend"),
    path("<int:pk>/delete/", exporter.application_delete, name="delete"),
    path("<int:pk>/answer/", exporter.question_answer, name="answer"),
    path("<int:pk>/questions/<int:question_id>/answer/", exporter.question_answer_one, name="question-answer"),
    path("<int:pk>/documents/", exporter.document_upload, name="upload"),
    path("<int:pk>/documents/<int:document_id>/", exporter.document_download, name="document"),
    path("<int:pk>/documents/<int:document_id>/remove/", exporter.document_remove, name="document-remove"),
    path("<int:pk>/decision/document/", exporter.decision_pdf, name="decision-document"),
    path("<int:pk>/objections/", objections.objection_lodge, name="objection-lodge"),
    path("<int:pk>/objections/<int:oid>/letter/", objections.objection_letter, name="objection-letter"),
]
