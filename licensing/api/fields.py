from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from licensing.applications.choices import Handler

from licensing.reference.models import Country


class CountryCodeField(serializers.SlugRelatedField):
    """An ISO alpha-2 country code in, the Country out; case-insensitive, with a clear error."""

    default_error_messages = {
        "does_not_exist": _("Unknown country code '{value}'."),
        "invalid": _("Give an ISO 3166 alpha-2 country code."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Country.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.strip().upper())

    def to_representation(self, obj):
        return obj.code


@extend_schema_field(serializers.ChoiceField(choices=Handler.choices, allow_null=True))
class HandlerField(serializers.Field):
    """Who decides, once routed; null before (the column stores '' then)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None
