"""POST /api/v1/determinations/: the contract other systems rely on."""
import pytest
import yaml

URL = "/api/v1/determinations/"
# The answer may gain keys, never lose them: bans and flagged_countries came with issues 19 and 23.
KEYS = {"licence_required", "prohibited", "handler", "general_licences", "fast_track_parliament", "rules", "bans", "flagged_countries"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter(api_as, exporter_a):
    return api_as(exporter_a)


def post(client, **body):
    return client.post(URL, body, format="json")


def test_anonymous_gets_401_in_the_error_format(api_client):
    response = post(api_client, goods_kind="military", movement="export", destination="US")
    assert response.status_code == 401
    assert set(response.json()) == {"status", "code", "detail", "fields"}


def test_any_signed_in_user_may_ask(api_as, exporter_a, officer):
    for user in (exporter_a, officer):
        assert post(api_as(user), goods_kind="military", movement="export", destination="US").status_code == 200


def test_only_the_three_required_fields_and_the_exact_response_keys(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="US")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert body["licence_required"] is True and body["prohibited"] is False
    assert body["handler"] == "licensing_office"
    assert body["general_licences"] == [] and body["fast_track_parliament"] is False
    assert all(set(r) == {"id", "text"} for r in body["rules"])
    assert "military.licence_required" in [r["id"] for r in body["rules"]]


def test_defaults_are_value_zero_not_complete_civil_company_sale(exporter):
    # With the defaults a large-system fast track cannot fire and EU001 is offered (civil end use, company).
    body = post(exporter, goods_kind="dual_use", movement="export", destination="US", control_entry="3A001").json()
    assert body["general_licences"] == ["EU001"] and body["handler"] == "licensing_office"
    body = post(exporter, goods_kind="military", movement="export", destination="IN", control_entry="ML6").json()
    assert body["fast_track_parliament"] is False


@pytest.mark.parametrize("missing", ["goods_kind", "movement", "destination"])
def test_required_fields(exporter, missing):
    body = {"goods_kind": "military", "movement": "export", "destination": "US"}
    del body[missing]
    response = exporter.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "code", "detail", "fields"}
    assert missing in response.json()["fields"]


def test_full_body_with_fast_track(exporter):
    response = post(
        exporter, goods_kind="military", movement="export", destination="in", control_entry="ML6", value_eur="2500000.00",
        complete_system=True, end_use="military", recipient_type="armed_forces", purpose="sale",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["fast_track_parliament"] is True and body["handler"] == "ministry"
    assert "fast_track.parliament" in [r["id"] for r in body["rules"]]


def test_lower_case_country_codes_are_accepted(exporter):
    assert post(exporter, goods_kind="military", movement="export", destination=" de ").json()["handler"] == "licensing_office"


def test_handler_is_null_without_licence_and_when_prohibited(exporter):
    assert post(exporter, goods_kind="unlisted", movement="export", destination="CN").json()["handler"] is None
    body = post(exporter, goods_kind="anti_torture", movement="export", destination="US", control_entry="ANNEX_II").json()
    assert body["prohibited"] is True and body["handler"] is None


def test_unknown_country_is_a_400_on_destination(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="XX")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert list(body["fields"]) == ["destination"]
    assert "XX" in body["fields"]["destination"][0]


def test_unknown_control_entry_is_a_400_on_control_entry(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="US", control_entry="ML99")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["control_entry"]
    assert response.json()["fields"]["control_entry"][0]


def test_entry_that_does_not_fit_the_goods_kind_is_a_400(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="US", control_entry="3A001")
    assert response.status_code == 400
    assert "3A001" in response.json()["fields"]["control_entry"][0]
    assert post(exporter, goods_kind="dual_use", movement="export", destination="US", control_entry="ML6").status_code == 400
    assert post(exporter, goods_kind="unlisted", movement="export", destination="US", control_entry="ML6").status_code == 400


def test_anti_torture_without_annex_is_a_400(exporter):
    response = post(exporter, goods_kind="anti_torture", movement="export", destination="US")
    assert response.status_code == 400
    assert "annex" in response.json()["fields"]["control_entry"][0].lower()


def test_both_wrong_fields_are_reported_at_once(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="XX", control_entry="ML99")
    assert set(response.json()["fields"]) == {"destination", "control_entry"}


@pytest.mark.parametrize(
    "field, value",
    [("goods_kind", "weapons"), ("movement", "import"), ("end_use", "fun"), ("recipient_type", "alien"),
     ("purpose", "gift"), ("value_eur", "-1"), ("value_eur", "lots"), ("complete_system", "perhaps")],
)
def test_invalid_values_are_400_on_their_field(exporter, field, value):
    body = {"goods_kind": "military", "movement": "export", "destination": "US", field: value}
    response = exporter.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_null_control_entry_and_null_value_are_accepted(exporter):
    response = post(exporter, goods_kind="military", movement="export", destination="US", control_entry=None, value_eur=None)
    assert response.status_code == 200


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/determinations/"]["post"]
    assert "200" in operation["responses"] and "400" in operation["responses"]


def test_the_response_is_exactly_what_the_output_serializer_describes():
    from licensing.api.determinations import DeterminationOut
    from licensing.routing.determination import Facts, determine

    for facts in (
        Facts(goods_kind="dual_use", movement="export", destination="US", control_entry="3A001"),
        Facts(goods_kind="anti_torture", movement="export", destination="US", control_entry="ANNEX_II"),
        Facts(goods_kind="unlisted", movement="transit", destination="CN"),
    ):
        d = determine(facts)
        assert DeterminationOut(d).data == d.as_dict()
