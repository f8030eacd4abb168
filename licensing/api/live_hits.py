"""Officials' API of the live licences that a re-screen found on a list: the list of hits, the bulk suspension (each
holder gets its letter) and dismissing a false alarm."""
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.licences import live_screening
from licensing.licences.models import LiveHit

from .pagination import Pagination
from .permissions import IsOfficial, allow


class LiveHitOut(serializers.ModelSerializer):
    licence = serializers.CharField(source="number", help_text="The licence's or registration's number.")
    licence_kind = serializers.SerializerMethodField()
    licence_id = serializers.IntegerField(allow_null=True)
    registration_id = serializers.IntegerField(allow_null=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = LiveHit
        fields = [
            "id", "run", "licence", "licence_kind", "licence_id", "registration_id", "holder", "party_role", "party_name", "party_country", "source", "list_kind",
            "entry_reference", "entry_name", "matched_name", "score", "found_at", "status", "note",
        ]

    def get_licence_kind(self, obj) -> str:
        return "licence" if obj.licence_id else "registration"

    def get_holder(self, obj) -> str:
        return obj.licence.holder_name if obj.licence_id else obj.registration.organisation.name


class LiveHitListView(generics.ListAPIView):
    """Open hits of active licences and registrations after a list import (`?run=` one run's), newest first."""

    permission_classes = [IsOfficial]
    serializer_class = LiveHitOut
    pagination_class = Pagination

    def get_queryset(self):
        hits = live_screening.open_hits()
        run = self.request.query_params.get("run", "")
        return hits.filter(run_id=int(run)) if run.isdigit() else hits


class SuspendIn(serializers.Serializer):
    licences = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=live_screening.BULK_MAX, required=False, default=list,
                                     help_text="Ids of licences with an open hit.")
    registrations = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=live_screening.BULK_MAX, required=False, default=list,
                                          help_text="Ids of general-licence registrations with an open hit.")
    reason = serializers.CharField(max_length=5000, help_text="The reason the holders read in their letters.")


class RefusedOut(serializers.Serializer):
    licence = serializers.CharField()
    reason = serializers.CharField()


class SuspendOut(serializers.Serializer):
    suspended = serializers.ListField(child=serializers.CharField())
    refused = RefusedOut(many=True)


class LiveHitSuspendView(APIView):
    """Suspend licences and registrations with open hits in bulk (the suspend move: an event and a letter to each
    holder). Each on its own: those that cannot be suspended are listed with the reason, the others are suspended."""

    permission_classes = [allow(live_screening.HANDLING)]

    @extend_schema(request=SuspendIn, responses=SuspendOut)
    def post(self, request):
        data = SuspendIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = live_screening.licences_suspend_for_hits(
            actor=request.user, licence_ids=data.validated_data["licences"], registration_ids=data.validated_data["registrations"], reason=data.validated_data["reason"]
        )
        return Response(SuspendOut({"suspended": [l.number for l in result.suspended], "refused": [{"licence": n, "reason": r} for n, r in result.refused]}).data)


class DismissIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class LiveHitDismissView(APIView):
    """A false alarm: the hit closes with the reason."""

    permission_classes = [allow(live_screening.HANDLING)]

    @extend_schema(request=DismissIn, responses=LiveHitOut)
    def post(self, request, hid):
        hit = live_screening.hit_get(hid)
        data = DismissIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(LiveHitOut(live_screening.hit_dismiss(actor=request.user, hit=hit, note=data.validated_data["note"])).data)
