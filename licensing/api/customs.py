"""The customs interface: check a licence for a declaration, write it off by declaration (MRN) and line, reverse a
write-off. For Customs only: people of the customs role (with their second factor) and the customs systems'
machine tokens (licensing.customs.authentication)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from licensing.customs import selectors, services
from licensing.customs.authentication import CustomsTokenAuthentication
from licensing.customs.models import CustomsWriteOff
from licensing.licences.models import Registration

from .permissions import allow


class CustomsTokenScheme(OpenApiAuthenticationExtension):
    """The schema names the customs systems' machine tokens (registered by being defined: drf-spectacular finds it)."""

    target_class = CustomsTokenAuthentication
    name = "customsToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A customs system's machine token (cst_...), issued by an administrator."}


class CustomsView(APIView):
    authentication_classes = [CustomsTokenAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]


class LineBalanceOut(serializers.Serializer):
    line = serializers.IntegerField(source="number")
    control_entry = serializers.CharField(source="line.control_entry")
    description = serializers.CharField(source="line.description")
    unit = serializers.CharField(source="line.unit")
    quantity = serializers.DecimalField(source="line.quantity", max_digits=14, decimal_places=3, allow_null=True)
    value_eur = serializers.DecimalField(source="line.value_eur", max_digits=16, decimal_places=2)
    written_off_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    written_off_value_eur = serializers.DecimalField(max_digits=16, decimal_places=2)
    remaining_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    remaining_value_eur = serializers.DecimalField(max_digits=16, decimal_places=2)


class DestinationCheckOut(serializers.Serializer):
    destination = serializers.CharField()
    covered = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class CustomsLicenceOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.SerializerMethodField()
    holder = serializers.CharField(source="holder_name")
    holder_eori = serializers.SerializerMethodField()
    status = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    destinations = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    def get_holder_eori(self, obj) -> str:
        return obj.holder.eori_number if obj.holder_id else ""

    def get_destinations(self, obj) -> list[str]:
        return sorted(c.code for c in obj.destinations.all())

    @extend_schema_field(LineBalanceOut(many=True))
    def get_lines(self, obj) -> list[dict]:
        return LineBalanceOut(selectors.line_balances(obj), many=True).data

    def get_kind(self, obj) -> str:
        return "licence"


class CustomsRegistrationOut(serializers.Serializer):
    """A registration for a general licence: no lines and no quantities, but the general licence's terms."""

    number = serializers.CharField()
    kind = serializers.SerializerMethodField()
    general_licence = serializers.CharField(source="general_licence_id")
    holder = serializers.CharField(source="organisation.name")
    holder_eori = serializers.CharField(source="organisation.eori_number")
    status = serializers.CharField()
    valid_from = serializers.DateField(source="registered_on")
    valid_to = serializers.SerializerMethodField()
    destination_rule = serializers.CharField(source="general_licence.destination_rule")
    destinations = serializers.SerializerMethodField(help_text="The destinations it names (with its groups' members); for 'all_except', none.")
    excluded_destinations = serializers.SerializerMethodField()
    movements = serializers.SerializerMethodField()
    conditions = serializers.CharField(source="general_licence.conditions")
    lines = serializers.SerializerMethodField()

    def get_kind(self, obj) -> str:
        return "registration"

    def get_valid_to(self, obj) -> str | None:
        return obj.revoked_on.isoformat() if obj.revoked_on else None

    def get_destinations(self, obj) -> list[str]:
        return selectors.general_licence_destinations(obj.general_licence)

    def get_excluded_destinations(self, obj) -> list[str]:
        return sorted(c.code for c in obj.general_licence.excluded_destinations.all())

    def get_movements(self, obj) -> list[str]:
        return [m.strip() for m in obj.general_licence.movements.split(",") if m.strip()]

    def get_lines(self, obj) -> list:
        return []


class CustomsLicenceView(CustomsView):
    """A licence or a general-licence registration as Customs checks it for a declaration: holder, status, validity,
    destinations and, per licence line, what remains in the line's unit and in euro (what it authorises minus the
    write-offs that stand); a registration has no lines but its general licence's destinations and terms. With
    `?destination=XX` the answer also says whether it covers that destination, and why not."""

    permission_classes = [allow(services.CHECKING)]

    @extend_schema(
        parameters=[OpenApiParameter("destination", str, description="ISO 3166-1 alpha-2: add destination_check for it.")],
        responses=PolymorphicProxySerializer(component_name="CustomsHolding", serializers=[CustomsLicenceOut, CustomsRegistrationOut], resource_type_field_name="kind"),
    )
    def get(self, request, number):
        held = services.holding_for_customs(number)
        body = (CustomsRegistrationOut if isinstance(held, Registration) else CustomsLicenceOut)(held).data
        destination = str(request.query_params.get("destination", "")).strip().upper()[:2]
        if destination:
            reason = services.destination_refusal(held, destination)
            body["destination_check"] = DestinationCheckOut({"destination": destination, "covered": reason is None, "reason": reason}).data
        return Response(body)


class WriteOffIn(serializers.Serializer):
    declaration = serializers.CharField(max_length=40, help_text="The export declaration's MRN (18 characters).")
    licence = serializers.CharField(max_length=40)
    line = serializers.IntegerField(min_value=1, max_value=32767, default=1, help_text="The licence line: 1 for the first; for a registration, the declaration's goods item.")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, default=0, help_text="In the licence line's unit.")
    value_eur = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    destination = serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2 country code.")
    exported_on = serializers.DateField()


class WriteOffOut(serializers.ModelSerializer):
    licence = serializers.CharField(source="number", help_text="The licence's or the registration's number.")
    line = serializers.IntegerField(source="line_number")
    destination = serializers.CharField(source="destination_id")

    class Meta:
        model = CustomsWriteOff
        fields = ["declaration", "licence", "line", "quantity", "value_eur", "destination", "exported_on", "created_at", "reversed_at", "reversal_reason"]


class WriteOffView(CustomsView):
    """Write one goods item of an export declaration off a licence line. 201 when written off; 200 with the same
    answer when the same item was written off before (a retry); 409 when the licence is not active, has expired or
    would be overdrawn, 400 for another destination or a bad MRN; nothing is recorded when refused."""

    permission_classes = [allow(services.WRITING_OFF)]

    @extend_schema(request=WriteOffIn, responses={201: WriteOffOut, 200: WriteOffOut})
    def post(self, request):
        data = WriteOffIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.write_off_record(
            actor=request.user, declaration=values["declaration"], licence_number=values["licence"], line=values["line"], quantity=values["quantity"],
            value_eur=values["value_eur"], destination=values["destination"], exported_on=values["exported_on"],
        )
        return Response(WriteOffOut(result.write_off).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class ReverseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ReversalOut(serializers.Serializer):
    declaration = serializers.CharField()
    write_offs = WriteOffOut(many=True)


class WriteOffReverseView(CustomsView):
    """Reverse the write-offs of an invalidated declaration, with the reason; the licence lines get them back."""

    permission_classes = [allow(services.WRITING_OFF)]

    @extend_schema(request=ReverseIn, responses=ReversalOut)
    def post(self, request, declaration):
        data = ReverseIn(data=request.data)
        data.is_valid(raise_exception=True)
        write_offs = services.write_off_reverse(actor=request.user, declaration=declaration, reason=data.validated_data["reason"])
        return Response(ReversalOut({"declaration": write_offs[0].declaration, "write_offs": write_offs}).data)
