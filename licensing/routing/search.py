"""The office's search: one box (licensing.applications.search finds the words) and the filters beside it, read by
one form for the search page and the API (`GET /api/v1/office/search/`), so both accept and refuse the same things.
Results are rows of the queue (queue_values/queue_rows): status, days left, answer received, in three queries a
page whatever it holds."""
from django import forms
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from licensing.accounts.models import Role
from licensing.applications.choices import Handler, Kind
from licensing.applications.models import Application, Status
from licensing.applications.search import matching
from licensing.applications.selectors import applications_visible_to

from .selectors import FLAGS, with_flag

OFFICIALS = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)
MAX_QUERY = 200  # characters: a reference, a name and a serial number fit; a pasted page does not
COUNT_CAP = 1000  # matches counted at most: a broad word ("military") matches a third of a million cases


class CappedPaginator(Paginator):
    """A paginator that counts matches only up to COUNT_CAP + 1 (`capped` then says there are more), without the
    sort: counting every match of a broad word took 114 against 17 ms for the capped count at 50,000 applications,
    and grows with the table. The pages beyond the cap are not offered; the search is to be narrowed."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Reference, organisation, party, goods, control entry, serial or lot number"), max_length=MAX_QUERY, required=False)
    status = forms.MultipleChoiceField(label=_("Status"), choices=[(s.value, s.label) for s in Status if s != Status.DRAFT], required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.MultipleChoiceField(label=_("Kind"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple)
    handler = forms.ChoiceField(label=_("Desk"), choices=[("", _("Any")), *Handler.choices], required=False)
    claimed = forms.ChoiceField(
        label=_("Handled by"), choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody"))], required=False
    )
    claimed_by = forms.ModelChoiceField(label=_("Colleague"), queryset=get_user_model().objects.none(), required=False, to_field_name="username")
    flag = forms.ChoiceField(label=_("Flag"), choices=[("", _("Any")), *((f, f) for f in FLAGS)], required=False)
    deadline_before = forms.DateField(label=_("Deadline on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Officials only: a handler is a colleague, never an exporter.
        self.fields["claimed_by"].queryset = get_user_model().objects.filter(role__in=OFFICIALS, is_active=True).order_by("username")
        # The flags' names as the queue shows them (one template holds their words).
        label = get_template("includes/flag_label.html")
        self.fields["flag"].choices = [("", _("Any")), *((f, label.render({"flag": f}).strip()) for f in FLAGS)]

    def is_blank(self) -> bool:
        """Nothing asked: the page shows the form, not every case."""
        return not any(self.cleaned_data.get(name) for name in self.fields)


def cases_found(user, data: dict) -> QuerySet[Application]:
    """The cases this official may see that match the form's cleaned `data`, newest submission first."""
    cases = applications_visible_to(user)
    if data.get("q"):
        cases = matching(cases, data["q"])
    if data.get("status"):
        cases = cases.filter(status__in=data["status"])
    if data.get("kind"):
        cases = cases.filter(kind__in=data["kind"])
    if data.get("handler"):
        cases = cases.filter(handler=data["handler"])
    if data.get("claimed") == "me":
        cases = cases.filter(claimed_by=user)
    elif data.get("claimed") == "none":
        cases = cases.filter(claimed_by__isnull=True)
    if data.get("claimed_by"):
        cases = cases.filter(claimed_by=data["claimed_by"])
    if data.get("flag"):
        cases = with_flag(cases, data["flag"])
    if data.get("deadline_before"):
        cases = cases.filter(deadline_at__date__lte=data["deadline_before"])
    return cases.order_by("-submitted_at", "-id")
