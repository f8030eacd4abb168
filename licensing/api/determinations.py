"""Determinations API: tell any signed-in user whether a transaction needs a licence, and who decides."""
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications.choices import EndUse, GoodsKind, Handler, Movement, Purpose, RecipientType
from licensing.applications.models import Party
from licensing.routing.determination import MAX_PARTIES, Facts, country_code, determine
from licensing.routing.visibility import visible_determination


class PartyCountryIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    country = serializers.CharField(max_length=10, help_text="ISO 3166-1 alpha-2 code of the party's address.")

    def validate_country(self, value):
        return country_code(value)


class DeterminationIn(serializers.Serializer):
    goods_kind = serializers.ChoiceField(choices=GoodsKind.choices)
    movement = serializers.ChoiceField(choices=Movement.choices)
    destination = serializers.CharField(max_length=10, help_text="ISO 3166-1 alpha-2 code, any case (XK for Kosovo).")
    control_entry = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None, max_length=60,
        help_text="ML6, 3A001, ANNEX_II/ANNEX_III/ANNEX_IV, or null. Required for anti-torture goods.",
    )
    value_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=Decimal("0")
    )
    complete_system = serializers.BooleanField(required=False, default=False)
    end_use = serializers.ChoiceField(choices=EndUse.choices, required=False, default=EndUse.CIVIL)
    recipient_type = serializers.ChoiceField(choices=RecipientType.choices, required=False, default=RecipientType.COMPANY)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, default=Purpose.SALE)
    temporary = serializers.BooleanField(required=False, default=False, help_text="Temporary export with re-import duty.")
    catch_all = serializers.BooleanField(
        required=False, default=False, help_text="A catch-all decision (ad-hoc licence requirement) applies."
    )
    parties = PartyCountryIn(
        many=True, required=False, default=list, max_length=MAX_PARTIES,
        help_text="Every party with its country: consignee, end users, intermediate consignee, brokers, agents. Each "
        "party's country counts for the prohibition, who decides and the flags, as the destination does.",
    )
    hs_code = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=14, help_text="Customs code (HS/CN) of the goods, for bans that list goods by code."
    )

    def validate_destination(self, value):
        return country_code(value)

    def validate_control_entry(self, value):
        return (value or "").strip() or None

    def facts(self) -> Facts:
        data = dict(self.validated_data)
        if data["value_eur"] is None:
            data["value_eur"] = Decimal("0")
        data["parties"] = tuple((p["role"], p["country"]) for p in data["parties"])
        return Facts(**data)


class FiredRuleOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class BanOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    regulation = serializers.CharField(help_text="The legal act, e.g. Council Regulation (EU) No 833/2014.")
    article = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    countries = serializers.ListField(child=serializers.CharField(), help_text="The countries of this transaction it names.")


class DeterminationOut(serializers.Serializer):
    licence_required = serializers.BooleanField()
    prohibited = serializers.BooleanField()
    handler = serializers.ChoiceField(choices=Handler.choices, allow_null=True)
    general_licences = serializers.ListField(child=serializers.CharField())
    fast_track_parliament = serializers.BooleanField()
    rules = FiredRuleOut(many=True)
    bans = BanOut(many=True, help_text="The sanctions bans that prohibit the transaction, with their legal source.")
    flagged_countries = serializers.ListField(
        child=serializers.CharField(), help_text="Parties' countries (not the destination) under an arms embargo or a sanctions ban."
    )


ErrorOut = inline_serializer(
    "DeterminationError",
    {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class DeterminationView(APIView):
    """
    POST the facts of one transaction; get whether a licence is required or the transaction is prohibited,
    which general licences cover it, who decides (licensing office or ministry), whether parliament is told,
    and every rule that fired. Nothing is stored.
    """

    @extend_schema(
        operation_id="determinations_create",
        tags=["determinations"],
        request=DeterminationIn,
        responses={200: DeterminationOut, 400: ErrorOut, 401: ErrorOut},
        examples=[
            OpenApiExample(
                "Dual-use export to the US",
                value={"goods_kind": "dual_use", "movement": "export", "destination": "US", "control_entry": "3A001"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = DeterminationIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        determination = determine(serializer.facts())  # InvalidFacts -> 400 in the API's error format
        # as_dict() is DeterminationOut's shape (a test holds them equal); building it directly saves the
        # serializer's per-request field copies on this hot path.
        return Response(visible_determination(determination.as_dict(), request.user))
