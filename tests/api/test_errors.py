from rest_framework.exceptions import ErrorDetail

from licensing.api.errors import flatten_errors


def test_nested_errors_become_field_paths():
    detail = {
        "kind": [ErrorDetail("This field is required.")],
        "goods": [{}, {}, {"control_entry": [ErrorDetail("Unknown control entry 'ML99'.")]}],
        "non_field_errors": [ErrorDetail("Whole object wrong.")],
    }
    assert flatten_errors(detail) == {
        "kind": ["This field is required."],
        "goods[2].control_entry": ["Unknown control entry 'ML99'."],
        "non_field_errors": ["Whole object wrong."],
    }


def test_nested_non_field_errors_sit_on_their_object():
    detail = {"parties": [{"non_field_errors": [ErrorDetail("End user needs a country.")]}]}
    assert flatten_errors(detail) == {"parties[0]": ["End user needs a country."]}


def test_list_serializer_errors_keyed_by_index_become_brackets():
    detail = {"goods": {1: {"value_eur": [ErrorDetail("A valid number is required.")]}}}
    assert flatten_errors(detail) == {"goods[1].value_eur": ["A valid number is required."]}
