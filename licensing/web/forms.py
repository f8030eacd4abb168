"""Forms of the exporter's pages. They parse input only; services.py writes."""
from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.applications.aluminium import ORIGIN_LABELS
from licensing.applications.choices import EndUse, GoodsKind, Kind, Movement, Purpose
from licensing.applications.models import Document, GoodsLine, Party
from licensing.reference.models import GeneralLicence

from .fields import AmountField, CountriesField, CountryChoiceField, DateField


def _choose(choices) -> list:
    """A choice with nothing chosen yet: the exporter picks what is legally relevant, the form never does."""
    return [("", _("— choose —"))] + list(choices.choices)


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of application"), choices=_choose(Kind))
    movement = forms.ChoiceField(label=_("Movement"), choices=_choose(Movement))
    title = forms.CharField(label=_("Your title"), required=False, max_length=200)
    end_use = forms.ChoiceField(label=_("End use"), choices=_choose(EndUse))
    end_use_description = forms.CharField(label=_("Describe the end use"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=_choose(Purpose))
    temporary = forms.BooleanField(label=_("Temporary export (goods come back)"), required=False)
    reimport_date = DateField(label=_("Re-import date"), required=False)
    repaired_goods_from_netherlands = forms.NullBooleanField(
        label=_("Repair: were these goods earlier delivered from the Netherlands?"),
        required=False,
    )
    general_licence = forms.ModelChoiceField(
        label=_("General licence (registration only)"), queryset=GeneralLicence.objects.filter(active=True), required=False, to_field_name="code"
    )
    conditions_confirmed = forms.BooleanField(label=_("I confirm we meet the general licence's conditions"), required=False)

    def __init__(self, *args, countries: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_country"] = CountryChoiceField(label=_("Transit: country of origin"), countries=countries, required=False)
        self.fields["brokering_value_eur"] = AmountField(label=_("Brokering: value of the service (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2)
        self.fields["destinations"] = CountriesField(
            label=_("Destination countries"), countries=countries, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
        )


class ProductForm(forms.Form):
    """A product's fields (models.Product): a goods line's and a goods-library item's, asked and checked alike."""

    goods_kind = forms.ChoiceField(label=_("Kind of goods"), choices=_choose(GoodsKind))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    control_entry = forms.CharField(label=_("Control-list entry"), required=False, max_length=60, help_text=_("e.g. ML6, 3A001, ANNEX_III"))
    unit = forms.ChoiceField(label=_("Unit"), choices=GoodsLine.Unit.choices)
    complete_system = forms.BooleanField(label=_("Complete system"), required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), required=False, max_length=200)
    part_number = forms.CharField(label=_("Part number"), required=False, max_length=100)
    hs_code = forms.RegexField(label=_("HS code"), regex=r"^[0-9]{4}([.]?[0-9]{2}){0,3}$", required=False, max_length=12)
    is_aluminium = forms.BooleanField(
        label=_("Aluminium product"), required=False, help_text=_("Lines with an HS code of chapter 76 count as aluminium too.")
    )


class GoodsLineForm(ProductForm):
    quantity = AmountField(label=_("Quantity"), required=False, min_value=0, max_digits=14, decimal_places=3)
    value_eur = AmountField(label=_("Value (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    serial_numbers = forms.CharField(label=_("Serial numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lot_numbers = forms.CharField(label=_("Lot numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = [
        "goods_kind", "description", "control_entry", "quantity", "unit", "value_eur", "complete_system", "manufacturer", "part_number",
        "serial_numbers", "lot_numbers", "hs_code", "is_aluminium",
    ]

    def __init__(self, *args, countries: dict, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked of aluminium goods only (applications.aluminium): the service refuses them on other lines.
        for name, label in ORIGIN_LABELS.items():
            self.fields[name] = CountryChoiceField(label=label, countries=countries, required=False, help_text=_("Aluminium goods only."))


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_choose(Party.Role))
    name = forms.CharField(label=_("Name"), max_length=300)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    party_type = forms.ChoiceField(label=_("Type"), choices=Party.PartyType.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    certificate_number = forms.CharField(label=_("Certificate number (certified company)"), required=False, max_length=60)

    def __init__(self, *args, countries: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = CountryChoiceField(label=_("Country"), countries=countries, required=False)


class LibraryItemForm(ProductForm):
    """An item of the goods library: a goods line's product fields (ProductForm), the usual value of one unit and the
    ruling on the product, chosen among the organisation's classification requests that were ruled on."""

    unit_value_eur = AmountField(label=_("Usual value of one unit (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, rulings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruling"] = forms.TypedChoiceField(
            label=_("Classification ruling"), required=False, coerce=int, empty_value=None,
            choices=[("", _("— none —"))] + [(r.pk, ruling_words(r)) for r in rulings],
            help_text=_("Your classification request that received a ruling on this product, if any."),
        )


def ruling_words(application) -> str:
    """A ruling as the exporter reads it: its reference and the entry it ruled (or that the item is not listed)."""
    decision = getattr(application, "decision", None)
    if decision is None:
        return application.reference
    entry = _("not listed") if decision.ruling_not_listed else decision.ruling_entry
    return f"{application.reference}: {entry}"


GoodsFormSet = forms.formset_factory(GoodsLineForm, extra=0, can_delete=True, max_num=500, validate_max=True)
PartyFormSet = forms.formset_factory(PartyForm, extra=0, can_delete=True, max_num=100, validate_max=True)


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Kind of document"), choices=Document.DocType.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document, at most 20 MB."))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)
