from django.urls import path

from . import exporter, guided, objections

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
    # The guided application (licensing.web.guided): the same draft, one short page per section.
    path("guided/start/", guided.start, name="guided-start"),
    path("<int:pk>/tasks/", guided.tasks, name="guided-tasks"),
    path("<int:pk>/tasks/about/", guided.section, {"key": "about"}, name="guided-about"),
    path("<int:pk>/tasks/general-licence/", guided.section, {"key": "licence"}, name="guided-licence"),
    path("<int:pk>/tasks/destinations/", guided.destinations, name="guided-destinations"),
    path("<int:pk>/tasks/end-use/", guided.section, {"key": "end_use"}, name="guided-end-use"),
    path("<int:pk>/tasks/goods/", guided.goods, name="guided-goods"),
    path("<int:pk>/tasks/goods/add/", guided.goods_line, name="guided-goods-add"),
    path("<int:pk>/tasks/goods/library/", guided.goods_pick, name="guided-goods-pick"),
    path("<int:pk>/tasks/goods/<int:n>/save-to-library/", guided.goods_save, name="guided-goods-save"),
    path("<int:pk>/tasks/goods/<int:n>/", guided.goods_line, name="guided-goods-line"),
    path("<int:pk>/tasks/goods/<int:n>/remove/", guided.goods_remove, name="guided-goods-remove"),
    path("<int:pk>/tasks/parties/", guided.parties, name="guided-parties"),
    path("<int:pk>/tasks/parties/add/", guided.party, name="guided-party-add"),
    path("<int:pk>/tasks/parties/address-book/", guided.party_pick, name="guided-party-pick"),
    path("<int:pk>/tasks/parties/<int:n>/save-to-address-book/", guided.party_save, name="guided-party-save"),
    path("<int:pk>/tasks/parties/<int:n>/", guided.party, name="guided-party"),
    path("<int:pk>/tasks/parties/<int:n>/remove/", guided.party_remove, name="guided-party-remove"),
    path("<int:pk>/tasks/documents/", guided.documents, name="guided-documents"),
    path("<int:pk>/tasks/check/", guided.check, name="guided-check"),
    path("<int:pk>/submitted/", guided.confirmation, name="guided-confirmation"),
    path("<int:pk>/copy/", guided.copy, name="guided-copy"),
    path("<int:pk>/objections/", objections.objection_lodge, name="objection-lodge"),
    path("<int:pk>/objections/<int:oid>/letter/", objections.objection_letter, name="objection-letter"),
]
