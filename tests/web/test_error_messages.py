"""Error messages name fields in words, never paths (`goods 1, value_eur:` is not a message), and every link of an
error summary goes to its field (licensing.web.errors, the one place error paths become words and links)."""
import re
from pathlib import Path

import pytest
from django.utils import translation

from licensing.applications import validation
from licensing.core.errors import DomainError
from licensing.web.errors import application_anchor, application_words, assessment_anchor, assessment_words, error_items, message_with_fields
from tests.factories import application_draft, logged_in, pdf_upload

pytestmark = pytest.mark.django_db

PATH_LIKE = re.compile(r"[\[\]_]|\b(goods|parties) \d")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the tests read the English words; Dutch is the default
        yield



def validation_paths() -> list[str]:
    """Every error path the submission's validation writes, read from its source (a new one is checked too)."""
    source = Path(validation.__file__).read_text()
    paths = set()
    for key in re.findall(r'errors\[(f?"[^"]+")\]', source):
        text = key.lstrip("f").strip('"')
        text = text.replace("{path}", "goods[{index}]").replace("{index}", "1")
        paths.add(text)
    return sorted(paths)


@pytest.mark.parametrize("path", validation_paths())
def test_every_validation_path_is_said_in_words(path):
    words = application_words(path)
    assert words and not PATH_LIKE.search(words), (path, words)


def test_a_goods_line_path_reads_as_the_form_labels_it():
    assert application_words("goods[0].value_eur") == "Goods line 1, Value (EUR)"
    assert application_words("goods[1].first_smelt_country") == "Goods line 2, Country of the most important smelt"  # a field the form adds per request
    assert application_words("parties[2].country") == "Party 3, Country"
    assert application_anchor("goods[0].value_eur") == "id_goods-0-value_eur"


def test_a_message_on_the_case_page_names_its_fields_in_words():
    exc = DomainError("The advice cannot be given yet.", fields={"weighing": ["Write down how the findings were weighed."], "non_field_errors": ["Something else."]})
    from licensing.web.decisions import error_message

    assert error_message(exc) == (
        "The advice cannot be given yet. Weighing of the criteria to be weighed (criteria 5-8, the other considerations): "
        "Write down how the findings were weighed. Something else."
    )
    assert message_with_fields(DomainError("X.", fields={"unknown_field": ["Y."]})) == "X. Y."  # never the raw name


def test_the_assessment_paths_are_said_in_words_and_point_at_their_controls():
    words = assessment_words(["common_position"])
    items = error_items({"findings[3].reasoning": ["Write down the reasoning."], "advice": ["Choose one."]}, words=words, anchor=assessment_anchor)
    assert [item["href"] for item in items] == ["#reasoning_3", "#id_advice"]
    assert [item["label"] for item in items] == ["Criterion 3, Reasoning", "Advice"]


def test_the_submission_errors_on_the_detail_page_link_to_their_fields_on_the_edit_page(exporter_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.factories import application_payload

    payload = application_payload()
    payload["goods"][0]["value_eur"] = None
    draft = application_draft(exporter_a, payload)
    client = logged_in(exporter_a)
    client.post(f"/applications/{draft.pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()})
    page = client.post(f"/applications/{draft.pk}/submit/", follow=True).content.decode()
    summary = page[page.index('class="error-summary"'):]
    summary = summary[: summary.index("</div>")]
    assert "Goods line 1, Value (EUR): Give the value in euro." in summary
    assert "value_eur" not in re.sub(r'href="[^"]*"', "", summary)
    edit = client.get(f"/applications/{draft.pk}/edit/").content.decode()
    links = re.findall(r'<a href="([^"]+)"', summary)
    assert links
    for link in links:
        url, _, anchor = link.partition("#")
        assert url == f"/applications/{draft.pk}/edit/", link
        assert f'id="{anchor}"' in edit, link
