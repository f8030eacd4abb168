"""
`Idempotency-Key` for POSTs that create things: a retried request gets the first answer and creates nothing
new. The view runs in one transaction with the key's record, so of two concurrent requests with the same key
one commits and the other is rolled back and answered with the first's result.
"""
import functools
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework.response import Response
from django.utils.translation import gettext as _

from licensing.core.errors import Conflict, DomainError
from licensing.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _replay(record: IdempotencyRecord, request) -> Response:
    # The same key sent acting for another organisation is another request: its answer is never the other's.
    if (record.method, record.path, record.on_behalf_of) != (request.method, request.path, getattr(request.user, "acting_for_id", None)):
        raise Conflict(_("This %(header)s was already used for another request.") % {"header": HEADER})
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "")
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 100:
            raise DomainError(_("%(header)s is at most 100 characters.") % {"header": HEADER}, fields={HEADER: [_("At most 100 characters.")]})
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is not None:
            return _replay(existing, request)
        try:
            with transaction.atomic():
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
                    IdempotencyRecord.objects.create(user=request.user, key=key, method=request.method, path=request.path, status_code=response.status_code, body=body,
                                                     on_behalf_of=getattr(request.user, "acting_for_id", None))
        except IntegrityError:
            winner = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if winner is None:
                raise
            return _replay(winner, request)
        return response

    return wrapper
