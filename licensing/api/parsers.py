"""The API's JSON parser: DRF's, with the nesting of a body bounded.

No request of this API nests deeper than a few levels. A body of 100,000 opening brackets made the JSON decoder
raise RecursionError, which DRF does not catch (a 500, issue 23.12); a body nested a few thousand levels deep parses
and then costs every recursive walk over it (serializers, the event payloads). Both are a 400 here.
"""
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def json_depth_exceeds(data, limit: int = MAX_DEPTH) -> bool:
    """Is the parsed value nested deeper than `limit` (iteratively: the walk itself must not recurse)?"""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}) from None
        if json_depth_exceeds(data):
            raise ParseError(_("JSON parse error - nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH})
        return data
