"""The screening API: who may use it, the POST /api/v1/screening/ contract, an application's hits, the
serial-number search, list uploads with the re-screen's progress; and that the exporter never sees screening."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.screening.models import RunStatus, ScreeningHit

from .conftest import EU_SAMPLE, parties

pytestmark = pytest.mark.django_db

ROSOBORONEXPORT = {"destinations": ["NO"], "parties": parties(consignee=("АО Рособоронэкспорт", "RU"))}


# --- POST /api/v1/screening/ -------------------------------------------------------------------------
def test_screening_a_name_returns_matches_best_first_in_the_agreed_shape(eu_list, officer, api_as):
    response = api_as(officer).post("/api/v1/screening/", {"name": "Rosoboronexprot", "country": "RU"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["matches"]
    [match] = body["matches"]
    assert set(match) == {"list", "reference", "name", "score", "matched_name"}
    assert (match["list"], match["reference"], match["name"], match["matched_name"]) == ("sanctions", "900101", "Rosoboronexport", "Rosoboronexport")
    assert 0.85 <= match["score"] <= 1.0


def test_matches_are_ordered_by_score(eu_list, import_list, officer, api_as):
    from .conftest import FTM_SAMPLE

    import_list(FTM_SAMPLE, "ftm")
    matches = api_as(officer).post("/api/v1/screening/", {"name": "Alfa Trade Logistica", "country": None}, format="json").json()["matches"]
    assert matches and [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)


def test_denials_are_reported_as_such(officer, api_as):
    from datetime import date

    from licensing.denials.models import DenialRegisterEntry

    DenialRegisterEntry.objects.create(
        reference="FR-2024-3", notifying_state_id="FR", notified_on=date(2024, 5, 1), destination_id="AE",
        goods_description="Night-vision goggles", control_entry="ML15", consignee="Desert Optics Trading", criteria=[7],
    )
    matches = api_as(officer).post("/api/v1/screening/", {"name": "Desert Optics Trading LLC", "country": "AE"}, format="json").json()["matches"]
    assert [(m["list"], m["reference"]) for m in matches] == [("denials", "FR/FR-2024-3")]


def test_no_match_is_an_empty_list(eu_list, advisor, api_as):
    response = api_as(advisor).post("/api/v1/screening/", {"name": "Royal Norwegian Navy", "country": "NO"}, format="json")
    assert response.status_code == 200 and response.json() == {"matches": []}


@pytest.mark.parametrize(
    "body, field",
    [({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 301}, "name"), ({"name": "Acme", "country": "ZZ"}, "country"), ({"name": "Acme", "country": 7}, "country")],
)
def test_bad_input_is_a_400_in_the_error_format(officer, api_as, body, field):
    response = api_as(officer).post("/api/v1/screening/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_exporters_are_refused_and_anonymous_users_must_log_in(exporter_a, api_as, api_client):
    assert api_as(exporter_a).post("/api/v1/screening/", {"name": "Rosoboronexport"}, format="json").status_code == 403
    assert api_client.post("/api/v1/screening/", {"name": "Rosoboronexport"}, format="json").status_code == 401


# --- An application's hits ------------------------------------------------------------------------------
def test_officials_read_an_applications_hits_and_flags(eu_list, exporter_a, advisor, submit, api_as):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    body = api_as(advisor).get(f"/api/v1/office/applications/{application.pk}/screening/").json()
    assert body["screened_at"] and "false positive" in body["blocker"]
    [hit] = body["hits"]
    assert hit["party"]["role"] == "consignee" and hit["list"] == "sanctions" and hit["reference"] == "900101" and hit["disposition"] == "open"
    assert [f["kind"] for f in body["flags"]] == ["screening_hit"]


def test_a_hit_of_another_application_cannot_be_disposed_of_here(eu_list, exporter_a, officer, submit, api_as):
    listed = submit(exporter_a, **ROSOBORONEXPORT)
    clean = submit(exporter_a)
    hit = ScreeningHit.objects.get(application=listed)
    response = api_as(officer).post(f"/api/v1/office/applications/{clean.pk}/screening/{hit.pk}/disposition/", {"disposition": "true_match"}, format="json")
    assert response.status_code == 404


# --- The exporter never sees screening ------------------------------------------------------------------
def test_the_exporter_sees_no_screening_detail_anywhere(eu_list, exporter_a, submit, api_as, client):
    application = submit(exporter_a, **ROSOBORONEXPORT, goods=[{"goods_kind": "military", "description": "Boards", "control_entry": "ML11", "quantity": "1", "value_eur": "10", "hs_code": "8542.31"}])
    assert ScreeningHit.objects.filter(application=application).exists()
    exporter = api_as(exporter_a)
    for url in (f"/api/v1/applications/{application.pk}/", f"/api/v1/applications/{application.pk}/history/", "/api/v1/applications/"):
        response = exporter.get(url)
        assert response.status_code == 200
        text = response.content.decode().lower()
        assert "screening" not in text and "rosoboronexport" not in text and "900101" not in text and "hits" not in text
    for method, url in (
        ("get", f"/api/v1/office/applications/{application.pk}/screening/"),
        ("post", f"/api/v1/office/applications/{application.pk}/screening/1/disposition/"),
        ("get", "/api/v1/office/serials/?q=SN-1"),
        ("get", "/api/v1/screening/runs/"),
        ("post", "/api/v1/screening/imports/"),
    ):
        assert getattr(exporter, method)(url).status_code == 403, url
    client.force_login(exporter_a)
    page = client.get(f"/applications/{application.pk}/")
    assert page.status_code == 200
    assert b"Rosoboronexport" not in page.content and b"creening" not in page.content
    for url in ("/screening/runs/", "/screening/serials/?q=SN-1"):
        assert client.get(url).status_code == 403


# --- Serial and lot numbers -----------------------------------------------------------------------------
def test_officials_find_a_serial_number_across_applications(exporter_a, exporter_b, officer, submit, api_as):
    first = submit(exporter_a)  # serial numbers SN-1 .. SN-4 on its first line
    second = submit(exporter_b, goods=[{"goods_kind": "military", "description": "Spare module", "control_entry": "ML5", "quantity": "1", "value_eur": "10", "serial_numbers": "sn 1", "lot_numbers": "LOT-2024-07\nLOT-2024-08"}])
    client = api_as(officer)
    results = client.get("/api/v1/office/serials/", {"q": "SN-1"}).json()["results"]
    assert [(r["application_reference"], r["goods_line"]["position"], r["value"], r["kind"]) for r in results] == [
        (first.reference, 0, "SN-1", "serial"),
        (second.reference, 0, "sn 1", "serial"),
    ]
    assert results[0]["licence_number"] is None and results[0]["goods_line"]["description"] == "Radar transmitter module"
    [lot] = client.get("/api/v1/office/serials/", {"q": "lot 2024 08"}).json()["results"]
    assert (lot["application_id"], lot["kind"]) == (second.pk, "lot")
    assert client.get("/api/v1/office/serials/", {"q": "SN-9"}).json() == {"results": [], "shipments": []}
    assert client.get("/api/v1/office/serials/", {"q": " - "}).status_code == 400


def test_the_serial_search_shows_the_licence_number(exporter_a, officer, submit, api_as):
    application = submit(exporter_a)
    client = api_as(officer)
    assert client.post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    response = client.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert response.status_code == 201, response.json()
    [result] = client.get("/api/v1/office/serials/", {"q": "SN-3"}).json()["results"]
    assert result["licence_number"] == response.json()["licence_number"] and result["status"] == "issued"


def test_serial_search_uses_the_index(exporter_a, submit, django_assert_max_num_queries):
    from licensing.screening.selectors import serial_search

    submit(exporter_a)
    with django_assert_max_num_queries(1):
        assert len(serial_search("SN-2")) == 1


# --- Imports and runs -------------------------------------------------------------------------------------
def upload(path=EU_SAMPLE, content=None):
    return SimpleUploadedFile(path.name, content if content is not None else path.read_bytes(), content_type="application/xml")


def test_an_administrator_uploads_a_list_and_follows_the_re_screen(administrator, exporter_a, submit, api_as, django_capture_on_commit_callbacks):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    client = api_as(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/screening/imports/", {"format": "eu-xml", "file": upload()}, format="multipart")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    run = client.get(f"/api/v1/screening/runs/{response.json()['id']}/").json()
    assert (run["status"], run["created"], run["total"], run["done"], run["progress"], run["started_by"]) == ("done", 7, 1, 1, 100, "admin1")
    assert [r["id"] for r in client.get("/api/v1/screening/runs/").json()["results"]][0] == run["id"]
    assert ScreeningHit.objects.filter(application=application, entry_reference="900101").exists()
    assert client.get("/api/v1/screening/runs/999999/").status_code == 404


def test_a_bad_upload_fails_with_its_errors(administrator, api_as, django_capture_on_commit_callbacks):
    client = api_as(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/screening/imports/", {"format": "eu-xml", "file": upload(content=b"<export><oops>")}, format="multipart")
    run = client.get(f"/api/v1/screening/runs/{response.json()['id']}/").json()
    assert run["status"] == RunStatus.FAILED and "not well-formed" in run["errors"][0]
    bad = client.post("/api/v1/screening/imports/", {"format": "csv", "file": upload()}, format="multipart")
    assert bad.status_code == 400 and "format" in bad.json()["fields"]


def test_only_administrators_import_lists(officer, api_as):
    client = api_as(officer)
    assert client.post("/api/v1/screening/imports/", {"format": "eu-xml", "file": upload()}, format="multipart").status_code == 403
    assert client.get("/api/v1/screening/runs/").status_code == 403


def test_single_screens_read_the_denial_register_again_only_after_a_denial_changed(officer, api_as, monkeypatch):
    from datetime import date

    from licensing.denials.models import DenialRegisterEntry
    from licensing.screening import lists

    reads = []
    real = lists.denials_refresh
    monkeypatch.setattr(lists, "denials_refresh", lambda **kwargs: reads.append(1) or real(**kwargs))
    client = api_as(officer)
    body = {"name": "Desert Optics Trading LLC", "country": "AE"}
    assert client.post("/api/v1/screening/", body, format="json").json() == {"matches": []}
    before = len(reads)
    client.post("/api/v1/screening/", body, format="json")
    assert len(reads) == before  # nothing changed: no aggregate over the register
    DenialRegisterEntry.objects.create(
        reference="FR-2024-4", notifying_state_id="FR", notified_on=date(2024, 5, 1), destination_id="AE",
        goods_description="Night-vision goggles", control_entry="ML15", consignee="Desert Optics Trading", criteria=[7],
    )
    matches = client.post("/api/v1/screening/", body, format="json").json()["matches"]
    assert len(reads) == before + 1 and [m["reference"] for m in matches] == ["FR/FR-2024-4"]
