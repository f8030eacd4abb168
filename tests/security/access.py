"""
Who may use each URL pattern, and with which methods: the expected-access table of the authorisation matrix.

Every named URL pattern of the root URLconf has exactly one entry here (test_authorisation_matrix fails on a
pattern without an entry and on an entry without a pattern). An entry lists, per HTTP method the view accepts,
the roles that get through; every other role is refused:

- anonymous: 401 from the API, a redirect to the login page from the web pages;
- the exporter of organisation B, on organisation A's objects that A's exporter may use: 404, so that B cannot
  even learn that the object exists; Customs, which sees no one's cases or licences outside the customs API, gets
  the same 404 when it reads such an object through the API;
- everyone else: 403 (officials-only endpoints answer exporters 403 before looking at any object, in the API
  and on the pages alike).

`deny` records the few refusals that differ from that rule, and refuses a role by name where the allow-list would
let it through (the agent acting for A is a signatory there, where A's exporter is its administrator). Path parameters are filled from the world the test
builds (organisation A's case decided through the ministry, with its documents, hit, consultation, licence,
registration and usage report); `params` says which object when the parameter's name alone does not.

"Allowed" means the request got past authorisation: it may still be refused for its content (400) or for the
case's state (409): the matrix sends empty bodies, except where `body` gives the smallest body that reaches the
ownership check (a view that validates its input before looking the object up would otherwise answer exporter B
400 instead of 404). The web pages of the office check the role at page level (any official); which official may
make which move is the workflow's table (licensing/applications/workflow.py) and is tested there; the API states
those role refusals as 403 and the matrix records them.
"""
from dataclasses import dataclass, field

from licensing.reporting.services import TABLES

EXPORTER_A = "exporter_a"
EXPORTER_B = "exporter_b"
OFFICER = "officer"
ADVISOR = "advisor"
ADMINISTRATOR = "administrator"
CUSTOMS = "customs"
DEFENCE = "defence"  # the Ministry of Defence's advisor: stands for the other bodies asked for advice (one code path)
ANONYMOUS = "anonymous"
# An agent (licensing.accounts.agents) of another firm that organisation A and organisation C made their agent: the
# same person, acting for A (a signatory there) and acting for C. Acting for A it gets what A's exporter gets; acting
# for C, what exporter B gets (A's objects are not there: 404). The table's entries name the exporters only.
AGENT_FOR_A = "agent_for_a"
AGENT_FOR_C = "agent_for_c"
ACTS_AS = {AGENT_FOR_A: EXPORTER_A, AGENT_FOR_C: EXPORTER_B}
ROLES = (EXPORTER_A, EXPORTER_B, OFFICER, ADVISOR, ADMINISTRATOR, CUSTOMS, DEFENCE, ANONYMOUS, AGENT_FOR_A, AGENT_FOR_C)

OWNER = frozenset({EXPORTER_A})  # organisation A's objects: its own exporter only
EXPORTERS = frozenset({EXPORTER_A, EXPORTER_B})  # each sees and reports its own
OFFICIALS = frozenset({OFFICER, ADVISOR, ADMINISTRATOR})
OFFICE = frozenset({OFFICER, ADMINISTRATOR})  # licensing officers; administrators stand in for them
MINISTRY = frozenset({ADVISOR})
ADMINISTRATORS = frozenset({ADMINISTRATOR})
BORDER = frozenset({CUSTOMS})  # Dutch Customs: the customs API only
BODIES = frozenset({DEFENCE})  # the other bodies asked for advice: their own requests only
SIGNED_IN = EXPORTERS | OFFICIALS | BORDER | BODIES
PUBLIC = SIGNED_IN | {ANONYMOUS}

# Which object of the world fills a path parameter, by the parameter's name (an entry's `params` overrides).
DEFAULT_PARAMS = {
    "pk": "case",
    "document_id": "document",
    "hit_id": "hit",
    "cid": "consultation",
    "nid": "notification",
    "run_id": "screening_run",
    "year": "year",
    "month": "month",
    "criterion": "criterion",
    "number": "licence_number",
    "declaration": "declaration",
    "question_id": "question",
    "note_document_id": "note_document",
    "fid": "flag",
    "hid": "live_hit",
    "rid": "advice_request",
    "condition_id": "condition",
    "condition_document_id": "condition_document",
    "n": "line_number",
    "entry_id": "address_entry",
    "item_id": "library_item",
}


@dataclass(frozen=True)
class Entry:
    allow: dict[str, frozenset[str]]  # method -> roles that get through
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, dict] = field(default_factory=dict)  # method -> body (default: empty)
    multipart: bool = False  # the view parses multipart only
    deny: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, role) -> status, where the rule above does not apply
    public_because: str = ""

    def allows(self, method: str, role: str) -> bool:
        """Whether `role` gets through; an agent gets what the exporter it acts as gets."""
        if (method, role) in self.deny:  # refused this role by name (e.g. the agent, a signatory of A, where A's administrator may)
            return False
        roles = self.allow[method]
        return role in roles or ACTS_AS.get(role) in roles

    def refusal(self, method: str, role: str) -> int | None:
        return self.deny.get((method, role), self.deny.get((method, ACTS_AS.get(role, role))))

    def params_for(self, names) -> dict[str, str]:
        return {name: self.params.get(name, DEFAULT_PARAMS.get(name, "")) for name in names}


def entry(*, params=None, body=None, multipart=False, deny=None, public_because="", **allow) -> Entry:
    return Entry(allow={m: frozenset(r) for m, r in allow.items()}, params=params or {}, body=body or {}, multipart=multipart, deny=deny or {}, public_because=public_because)


def page(roles, **kwargs) -> Entry:
    """A page that does not restrict its methods: a browser may GET or POST it."""
    return entry(GET=roles, POST=roles, **kwargs)


ANSWER = {"answer": "An answer from the authorisation matrix."}
ANSWER_TEXT = {"text": "An answer from the authorisation matrix."}

# The address book and the goods library: changed by the organisation's administrators and preparers only.
KEEPERS_ONLY_POST = {("POST", AGENT_FOR_A): 403}
KEEPERS_ONLY_PAGE = {("GET", AGENT_FOR_A): 403, **KEEPERS_ONLY_POST}
KEEPERS_ONLY_API = {(m, AGENT_FOR_A): 403 for m in ("PUT", "PATCH", "DELETE")}
# Exporters' own endpoints refuse Customs and the bodies before any object is looked up (403, not 404).
EXPORTERS_ONLY_API = {("GET", CUSTOMS): 403, ("GET", DEFENCE): 403}

ACCESS: dict[str, Entry] = {
    # --- public by design ------------------------------------------------------------------------------
    "health": entry(GET=PUBLIC, public_because="load balancers probe it; it names only the parts that are down"),
    "schema": entry(GET=PUBLIC, public_because="the API's published contract (README); it holds no data"),
    "api-docs": entry(GET=PUBLIC, public_because="the browsable rendering of the published schema"),
    "set_language": page(PUBLIC, public_because="choosing the language comes before signing in"),
    "login": entry(GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC, public_because="signing in"),
    "logout": entry(POST=PUBLIC, public_because="signing out is harmless for anyone"),
    "otp": page(SIGNED_IN),  # the second login step (two-factor for officials)
    "register": entry(GET=PUBLIC, POST=PUBLIC, public_because="a company registers itself before anyone of it has an account; the office vets it before it files"),
    "invitation": entry(GET=PUBLIC, POST=PUBLIC, params={"token": "invitation_token"}, public_because="the invited colleague has no account yet: the signed, single-use link is the key"),
    "organisation": page(EXPORTERS),
    "organisation-invite": entry(POST=EXPORTERS),
    "organisation-member": entry(POST=OWNER, params={"user_id": "colleague"}),
    # Agents: A's administrator grants and revokes (others get the page's refusal message; another organisation's
    # agency is not there: 404); anyone of an organisation switches between their own and those they act for.
    "organisation-agent-grant": entry(POST=EXPORTERS),
    "organisation-agent-revoke": entry(POST=OWNER, params={"agency_id": "agency"}),
    "organisation-switch": page(EXPORTERS),
    # The address book and the goods library (issue 20.1): everyone of the organisation reads them, its administrators
    # and preparers keep them; the agent acting for A is a signatory there and only reads (403 on every change).
    "organisation-address-book": entry(GET=EXPORTERS),
    "organisation-address-book-add": page(EXPORTERS, deny=KEEPERS_ONLY_PAGE),
    "organisation-address-book-entry": page(OWNER, deny=KEEPERS_ONLY_PAGE),
    "organisation-address-book-remove": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "organisation-goods-library": entry(GET=EXPORTERS),
    "organisation-goods-library-add": page(EXPORTERS, deny=KEEPERS_ONLY_PAGE),
    "organisation-goods-library-item": page(OWNER, deny=KEEPERS_ONLY_PAGE),
    "organisation-goods-library-remove": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "api:token": entry(POST=PUBLIC, DELETE=SIGNED_IN, public_because="POST exchanges a password for a token"),
    # --- anyone signed in --------------------------------------------------------------------------------
    "api:me": entry(GET=SIGNED_IN),
    "api:determinations": entry(POST=SIGNED_IN),
    "home": page(SIGNED_IN),
    "determination": page(SIGNED_IN),
    # --- applications (API): exporters file their own; officials read submitted ones ---------------------
    "api:application-list": entry(GET=SIGNED_IN, POST=EXPORTERS),
    "api:application-detail": entry(GET=OWNER | OFFICIALS, PATCH=OWNER, DELETE=OWNER),
    "api:application-submit": entry(POST=OWNER),
    "api:application-withdraw": entry(POST=OWNER),
    "api:application-amend": entry(POST=OWNER),
    "api:application-answer": entry(POST=OWNER, body={"POST": ANSWER}),
    "api:application-history": entry(GET=OWNER | OFFICIALS),
    "api:application-questions": entry(GET=OWNER | OFFICIALS),
    "api:application-question-answer": entry(POST=OWNER, body={"POST": ANSWER_TEXT}, multipart=True),
    "api:application-timeline": entry(GET=OWNER | OFFICIALS),
    "api:application-upload": entry(POST=OWNER, multipart=True),
    "api:address-book-list": entry(GET=EXPORTERS, POST=EXPORTERS, deny=KEEPERS_ONLY_POST),
    "api:address-book-detail": entry(GET=OWNER, PUT=OWNER, PATCH=OWNER, DELETE=OWNER, params={"pk": "address_entry"}, deny={**KEEPERS_ONLY_API, **EXPORTERS_ONLY_API}),
    "api:goods-library-list": entry(GET=EXPORTERS, POST=EXPORTERS, deny=KEEPERS_ONLY_POST),
    "api:application-party-save": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "api:application-goods-save": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "api:goods-library-detail": entry(GET=OWNER, PUT=OWNER, PATCH=OWNER, DELETE=OWNER, params={"pk": "library_item"}, deny={**KEEPERS_ONLY_API, **EXPORTERS_ONLY_API}),
    "api:application-document": entry(GET=OWNER | OFFICIALS, DELETE=OWNER, deny={("DELETE", CUSTOMS): 404, ("DELETE", DEFENCE): 404}),
    "api:application-decision-document": entry(GET=OWNER | OFFICIALS),
    # The holder objects to the decision on its own case (issue 18.5); the world's case is decided.
    "api:application-objections": entry(GET=OWNER | OFFICIALS, POST=OWNER, multipart=True, body={"POST": {"grounds": "An objection from the authorisation matrix."}}),
    # The world's objection: to the case's licence, decided by officer1. Its moves are the office's, but never the
    # decision's author's (Awb 7:5): officer1 is refused them (another officer's way through is proven in
    # tests/licences/test_objection_handling.py); the administrator, who did not decide, gets through.
    "api:application-objection-letter": entry(GET=OWNER | OFFICIALS, params={"oid": "objection"}),
    "api:office-objection": entry(GET=OFFICIALS, params={"oid": "objection"}),
    "api:office-objection-take": entry(POST=ADMINISTRATORS, params={"oid": "objection"}),
    "api:office-objection-hearing": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"held_on": "2026-01-01", "minutes": "Heard."}}),
    "api:office-objection-extend": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"reason": "More time."}}),
    "api:office-objection-decide": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"outcome": "unfounded", "reasons": "It stands."}}),
    # --- the office's desk (API) ---------------------------------------------------------------------------
    "api:office-queue": entry(GET=OFFICIALS),
    "api:office-objections": entry(GET=OFFICIALS),
    "api:office-search": entry(GET=OFFICIALS),
    "api:office-claim": entry(POST=OFFICIALS),
    "api:office-release": entry(POST=OFFICE),  # the claimant (officer1 holds the case) or an administrator
    "api:office-assign": entry(POST=OFFICIALS),
    "api:office-refer": entry(POST=OFFICE),
    "api:office-catch-all": entry(POST=OFFICIALS),  # the desk that holds the case: the service decides (409 on a decided case)
    "api:office-question-ask": entry(POST=OFFICIALS),
    "api:office-note": entry(POST=OFFICIALS, body={"POST": {"text": "A note from the authorisation matrix."}}),
    "api:office-note-document": entry(GET=OFFICIALS),
    "api:office-set-aside": entry(POST=OFFICE),
    "api:office-decide": entry(POST=OFFICE),
    # Four eyes at the office: the world's case has no proposed decision, so the office gets past authorisation to a 409.
    "api:office-decision-countersign": entry(POST=OFFICE, body={"POST": {"proposal": 1, "agree": True}}),
    "api:office-decision-proposals": entry(GET=OFFICE),
    "api:office-blockers": entry(GET=OFFICIALS),
    "api:office-consultations": entry(GET=OFFICIALS),
    "api:prior-information": entry(GET=OFFICIALS),
    "api:consultation-start": entry(POST=OFFICE),
    "api:consultation-answer": entry(POST=OFFICE),
    "api:parliament": entry(GET=OFFICIALS),
    "api:parliament-sent": entry(POST=OFFICE),
    "api:overdue-reports": entry(GET=OFFICIALS),
    "api:office-licence-reconciliation": entry(GET=OFFICIALS, params={"pk": "licence"}),
    "api:office-registration-reconciliation": entry(GET=OFFICIALS, params={"pk": "registration"}),
    "api:office-reconciliation-flags": entry(GET=OFFICIALS),
    "api:office-live-hits": entry(GET=OFFICIALS),
    "api:office-live-hits-suspend": entry(POST=OFFICE),
    "api:office-live-hit-dismiss": entry(POST=OFFICE),
    "api:office-reconciliation-flag-explain": entry(POST=OFFICE),
    "api:usage-outside-terms": entry(GET=OFFICIALS),
    "api:denials": entry(GET=OFFICIALS),
    "api:denials-export": entry(GET=OFFICIALS),
    # --- the ministry's assessment (API) ---------------------------------------------------------------------
    "api:assessment": entry(GET=OFFICIALS, POST=MINISTRY),
    "api:assessment-finding": entry(PUT=MINISTRY),
    "api:assessment-advice": entry(POST=MINISTRY),
    # advisor1 wrote the world's advice and may not countersign it: no matrix role may (advisor2 is not one of them).
    "api:assessment-countersign": entry(POST=frozenset(), body={"POST": {"agree": True}}),
    # --- screening (API) -----------------------------------------------------------------------------------
    "api:screening": entry(POST=OFFICIALS),
    "api:office-screening": entry(GET=OFFICIALS),
    "api:office-screening-disposition": entry(POST=OFFICE),
    "api:office-screening-escalation": entry(POST=OFFICE),
    "api:office-serials": entry(GET=OFFICIALS),
    "api:screening-import": entry(POST=ADMINISTRATORS, multipart=True),
    "api:screening-runs": entry(GET=ADMINISTRATORS),
    "api:screening-run": entry(GET=ADMINISTRATORS),
    # --- licences in use (API) -------------------------------------------------------------------------------
    "api:licence-list": entry(GET=SIGNED_IN),
    "api:licence-detail": entry(GET=OWNER | OFFICIALS, params={"pk": "licence"}),
    # The holder's own move (surrender) is tested in tests/licences; here an official's move, which the holder may not make.
    "api:licence-move": entry(
        POST=OFFICE, params={"pk": "licence"}, body={"POST": {"move": "suspend", "reason": "Authorisation matrix."}}, deny={("POST", EXPORTER_A): 403, ("POST", EXPORTER_B): 404, ("POST", CUSTOMS): 404, ("POST", DEFENCE): 404}
    ),
    "api:licence-extend": entry(POST=OFFICE, params={"pk": "licence"}),
    "api:licence-replace": entry(POST=OFFICE, params={"pk": "licence"}),
    # A licence's conditions: the holder and officials read them; the holder meets one (a certificate, a re-import).
    "api:licence-conditions": entry(GET=OWNER | OFFICIALS, params={"pk": "licence"}),
    "api:licence-condition-meet": entry(POST=OWNER, params={"pk": "licence"}, multipart=True),
    "api:standard-texts": entry(GET=OFFICIALS),
    "api:registration-list": entry(GET=SIGNED_IN),
    "api:registration-detail": entry(GET=OWNER | OFFICIALS, params={"pk": "registration"}),
    "api:registration-revoke": entry(POST=OFFICE, params={"pk": "registration"}),
    "api:registration-move": entry(POST=OFFICE, params={"pk": "registration"}),
    "api:usage-reports": entry(GET=EXPORTERS | OFFICIALS, POST=EXPORTERS),
    "api:usage-upload": entry(POST=EXPORTERS, multipart=True),
    "api:usage-periods": entry(POST=EXPORTERS),
    # --- Customs at the border (API) --------------------------------------------------------------------------
    "api:customs-licence": entry(GET=BORDER),
    # --- advice from other bodies: the office and the ministry ask and withdraw; the body asked answers ------------
    "api:office-advice-requests": entry(GET=OFFICIALS, POST=OFFICIALS),
    "api:office-advice-request-withdraw": entry(POST=OFFICIALS),
    "api:advice-requests": entry(GET=BODIES),
    "api:advice-request": entry(GET=BODIES),
    "api:advice-request-answer": entry(POST=BODIES),
    "api:customs-write-off": entry(POST=BORDER),
    "api:customs-write-off-reverse": entry(POST=BORDER),
    # --- reports (API) -------------------------------------------------------------------------------------
    "api:report-export": entry(GET=OFFICIALS),
    "api:report-monthly-export": entry(GET=OFFICIALS),
    "api:report-denial-share": entry(GET=OFFICIALS),
    "api:report-runs": entry(GET=OFFICIALS, POST=OFFICIALS),
    "api:report-run": entry(GET=OFFICIALS, params={"pk": "report_run"}),
    "api:report-aluminium-origins": entry(GET=OFFICIALS),
    "api:report-aluminium-origins-monthly": entry(GET=OFFICIALS),
    # --- the exporter's pages ----------------------------------------------------------------------------------
    "exporter:list": page(EXPORTERS),
    "exporter:new": page(EXPORTERS),
    "exporter:detail": page(OWNER),
    "exporter:edit": page(OWNER),
    "exporter:submit": entry(POST=OWNER),
    "exporter:withdraw": entry(POST=OWNER),
    "exporter:amend": entry(POST=OWNER),
    "exporter:delete": entry(POST=OWNER),
    "exporter:answer": entry(POST=OWNER, body={"POST": ANSWER}),
    "exporter:question-answer": entry(POST=OWNER, body={"POST": ANSWER}),
    "exporter:upload": entry(POST=OWNER, body={"POST": {"doc_type": "other", "file": "pdf"}}, multipart=True),
    "exporter:document": page(OWNER),
    "exporter:document-remove": entry(POST=OWNER),
    "exporter:decision-document": page(OWNER),
    # The guided application: pages over the organisation's own draft (a submitted case is sent to its page).
    "exporter:guided-start": page(EXPORTERS),
    "exporter:guided-tasks": entry(GET=OWNER),
    "exporter:guided-about": page(OWNER),
    "exporter:guided-licence": page(OWNER),
    "exporter:guided-destinations": page(OWNER),
    "exporter:guided-end-use": page(OWNER),
    "exporter:guided-goods": entry(GET=OWNER),
    "exporter:guided-goods-add": page(OWNER),
    "exporter:guided-goods-line": page(OWNER),
    "exporter:guided-goods-remove": page(OWNER),
    "exporter:guided-parties": entry(GET=OWNER),
    "exporter:guided-party-add": page(OWNER),
    "exporter:guided-party": page(OWNER),
    "exporter:guided-party-remove": page(OWNER),
    # Picking from the address book and the goods library (the world's case is submitted: sent to its page), and
    # saving an application's party or goods line into them (any of the organisation's applications; keepers only).
    "exporter:guided-party-pick": entry(GET=OWNER),
    "exporter:guided-goods-pick": entry(GET=OWNER),
    "exporter:guided-party-save": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "exporter:guided-goods-save": entry(POST=OWNER, deny=KEEPERS_ONLY_POST),
    "exporter:guided-documents": entry(GET=OWNER),
    "exporter:guided-check": page(OWNER),
    "exporter:guided-confirmation": entry(GET=OWNER),
    "exporter:guided-copy": entry(POST=OWNER),
    "exporter:objection-lodge": entry(POST=OWNER, body={"POST": {"grounds": "An objection from the authorisation matrix."}}),
    "exporter:objection-letter": entry(GET=OWNER | OFFICIALS, params={"oid": "objection"}),
    "licences:list": page(EXPORTERS),
    "licences:upload": entry(POST=EXPORTERS),
    "licences:detail": page(OWNER),
    "licences:usage": entry(POST=OWNER),
    "licences:declare": entry(POST=OWNER),
    "licences:surrender": entry(POST=OWNER),
    "licences:condition-meet": entry(POST=OWNER),
    # --- the officials' pages ----------------------------------------------------------------------------------
    "office:queue": page(OFFICIALS),
    "office:organisations": page(OFFICE),
    "office:organisation-vet": entry(POST=OFFICE, params={"organisation_id": "pending_organisation"}),
    "office:search": page(OFFICIALS),
    "office:search-save": entry(POST=OFFICIALS),
    # Officer1's saved search: another official's delete finds nothing (404), as for any id not theirs.
    "office:search-delete": entry(POST=frozenset({OFFICER}), params={"saved_id": "saved_search"}, deny={("POST", ADVISOR): 404, ("POST", ADMINISTRATOR): 404}),
    "office:case": page(OFFICIALS),
    "office:claim": entry(POST=OFFICIALS),
    "office:release": entry(POST=OFFICE),
    "office:assign": entry(POST=OFFICIALS),
    "office:refer": entry(POST=OFFICE),
    "office:catch-all": entry(POST=OFFICIALS),
    "office:ask": entry(POST=OFFICIALS),
    "office:note": entry(POST=OFFICIALS, body={"POST": {"text": "A note from the authorisation matrix."}}),
    "office:note-document": page(OFFICIALS),
    "office:set-aside": entry(POST=OFFICE),
    "office:advice-request-ask": entry(POST=OFFICIALS),
    "office:advice-request-withdraw": entry(POST=OFFICIALS),
    "office:document": page(OFFICIALS),
    "office:assessment-start": entry(POST=MINISTRY),
    "office:findings": entry(POST=MINISTRY),
    "office:advice": entry(POST=MINISTRY),
    "office:countersign": entry(POST=frozenset(), body={"POST": {"agree": "1"}}),
    "office:decide": entry(POST=OFFICE),
    "office:decision-countersign": entry(POST=OFFICE, body={"POST": {"proposal": "1", "agree": "1"}}),
    "office:countersign-queue": page(OFFICE),
    "office:decision-document": page(OFFICIALS),
    "office:consultation": entry(POST=OFFICE),
    "office:denials": page(OFFICIALS),
    "office:parliament": page(OFFICIALS),
    "office:overdue": page(OFFICIALS),
    "office:reconciliation-flags": page(OFFICIALS),
    "customs:check": page(BORDER),
    "advice:queue": page(BODIES),
    "advice:detail": page(BODIES),
    "office:live-hits": page(OFFICIALS),
    "office:objections": entry(GET=OFFICIALS),
    "office:objection": entry(GET=OFFICIALS, params={"oid": "objection"}),
    "office:objection-document": entry(GET=OFFICIALS, params={"oid": "objection", "odid": "objection_document"}),
    # As in the API: officer1 decided the case, so the objection's moves refuse it (Awb 7:5); bodies that pass the forms.
    "office:objection-take": entry(POST=ADMINISTRATORS, params={"oid": "objection"}),
    "office:objection-hearing": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"held_on": "2026-01-01", "minutes": "Heard."}}),
    "office:objection-extend": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"reason": "More time."}}),
    "office:objection-decide": entry(POST=ADMINISTRATORS, params={"oid": "objection"}, body={"POST": {"outcome": "unfounded", "reasons": "It stands."}}),
    "office:live-hits-suspend": entry(POST=OFFICE),
    "office:live-hit-dismiss": entry(POST=OFFICE),
    "office:reconciliation-flag-explain": entry(POST=OFFICE),
    "office:licence-reconciliation": page(OFFICIALS, params={"pk": "licence"}),
    "office:licence-condition-document": page(OFFICIALS, params={"pk": "licence"}),
    "office:registration-reconciliation": page(OFFICIALS, params={"pk": "registration"}),
    "screening:serials": page(OFFICIALS),
    "screening:dispose": entry(POST=OFFICE),
    "screening:escalation": entry(POST=OFFICE),
    "screening:runs": page(ADMINISTRATORS),
    "reports:index": page(OFFICIALS),
    "reports:annual": page(OFFICIALS),
    "reports:monthly": page(OFFICIALS),
    "reports:run-start": entry(POST=OFFICIALS),
    "reports:run": page(OFFICIALS, params={"pk": "report_run"}),
    "reports:aluminium": page(OFFICIALS),
    "reports:aluminium-monthly": page(OFFICIALS),
}

# One view class serves every table of the transparency report (licensing/api/reporting_urls.py): each table,
# annual and monthly, is for officials.
for _name in TABLES:
    ACCESS[f"api:report-{_name}"] = entry(GET=OFFICIALS)
    ACCESS[f"api:report-monthly-{_name}"] = entry(GET=OFFICIALS)


# The same action through a page and through the API: the matrix must give both the same roles, since each service
# decides who may make its move (licensing/core/permissions.py). (page, its method) -> (API route, its method).
SAME_ACTION = {
    ("office:claim", "POST"): ("api:office-claim", "POST"),
    ("office:release", "POST"): ("api:office-release", "POST"),
    ("office:assign", "POST"): ("api:office-assign", "POST"),
    ("office:refer", "POST"): ("api:office-refer", "POST"),
    ("office:catch-all", "POST"): ("api:office-catch-all", "POST"),
    ("office:ask", "POST"): ("api:office-question-ask", "POST"),
    ("office:assessment-start", "POST"): ("api:assessment", "POST"),
    ("office:findings", "POST"): ("api:assessment-finding", "PUT"),
    ("office:advice", "POST"): ("api:assessment-advice", "POST"),
    ("office:countersign", "POST"): ("api:assessment-countersign", "POST"),
    ("office:decide", "POST"): ("api:office-decide", "POST"),
    ("office:decision-countersign", "POST"): ("api:office-decision-countersign", "POST"),
    ("office:consultation", "POST"): ("api:consultation-start", "POST"),
    ("screening:dispose", "POST"): ("api:office-screening-disposition", "POST"),
    ("screening:escalation", "POST"): ("api:office-screening-escalation", "POST"),
    ("exporter:submit", "POST"): ("api:application-submit", "POST"),
    ("exporter:withdraw", "POST"): ("api:application-withdraw", "POST"),
    ("exporter:amend", "POST"): ("api:application-amend", "POST"),
    ("exporter:delete", "POST"): ("api:application-detail", "DELETE"),
    ("exporter:answer", "POST"): ("api:application-answer", "POST"),
    ("exporter:question-answer", "POST"): ("api:application-question-answer", "POST"),
    ("office:note", "POST"): ("api:office-note", "POST"),
    ("office:set-aside", "POST"): ("api:office-set-aside", "POST"),
    ("office:advice-request-ask", "POST"): ("api:office-advice-requests", "POST"),
    ("office:advice-request-withdraw", "POST"): ("api:office-advice-request-withdraw", "POST"),
    ("exporter:upload", "POST"): ("api:application-upload", "POST"),
    ("exporter:document-remove", "POST"): ("api:application-document", "DELETE"),
    ("exporter:guided-party-save", "POST"): ("api:application-party-save", "POST"),
    ("exporter:guided-goods-save", "POST"): ("api:application-goods-save", "POST"),
}
