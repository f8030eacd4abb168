"""
Phone to desktop: no page scrolls sideways at 320 CSS px (WCAG 2.1 SC 1.4.10, reflow), in Dutch and English,
for the exporter's and the officials' pages; tables may scroll inside their own box. A screenshot of each page at
390 px (a phone) is kept beside the journeys' screenshots.
"""
import pytest
from django.urls import reverse

from licensing.accounts.organisations import invitation_issue, invitation_token
from tests.e2e.conftest import login, screenshot
from tests.factories import application_payload, pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The widest element and its width when the page is wider than the viewport, to say what overflows.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    let worst = null;
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && (!worst || r.right > worst.right)) {
            const scroller = el.closest('table, .site-nav .wrap');
            if (scroller && scroller !== el && scroller.getBoundingClientRect().right <= width + 1) continue;
            worst = {right: Math.round(r.right), tag: el.tagName, cls: el.className, text: (el.innerText || '').slice(0, 60)};
        }
    }
    return {scroll: document.documentElement.scrollWidth, width, worst};
}"""


def _assert_reflows(page, path: str, shots: str, step: str) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(path)
    page.wait_for_load_state()
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["width"], f"{path} scrolls sideways at 320 px: {found}"
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, shots, step)


def _submitted(client) -> int:
    """A submitted application (with its end-user certificate), for the confirmation page."""
    created = client.post("/api/v1/applications/", application_payload(title="Radar spares, submitted"), format="json")
    pk = created.json()["id"]
    assert client.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart").status_code == 201
    assert client.post(f"/api/v1/applications/{pk}/submit/").status_code == 200
    return pk


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_page_scrolls_sideways_at_320_px(reference_db, new_page, api_as, exporter_a, officer, language):
    created = api_as(exporter_a).post("/api/v1/applications/", application_payload(title="Radarreserveonderdelen voor de Noorse marine, met een lange titel"), format="json")
    assert created.status_code == 201, created.content
    application_pk = created.json()["id"]
    submitted_pk = _submitted(api_as(exporter_a))
    invitation = invitation_token(invitation_issue(actor=exporter_a, email="piet@company-a.example", org_role="preparer"))
    anonymous = new_page(language=language)
    _assert_reflows(anonymous, reverse("register"), f"reflow-{language}", "register")
    _assert_reflows(anonymous, reverse("invitation", args=[invitation]), f"reflow-{language}", "invitation")
    exporter = new_page(language=language)
    login(exporter, exporter_a)
    shots = f"reflow-{language}"
    for step, path in [
        ("exporter-list", reverse("exporter:list")),
        ("exporter-new", reverse("exporter:new")),
        ("exporter-detail", reverse("exporter:detail", args=[application_pk])),
        ("exporter-licences", reverse("licences:list")),
        ("determination", reverse("determination") + "?goods_kind=military&movement=export&destination=SA&control_entry=ML5&value_eur=&end_use=military&recipient_type=government&purpose=sale"),
        ("not-found", "/no-such-page/"),
        ("organisation", reverse("organisation")),
        # The guided application: its start, task list, every section page, check your answers and the confirmation.
        ("guided-start", reverse("exporter:guided-start")),
        *[(f"guided-{name}", reverse(f"exporter:guided-{name}", args=[application_pk]))
          for name in ("tasks", "about", "destinations", "end-use", "goods", "goods-add", "parties", "party-add", "documents", "check")],
        ("guided-goods-line", reverse("exporter:guided-goods-line", args=[application_pk, 1])),
        ("guided-confirmation", reverse("exporter:guided-confirmation", args=[submitted_pk])),
    ]:
        _assert_reflows(exporter, path, shots, step)

    official = new_page(language=language)
    login(official, officer)
    for step, path in [
        ("office-queue", reverse("office:queue")),
        ("office-denials", reverse("office:denials")),
        ("office-parliament", reverse("office:parliament")),
        ("office-overdue", reverse("office:overdue")),
        ("reports", reverse("reports:index")),
        ("serials", reverse("screening:serials")),
        ("organisations-to-vet", reverse("office:organisations")),
    ]:
        _assert_reflows(official, path, shots, step)
