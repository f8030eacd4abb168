from rest_framework import serializers

from licensing.reference.models import Country


class CountryCodeField(serializers.SlugRelatedField):
    """An ISO alpha-2 country code in, the Country out; case-insensitive, with a clear error."""

    default_error_messages = {
        "does_not_exist": "Unknown country code '{value}'.",
        "invalid": "Give an ISO 3166 alpha-2 country code.",
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
