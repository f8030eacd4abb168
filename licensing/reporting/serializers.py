"""
The JSON shape of every report table: amounts are decimal strings in euro with two decimals, shares are
percentages with two decimals ("0.49" is 0.49 %). Shared by the API and the report runs, so a run's stored
result is exactly what the table endpoints return.
"""
from rest_framework import serializers


def Amount(**kwargs):
    return serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True, **kwargs)


class PeriodMixin(serializers.Serializer):
    year = serializers.IntegerField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.month is not None:
            data["month"] = instance.month
        return data


class ReportRegionRow(serializers.Serializer):
    region = serializers.CharField()
    value_eur = Amount()
    share = Amount()


class ReportCategoryRow(serializers.Serializer):
    category = serializers.CharField()
    value_eur = Amount()


class ReportCountryRow(serializers.Serializer):
    country = serializers.CharField()
    value_eur = Amount()
    categories = serializers.DictField(child=Amount())


class ReportMilitary(PeriodMixin):
    """Tables 2, 7 and 8. The annual answer has exactly these keys; a monthly one adds `month`."""

    total_eur = Amount()
    by_region = ReportRegionRow(many=True)
    by_category = ReportCategoryRow(many=True)
    by_country = ReportCountryRow(many=True)


class ReportTransit(PeriodMixin):
    """Table 17: by destination x ML category (no regions)."""

    total_eur = Amount()
    by_category = ReportCategoryRow(many=True)
    by_country = ReportCountryRow(many=True)


class ReportDualUseRow(serializers.Serializer):
    kind = serializers.CharField()
    issued_count = serializers.IntegerField()
    issued_value_eur = Amount()
    denied_count = serializers.IntegerField()
    denied_value_eur = Amount(allow_null=True)


class ReportDualUse(PeriodMixin):
    rows = ReportDualUseRow(many=True)
    total = ReportDualUseRow()
    missing = serializers.ListField(child=serializers.CharField())


class ReportAntiTortureRow(serializers.Serializer):
    annex = serializers.CharField()
    licence_count = serializers.IntegerField()
    value_eur = Amount()
    destinations = serializers.ListField(child=serializers.CharField())
    end_use = serializers.CharField(allow_null=True)


class ReportAntiTorture(PeriodMixin):
    rows = ReportAntiTortureRow(many=True)
    missing = serializers.ListField(child=serializers.CharField())


class ReportBrokeringRow(serializers.Serializer):
    licence = serializers.CharField()
    decided_on = serializers.DateField()
    destinations = serializers.ListField(child=serializers.CharField())
    origin = serializers.CharField(allow_null=True)
    control_entries = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    value_eur = Amount()
    replaces = serializers.CharField(allow_null=True)


class ReportBrokering(PeriodMixin):
    total_eur = Amount()
    rows = ReportBrokeringRow(many=True)


class ReportDenialRow(serializers.Serializer):
    reference = serializers.CharField()
    destination = serializers.CharField()
    goods = serializers.CharField()
    control_entry = serializers.CharField()
    quantity = serializers.CharField()
    consignee = serializers.CharField()
    end_user = serializers.CharField()
    denied_on = serializers.DateField()
    criteria = serializers.ListField(child=serializers.IntegerField())
    goods_kind = serializers.CharField(allow_null=True)


class ReportDenials(PeriodMixin):
    rows = ReportDenialRow(many=True)


class ReportParliamentRow(serializers.Serializer):
    licence = serializers.CharField()
    holder = serializers.CharField()
    destinations = serializers.ListField(child=serializers.CharField())
    value_eur = Amount()
    decided_on = serializers.DateField()
    due_on = serializers.DateField()
    sent_on = serializers.DateField(allow_null=True)
    # A plain string in the schema: an enum named after the field would collide with the other "status" enums.
    status = serializers.CharField(help_text="sent_on_time, sent_late, overdue (not sent, past due), pending (not yet due) or not_recorded (imported; sending not recorded)")


class ReportParliament(PeriodMixin):
    due = serializers.IntegerField()
    sent = serializers.IntegerField()
    rows = ReportParliamentRow(many=True)


class ReportUsageRow(serializers.Serializer):
    country = serializers.CharField(allow_null=True, help_text="Destination; origin in a table by origin (null: origin not reported).")
    value_eur = Amount()
    categories = serializers.ListField(child=serializers.CharField(), help_text="ML categories reported for the country.")


class ReportUsage(PeriodMixin):
    title = serializers.CharField()
    by = serializers.ChoiceField(choices=["destination", "origin"])
    available = serializers.BooleanField()
    total_eur = Amount()
    rows = ReportUsageRow(many=True)
    missing = serializers.ListField(child=serializers.CharField())


class ReportGeneralLicences(serializers.Serializer):
    """Tables 9-15 keyed as usage.GENERAL_LICENCE_TABLES: by general licence; NL009 export and NL009_transit."""

    NL003 = ReportUsage()
    NL004 = ReportUsage()
    NL005 = ReportUsage()
    NL006 = ReportUsage()
    NL007 = ReportUsage()
    NL008 = ReportUsage()
    NL009 = ReportUsage()
    NL009_transit = ReportUsage()


class ReportDenialShare(serializers.Serializer):
    year = serializers.IntegerField()
    applied = serializers.IntegerField(help_text="Applications applied for (decided in the year), sondages included.")
    denied = serializers.IntegerField()
    share = Amount()
