"""Who may make a move is decided once, by the service that makes it: each service module names its allow-lists
(tuples of roles) next to its moves and refuses everyone else with `NotAllowed`. The API's permission classes and
the pages' decorators read the same tuples, so a page and an API call for the same action cannot disagree
(tests/security/test_authorisation_matrix.py compares them)."""
from .errors import NotAllowed


def actor_may(actor, roles: tuple[str, ...]) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.has_role(*roles))


def refuse_unless(actor, roles: tuple[str, ...], message: str) -> None:
    if not actor_may(actor, roles):
        raise NotAllowed(message)
