"""
Errors on the pages, said in words and pointing at their field: the one place an error path (`goods[0].value_eur`,
`findings[3].reasoning`, a form field's name) becomes what the error summary shows (includes/error_summary.html):

    {"label": "Goods line 1, Value (EUR)", "message": "Give the value in euro.", "href": "#id_goods-0-value_eur"}

`label` names the field as its form labels it (never a path); `href` goes to the control itself, on this page or on
the page that holds it (the exporter's detail page links into the edit page). A path no form labels is a programming
error made visible: `words` says "" rather than the path, and a test walks every path the validation can produce.
"""
import re
from collections.abc import Callable, Mapping

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.applications.aluminium import ORIGIN_LABELS
from licensing.reference.frameworks import grounds_of

LINE_PATH = re.compile(r"^(goods|parties)\[(\d+)\]\.(\w+)$")
FINDING_PATH = re.compile(r"^findings\[(\d+)\]\.(\w+)$")
# A message with no field of its own: the summary links to the page's main content.
NO_FIELD = ("", "non_field_errors", "__all__")


def error_items(fields: Mapping[str, list], *, words: Callable[[str], str], anchor: Callable[[str], str], page: str = "") -> list[dict]:
    """One summary item per message of `fields` (path -> messages), named by `words(path)` and linked to
    `page#anchor(path)` (`page` empty: this page)."""
    return [
        {"label": "" if path in NO_FIELD else str(words(path)), "href": f"{page}#{anchor(path) if path not in NO_FIELD else 'main'}", "message": str(message)}
        for path, messages in fields.items()
        for message in messages
    ]


def form_error_items(form, *, prefix_words: str = "") -> list[dict]:
    """The summary items of a bound Django form: each field's label, linked to its control's id."""
    items = []
    for name, messages in form.errors.items():
        if name in form.fields:
            bound = form[name]
            label = f"{prefix_words}, {bound.label}" if prefix_words else str(bound.label)
            # Several checkboxes have no id of their own: the first one's (field.html renders them so).
            target = bound.id_for_label or f"{bound.auto_id}_0"
            items += [{"label": label, "href": f"#{target}", "message": str(m)} for m in messages]
        else:
            items += [{"label": prefix_words, "href": "#main", "message": str(m)} for m in messages]
    return items


def form_error_message(form) -> str:
    """A bound form's field errors as one message ("Export date: Write the day before the month."), for a page that
    answers a small form with a message rather than a summary."""
    return " ".join(f"{form.fields[name].label}: {m}" for name, messages in form.errors.items() if name in form.fields for m in messages)


def formset_error_items(formset, *, line_words: Callable[[int], str]) -> list[dict]:
    """The summary items of a formset: each line's fields, named "Goods line 2, Quantity"."""
    items = []
    for index, form in enumerate(formset.forms):
        if form.errors:
            items += form_error_items(form, prefix_words=str(line_words(index)))
    items += [{"label": "", "href": f"#{formset.prefix}", "message": str(m)} for m in formset.non_form_errors()]
    return items


def message_with_fields(exc, *, words: Callable[[str], str] = lambda path: "") -> str:
    """A domain error as one flash message: its message and every field's message under it once, each named in words
    where `words` knows the field ("The advice cannot be given yet. Weighing: write down ...")."""
    details, whole = [], str(exc.message)
    for path, messages in exc.fields.items():
        label = "" if path in NO_FIELD else str(words(path))
        for message in messages:
            if str(message) in whole:  # lazy texts too (a machine's "Give the reason.")
                continue
            details.append(f"{label}: {message}" if label else str(message))
    return " ".join([whole, *details])


# --- an application's paths (the exporter's form, licensing.applications.validation) -----------------------------
def application_anchor(path: str) -> str:
    """The id of the exporter's form field an application error path points at."""
    match = LINE_PATH.match(path)
    if match:
        return f"id_{match[1]}-{match[2]}-{match[3]}"
    return f"id_{path}" if path not in ("goods", "parties", "documents") else path


def line_words(kind: str, index: int) -> str:
    return (_("Goods line %(n)s") if kind == "goods" else _("Party %(n)s")) % {"n": index + 1}


def application_words(path: str) -> str:
    """An application error path in words, as the form labels it: "goods[0].value_eur" is "Goods line 1, Value (EUR)"."""
    from .forms import ApplicationForm, GoodsLineForm, PartyForm  # forms import the reference data's fields

    match = LINE_PATH.match(path)
    if match:
        form = GoodsLineForm if match[1] == "goods" else PartyForm
        name = match[3]
        label = form.base_fields[name].label if name in form.base_fields else APPLICATION_LABELS.get(name, "")
        return f"{line_words(match[1], int(match[2]))}, {label}" if label else line_words(match[1], int(match[2]))
    if path in ApplicationForm.base_fields:
        return str(ApplicationForm.base_fields[path].label)
    return str(APPLICATION_LABELS.get(path, ""))


# Fields the forms add per request (their country choices) and the sections: their words for error messages.
APPLICATION_LABELS = {
    "destinations": gettext_lazy("Destination countries"),
    "origin_country": gettext_lazy("Transit: country of origin"),
    "brokering_value_eur": gettext_lazy("Brokering: value of the service (EUR)"),
    "country": gettext_lazy("Country"),
    **ORIGIN_LABELS,  # the aluminium declaration's, ranked by share (applications.aluminium)
    "goods": gettext_lazy("Goods"),
    "parties": gettext_lazy("Parties"),
    "documents": gettext_lazy("Documents"),
}


# --- the advisor's findings and advice (assessment.services.assessment_submit_draft) -----------------------------
FINDING_FIELD_WORDS = {"finding": gettext_lazy("Finding"), "reasoning": gettext_lazy("Reasoning"), "sub_points": gettext_lazy("Sub-points"), "criterion": gettext_lazy("Criterion")}


def assessment_words(frameworks: list[str]) -> Callable[[str], str]:
    """Words for the assessment form's error paths: "findings[3].reasoning" is "Criterion 3, Reasoning"."""
    from .decisions import AdviceForm

    grounds = {g.number: g for g in grounds_of(frameworks)}

    def words(path: str) -> str:
        match = FINDING_PATH.match(path)
        if match:
            ground = grounds.get(int(match[1]))
            name = capfirst(ground_label(ground)) if ground else match[1]
            return f"{name}, {FINDING_FIELD_WORDS.get(match[2], '')}".rstrip(", ")
        if path == "findings":
            return str(_("Findings"))
        return str(AdviceForm.base_fields[path].label) if path in AdviceForm.base_fields else ""

    return words


def assessment_anchor(path: str) -> str:
    """The id of the assessment form's control: finding_3, reasoning_3, the first sub-point's box, id_advice."""
    match = FINDING_PATH.match(path)
    if match:
        number, name = match[1], match[2]
        return {"reasoning": f"reasoning_{number}", "sub_points": f"sub-points-{number}"}.get(name, f"finding_{number}")
    if path == "findings":
        return "findings"
    return f"id_{path}"


def ground_label(ground) -> str:
    return ground.label_nl if translation.get_language() == "nl" else ground.label_en
