from django.urls import path

from . import compliance, decisions, office, organisations, search

app_name = "office"

urlpatterns = [
    path("", office.queue, name="queue"),
    path("organisations/", organisations.vetting, name="organisations"),
    path("organisations/<int:organisation_id>/vet/", organisations.vet, name="organisation-vet"),
    path("search/", search.search, name="search"),
    path("search/saved/", search.search_save, name="search-save"),
    path("search/saved/<int:saved_id>/delete/", search.search_delete, name="search-delete"),
    path("cases/<int:pk>/", office.case_detail, name="case"),
    path("cases/<int:pk>/claim/", office.case_claim, name="claim"),
    path("cases/<int:pk>/release/", office.case_release, name="release"),
    path("cases/<int:pk>/assign/", office.case_assign, name="assign"),
    path("cases/<int:pk>/refer/", office.case_refer, name="refer"),
    path("cases/<int:pk>/questions/", office.case_ask, name="ask"),
    path("cases/<int:pk>/documents/<int:document_id>/", office.document_download, name="document"),
    path("cases/<int:pk>/notes/", office.case_note, name="note"),
    path("cases/<int:pk>/internal-documents/<int:note_document_id>/", office.note_document_download, name="note-document"),
    path("cases/<int:pk>/set-aside/", office.case_set_aside, name="set-aside"),
    path("cases/<int:pk>/assessment/", decisions.assessment_start, name="assessment-start"),
    path("cases/<int:pk>/assessment/findings/", decisions.finding_save, name="findings"),
    path("cases/<int:pk>/assessment/advice/", decisions.advice_give, name="advice"),
    path("cases/<int:pk>/assessment/countersign/", decisions.countersign, name="countersign"),
    path("cases/<int:pk>/decision/", decisions.decide, name="decide"),
    path("cases/<int:pk>/decision/countersign/", decisions.decision_countersign, name="decision-countersign"),
    path("countersign/", decisions.countersign_queue, name="countersign-queue"),
    path("cases/<int:pk>/decision/document/", decisions.decision_pdf, name="decision-document"),
    path("cases/<int:pk>/consultations/<int:cid>/", decisions.consultation_move, name="consultation"),
    path("denials/", decisions.denial_register, name="denials"),
    path("parliament/", decisions.parliament, name="parliament"),
    path("overdue-reports/", decisions.overdue, name="overdue"),
    path("live-hits/", compliance.live_hits, name="live-hits"),
    path("live-hits/suspend/", compliance.live_hits_suspend, name="live-hits-suspend"),
    path("live-hits/<int:hid>/dismiss/", compliance.live_hit_dismiss, name="live-hit-dismiss"),
    path("reconciliation/", compliance.reconciliation_flags, name="reconciliation-flags"),
    path("reconciliation/flags/<int:fid>/explain/", compliance.flag_explain, name="reconciliation-flag-explain"),
    path("licences/<int:pk>/reconciliation/", compliance.licence_reconciliation, name="licence-reconciliation"),
    path("registrations/<int:pk>/reconciliation/", compliance.registration_reconciliation, name="registration-reconciliation"),
]
