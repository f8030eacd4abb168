"""Forms of the guided application: each section asks a part of the one-page form's fields (forms.ApplicationForm),
so a field is labelled, parsed and named in errors (errors.application_words) the same on both."""
from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.applications.choices import Kind, Movement

from .fields import CountryNameField
from .forms import ApplicationForm


class StartForm(forms.Form):
    """The two answers that decide which sections apply: radios with nothing chosen beforehand."""

    kind = forms.ChoiceField(label=_("What do you apply for?"), choices=Kind.choices, widget=forms.RadioSelect)
    movement = forms.ChoiceField(label=_("Where do the goods go?"), choices=Movement.choices, widget=forms.RadioSelect)


class SectionForm(ApplicationForm):
    """The fields of ApplicationForm that one section asks, and no other."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


class DestinationsForm(SectionForm):
    """The destinations section: its countries are a list kept on the draft, one country added at a time by typing its
    name (CountryNameField), each removed by its own button; the section's other fields (a transit's origin) as asked."""

    def __init__(self, *args, countries: dict, **kwargs):
        super().__init__(*args, countries=countries, **kwargs)
        self.fields["destinations"] = CountryNameField(
            label=_("Add a destination country"), countries=countries, datalist="country-names", required=False,
            help_text=_("Type the country's name or its two-letter code, then add it. Add each destination in turn."),
        )


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("I declare that the information given is correct and complete, and that I may submit it on behalf of my organisation."),
        error_messages={"required": _("Confirm the declaration to submit the application.")},
    )
