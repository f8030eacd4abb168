"""The determination page: is a licence needed for this transaction, and who decides (for exporters and officials).

The page's counterpart of `POST /api/v1/determinations/`: the same facts, the same `determine()`; nothing is
stored. A GET form, so that a result can be bookmarked or sent to a colleague.
"""
import re
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.applications.choices import EndUse, GoodsKind, Handler, Movement, Purpose, RecipientType
from licensing.reference.models import Country, GeneralLicence, in_language
from licensing.routing.determination import MAX_PARTIES, Facts, InvalidFacts, country_code, determine
from licensing.routing.visibility import INTERNAL_RULE_IDS

from .errors import form_error_items
from .fields import AmountField


class DeterminationForm(forms.Form):
    goods_kind = forms.ChoiceField(label=gettext_lazy("Kind of goods"), choices=GoodsKind.choices)
    movement = forms.ChoiceField(label=gettext_lazy("Movement"), choices=Movement.choices)
    destination = forms.CharField(
        label=gettext_lazy("Destination country"),
        max_length=10,
        help_text=gettext_lazy("Two-letter country code, e.g. NO for Norway (XK for Kosovo)."),
        widget=forms.TextInput(attrs={"list": "countries", "autocomplete": "off", "size": 10}),
    )
    control_entry = forms.CharField(
        label=gettext_lazy("Control-list entry"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("e.g. ML6, 3A001, ANNEX_III; leave empty for unlisted goods."),
    )
    value_eur = AmountField(
        label=gettext_lazy("Value (EUR)"), required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2,
        help_text=gettext_lazy("Optional; decides the parliament fast track for complete systems."),
    )
    complete_system = forms.BooleanField(label=gettext_lazy("Complete system"), required=False)
    end_use = forms.ChoiceField(label=gettext_lazy("End use"), choices=EndUse.choices, initial=EndUse.CIVIL)
    recipient_type = forms.ChoiceField(label=gettext_lazy("Recipient"), choices=RecipientType.choices, initial=RecipientType.COMPANY)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Purpose.choices, initial=Purpose.SALE)
    temporary = forms.BooleanField(label=gettext_lazy("Temporary export (goods come back)"), required=False)
    catch_all = forms.BooleanField(label=gettext_lazy("A catch-all decision applies to this transaction"), required=False)
    recipient_countries = forms.CharField(
        label=gettext_lazy("Countries of the consignee and the end users"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Two-letter codes separated by commas, e.g. US, IN; leave empty when they are in the destination."),
    )
    intermediary_countries = forms.CharField(
        label=gettext_lazy("Countries of intermediaries, brokers and agents"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Two-letter codes separated by commas; every party's country counts, as the destination does."),
    )

    @staticmethod
    def _codes(value: str) -> list[str]:
        return [country_code(code) for code in re.split(r"[\s,;]+", value) if code.strip()]

    def clean(self):
        cleaned = super().clean()
        count = sum(len(self._codes(cleaned.get(name) or "")) for name in ("recipient_countries", "intermediary_countries"))
        if count > MAX_PARTIES:
            raise forms.ValidationError(_("Give at most %(count)d countries of parties.") % {"count": MAX_PARTIES})
        return cleaned

    def facts(self) -> Facts:
        data = dict(self.cleaned_data)
        data["destination"] = country_code(data["destination"])
        data["control_entry"] = data["control_entry"].strip() or None
        data["value_eur"] = data["value_eur"] if data["value_eur"] is not None else Decimal("0")
        # The page asks for countries, not parties: recipients stand as end users, intermediaries as intermediate
        # consignees (the roles count only as recipient or intermediary).
        data["parties"] = tuple(
            [("end_user", code) for code in self._codes(data.pop("recipient_countries") or "")]
            + [("intermediate_consignee", code) for code in self._codes(data.pop("intermediary_countries") or "")]
        )
        return Facts(**data)


def _country_names() -> list[tuple[str, str]]:
    return [(code, in_language(en, nl)) for code, en, nl in Country.objects.order_by("code").values_list("code", "name_en", "name_nl")]


def _explained(exc: InvalidFacts, facts: Facts) -> dict[str, list[str]]:
    """The field errors as determine() words them (in the reader's language), the destination's and the entry's
    said the way the page's form asks for them."""
    fields = {name: list(messages) for name, messages in exc.fields.items()}
    if "destination" in fields:
        fields["destination"] = [_("Unknown country code “%(code)s”. Use a two-letter ISO code such as NO or DE.") % {"code": facts.destination}]
    if "parties" in fields:
        # The page's two country fields feed `parties`; the error is shown above the form, naming the codes.
        fields["non_field_errors"] = fields.pop("parties")
    if "control_entry" in fields and facts.control_entry:
        fields["control_entry"] = [
            _("“%(entry)s” cannot be used here:") % {"entry": facts.control_entry} + " " + " ".join(fields["control_entry"])
        ]
    return fields or {"non_field_errors": [exc.message]}


@login_required
def determination_page(request):
    """Answer whether a licence is needed, whether it is prohibited, who decides, and why (every rule that fired)."""
    submitted = "goods_kind" in request.GET
    form = DeterminationForm(request.GET if submitted else None, initial={"goods_kind": GoodsKind.MILITARY, "movement": Movement.EXPORT})
    result = None
    errors = []
    if submitted and form.is_valid():
        facts = form.facts()
        try:
            result = determine(facts)
        except InvalidFacts as exc:
            for name, messages in _explained(exc, facts).items():
                for message in messages:
                    if name in form.fields:
                        form.add_error(name, message)
                    else:
                        form.add_error(None, message)
    if submitted and form.errors:
        errors = form_error_items(form)
    general_licences = []
    if result and result.general_licences:
        names = {code: in_language(en, nl) for code, en, nl in GeneralLicence.objects.filter(code__in=result.general_licences).values_list("code", "name_en", "name_nl")}
        general_licences = [(code, names.get(code, "")) for code in result.general_licences]
    return render(
        request,
        "web/determination.html",
        {
            "form": form,
            "result": result,
            "handler": Handler(result.handler).label if result and result.handler else None,
            "general_licences": general_licences,
            "rules": [r for r in result.rules if request.user.is_official or r.id not in INTERNAL_RULE_IDS] if result else [],
            "errors": errors,
            "countries": _country_names(),
        },
    )
