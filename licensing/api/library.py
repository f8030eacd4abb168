"""The organisation's address book and goods library (issue 20.1): its people read them, its administrators and
preparers keep them; an agent those of the organisation named in X-Acting-For. Another organisation's entry is not
there (404). The rules are licensing.applications.library's; the input is checked by the party's and the goods
line's serializers (PartyIn, ProductIn), as a party or line typed into an application is."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications import library, selectors
from licensing.applications.models import PARTY_DETAILS, PRODUCT_FIELDS, AddressBookEntry, Application, LibraryItem

from .applications import PartyIn, ProductIn
from .permissions import IsExporter


class KeepsLibrary(IsExporter):
    """Everyone of the organisation reads; only its administrators and preparers write (before the body is read)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and (request.method in SAFE_METHODS or library.may_keep(request.user))


def _documented(entry_in, entry_out):
    """The schema of a _Keeping viewset's writes: what they take (`entry_in`) and answer (`entry_out`)."""
    return extend_schema_view(
        create=extend_schema(request=entry_in, responses={201: entry_out}),
        update=extend_schema(request=entry_in, responses=entry_out),
        partial_update=extend_schema(request=entry_in, responses=entry_out),
        destroy=extend_schema(responses={204: None}),
    )


# --- the address book -------------------------------------------------------------------------------------------
class AddressBookEntryIn(PartyIn):
    """An address-book entry: exactly a party's fields, checked as a party's are."""


class AddressBookEntryOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", allow_null=True)

    class Meta:
        model = AddressBookEntry
        fields = ["id", *PARTY_DETAILS, "created_at", "updated_at"]


class _Keeping:
    """Create, change (PUT and PATCH) and remove through the service; the queryset is the organisation's own."""

    entry_in: type[serializers.Serializer]
    entry_out: type[serializers.Serializer]

    def _save(self, request, instance=None, partial=False):
        data = self.entry_in(data=request.data, partial=partial, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self.save(request.user, data.validated_data, instance)

    def create(self, request):
        return Response(self.entry_out(self._save(request)).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        return Response(self.entry_out(self._save(request, self.get_object())).data)

    def partial_update(self, request, pk=None):
        return Response(self.entry_out(self._save(request, self.get_object(), partial=True)).data)

    def destroy(self, request, pk=None):
        self.remove(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["address book"])
@_documented(AddressBookEntryIn, AddressBookEntryOut)
class AddressBookViewSet(_Keeping, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The parties of the organisation's address book, to copy into an application's parties."""

    permission_classes = [KeepsLibrary]
    queryset = AddressBookEntry.objects.none()  # the model, for the schema; get_queryset gives the organisation's
    serializer_class = AddressBookEntryOut
    entry_in, entry_out = AddressBookEntryIn, AddressBookEntryOut
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return library.address_book(self.request.user)

    @staticmethod
    def save(actor, data, instance):
        return library.address_entry_save(actor=actor, data=data, entry=instance)

    @staticmethod
    def remove(actor, instance):
        library.address_entry_remove(actor=actor, entry=instance)


# --- the goods library ------------------------------------------------------------------------------------------
class LibraryItemIn(ProductIn):
    """A goods-library item: a goods line's product fields, checked as a line's are, with the usual value of one
    unit and the reference of the organisation's classification request that was ruled on the product."""

    unit_value_eur = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    ruling = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=30, help_text="The reference of the classification request whose ruling is on this product.")

    def validate_ruling(self, value):
        """The reference's application, or 0 for none such: the service says whether it may be the item's ruling."""
        if not value:
            return None
        return Application.objects.filter(reference=value.strip()).values_list("pk", flat=True).first() or 0


class LibraryRulingOut(serializers.Serializer):
    reference = serializers.CharField()
    entry = serializers.CharField(allow_blank=True, help_text="The control entry ruled; blank when the product was ruled not listed.")
    not_listed = serializers.BooleanField()


class LibraryItemOut(serializers.ModelSerializer):
    ruling = serializers.SerializerMethodField()

    class Meta:
        model = LibraryItem
        fields = ["id", *PRODUCT_FIELDS, "unit_value_eur", "ruling", "created_at", "updated_at"]

    @extend_schema_field(LibraryRulingOut(allow_null=True))
    def get_ruling(self, item):
        if item.ruling_id is None:
            return None
        decision = getattr(item.ruling, "decision", None)
        return {"reference": item.ruling.reference, "entry": decision.ruling_entry if decision else "", "not_listed": bool(decision and decision.ruling_not_listed)}


@extend_schema(tags=["goods library"])
@_documented(LibraryItemIn, LibraryItemOut)
class GoodsLibraryViewSet(_Keeping, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The products of the organisation's goods library, to copy into an application's goods lines."""

    permission_classes = [KeepsLibrary]
    queryset = LibraryItem.objects.none()  # the model, for the schema; get_queryset gives the organisation's
    serializer_class = LibraryItemOut
    entry_in, entry_out = LibraryItemIn, LibraryItemOut
    ordering_fields = ["description", "part_number", "created_at"]
    ordering = ["description"]

    def get_queryset(self):
        return library.goods_library(self.request.user)

    @staticmethod
    def save(actor, data, instance):
        return library.library_item_save(actor=actor, data=data, item=instance)

    @staticmethod
    def remove(actor, instance):
        library.library_item_remove(actor=actor, item=instance)


# --- saving an application's party or goods line ------------------------------------------------------------------
class _SaveFromApplication(APIView):
    """Keep party or goods line `n` (from 1) of one of the organisation's applications (a draft or a submitted one):
    201 with the new entry, or 200 with the one that has the very same fields already."""

    permission_classes = [KeepsLibrary]
    name: str

    def post(self, request, pk, n):
        application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
        if self.name == "parties":
            kept, made = library.address_entry_from_party(actor=request.user, application=application, position=n - 1)
            body = AddressBookEntryOut(kept).data
        else:
            kept, made = library.library_item_from_line(actor=request.user, application=application, position=n - 1)
            body = LibraryItemOut(kept).data
        return Response(body, status=status.HTTP_201_CREATED if made else status.HTTP_200_OK)


class PartySaveView(_SaveFromApplication):
    name = "parties"

    @extend_schema(request=None, responses={201: AddressBookEntryOut, 200: AddressBookEntryOut}, tags=["address book"])
    def post(self, request, pk, n):
        return super().post(request, pk, n)


class GoodsLineSaveView(_SaveFromApplication):
    name = "goods"

    @extend_schema(request=None, responses={201: LibraryItemOut, 200: LibraryItemOut}, tags=["goods library"])
    def post(self, request, pk, n):
        return super().post(request, pk, n)
