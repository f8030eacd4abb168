from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .applications import ApplicationViewSet
from .auth import MeView, TokenView
from . import advice_requests, assessment, conditions, customs, decisions, library, licences, live_hits, objections, office, reconciliation

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.include_format_suffixes = False  # `?format=` and `.json` suffixes are not ours to offer
router.register("applications", ApplicationViewSet, basename="application")
router.register("licences", licences.LicenceViewSet, basename="licence")
router.register("registrations", licences.RegistrationViewSet, basename="registration")
router.register("address-book", library.AddressBookViewSet, basename="address-book")
router.register("goods-library", library.GoodsLibraryViewSet, basename="goods-library")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include("licensing.api.routing_urls")),
    path("", include("licensing.api.screening_urls")),
    path("", include("licensing.api.reporting_urls")),
    path("office/queue/", office.QueueView.as_view(), name="office-queue"),
    path("office/objections/", objections.OfficeObjectionListView.as_view(), name="office-objections"),
    path("applications/<int:pk>/objections/", objections.ObjectionLodgeView.as_view(), name="application-objections"),
    path("applications/<int:pk>/parties/<int:n>/save-to-address-book/", library.PartySaveView.as_view(), name="application-party-save"),
    path("applications/<int:pk>/goods/<int:n>/save-to-library/", library.GoodsLineSaveView.as_view(), name="application-goods-save"),
    path("applications/<int:pk>/objections/<int:oid>/letter/", objections.ObjectionLetterView.as_view(), name="application-objection-letter"),
    path("office/objections/<int:oid>/", objections.OfficeObjectionView.as_view(), name="office-objection"),
    path("office/objections/<int:oid>/take/", objections.ObjectionTakeView.as_view(), name="office-objection-take"),
    path("office/objections/<int:oid>/hearing/", objections.ObjectionHearingView.as_view(), name="office-objection-hearing"),
    path("office/objections/<int:oid>/extend/", objections.ObjectionExtendView.as_view(), name="office-objection-extend"),
    path("office/objections/<int:oid>/decide/", objections.ObjectionDecideView.as_view(), name="office-objection-decide"),
    path("office/search/", office.SearchView.as_view(), name="office-search"),
    path("office/applications/<int:pk>/advice-requests/", advice_requests.CaseAdviceRequestsView.as_view(), name="office-advice-requests"),
    path("office/advice-requests/<int:rid>/withdraw/", advice_requests.WithdrawView.as_view(), name="office-advice-request-withdraw"),
    path("advice-requests/", advice_requests.BodyQueueView.as_view(), name="advice-requests"),
    path("advice-requests/<int:rid>/", advice_requests.BodyRequestView.as_view(), name="advice-request"),
    path("advice-requests/<int:rid>/answer/", advice_requests.AnswerView.as_view(), name="advice-request-answer"),
    path("office/applications/<int:pk>/claim/", office.ClaimView.as_view(), name="office-claim"),
    path("office/applications/<int:pk>/release/", office.ReleaseView.as_view(), name="office-release"),
    path("office/applications/<int:pk>/assign/", office.AssignView.as_view(), name="office-assign"),
    path("office/applications/<int:pk>/refer/", office.ReferView.as_view(), name="office-refer"),
    path("office/applications/<int:pk>/catch-all/", office.CatchAllView.as_view(), name="office-catch-all"),
    path("office/applications/<int:pk>/questions/", office.QuestionAskView.as_view(), name="office-question-ask"),
    path("office/applications/<int:pk>/notes/", office.NoteView.as_view(), name="office-note"),
    path("office/applications/<int:pk>/internal-documents/<int:note_document_id>/", office.NoteDocumentView.as_view(), name="office-note-document"),
    path("office/applications/<int:pk>/set-aside/", office.SetAsideView.as_view(), name="office-set-aside"),
    path("office/applications/<int:pk>/decision/", decisions.DecideView.as_view(), name="office-decide"),
    path("office/applications/<int:pk>/decision/countersign/", decisions.CountersignView.as_view(), name="office-decision-countersign"),
    path("office/decision-proposals/", decisions.ProposalListView.as_view(), name="office-decision-proposals"),
    path("office/applications/<int:pk>/blockers/", decisions.BlockersView.as_view(), name="office-blockers"),
    path("office/applications/<int:pk>/consultations/", decisions.ConsultationsView.as_view(), name="office-consultations"),
    path("office/applications/<int:pk>/prior/", assessment.PriorInformationView.as_view(), name="prior-information"),
    path("office/consultations/<int:cid>/start/", decisions.ConsultationStartView.as_view(), name="consultation-start"),
    path("office/consultations/<int:cid>/answer/", decisions.ConsultationAnswerView.as_view(), name="consultation-answer"),
    path("office/parliament/", decisions.ParliamentListView.as_view(), name="parliament"),
    path("office/parliament/<int:nid>/sent/", decisions.ParliamentSentView.as_view(), name="parliament-sent"),
    path("licences/<int:pk>/conditions/", conditions.LicenceConditionsView.as_view(), name="licence-conditions"),
    path("licences/<int:pk>/conditions/<int:condition_id>/meet/", conditions.ConditionMeetView.as_view(), name="licence-condition-meet"),
    path("standard-texts/", conditions.StandardTextListView.as_view(), name="standard-texts"),
    path("usage-reports/", licences.UsageReportsView.as_view(), name="usage-reports"),
    path("usage-reports/upload/", licences.UsageUploadView.as_view(), name="usage-upload"),
    path("usage-reports/periods/", licences.PeriodDeclareView.as_view(), name="usage-periods"),
    path("office/overdue-reports/", licences.OverdueReportsView.as_view(), name="overdue-reports"),
    path("office/licences/<int:pk>/reconciliation/", reconciliation.LicenceReconciliationView.as_view(), name="office-licence-reconciliation"),
    path("office/registrations/<int:pk>/reconciliation/", reconciliation.RegistrationReconciliationView.as_view(), name="office-registration-reconciliation"),
    path("office/reconciliation/flags/", reconciliation.FlagListView.as_view(), name="office-reconciliation-flags"),
    path("office/reconciliation/flags/<int:fid>/explain/", reconciliation.FlagExplainView.as_view(), name="office-reconciliation-flag-explain"),
    path("office/live-hits/", live_hits.LiveHitListView.as_view(), name="office-live-hits"),
    path("office/live-hits/suspend/", live_hits.LiveHitSuspendView.as_view(), name="office-live-hits-suspend"),
    path("office/live-hits/<int:hid>/dismiss/", live_hits.LiveHitDismissView.as_view(), name="office-live-hit-dismiss"),
    path("office/usage-outside-terms/", licences.UsageOutsideTermsView.as_view(), name="usage-outside-terms"),
    path("denials/", decisions.DenialListView.as_view(), name="denials"),
    path("denials/export/", decisions.DenialExportView.as_view(), name="denials-export"),
    path("ministry/applications/<int:pk>/assessment/", assessment.AssessmentView.as_view(), name="assessment"),
    path("ministry/applications/<int:pk>/assessment/findings/<int:criterion>/", assessment.FindingView.as_view(), name="assessment-finding"),
    path("ministry/applications/<int:pk>/assessment/advice/", assessment.AdviceView.as_view(), name="assessment-advice"),
    path("ministry/applications/<int:pk>/assessment/countersign/", assessment.CountersignView.as_view(), name="assessment-countersign"),
    path("customs/licences/<str:number>/", customs.CustomsLicenceView.as_view(), name="customs-licence"),
    path("customs/write-offs/", customs.WriteOffView.as_view(), name="customs-write-off"),
    path("customs/write-offs/<str:declaration>/reverse/", customs.WriteOffReverseView.as_view(), name="customs-write-off-reverse"),
    path("", include(router.urls)),
]
