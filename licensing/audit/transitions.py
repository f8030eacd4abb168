"""
The one transition mechanism: every status of a case object (an application, a licence, an assessment, a
consultation, a registration, and whatever case object comes next) changes through a `Machine` here.

A machine is a table of `Move`s: (action, the statuses it may start from, the status it leads to, the roles
allowed to make it, a guard, the timestamp field it sets). `Machine.move(obj, action, actor, ...)` makes one move:

1. the actor may see the object at all (`visible`, else 404), and the role and the status allow the action (403,
   409; `roles_first` says which is asked first), the move's guard agrees, and a reason is given where the move
   needs one (400);
2. the status is changed by a compare-and-set update (`Model.objects.filter(pk=..., status=<the status the actor
   saw>).update(...)`), so of two people moving the same object at once exactly one wins, the other gets a
   `Conflict` (409);
3. one event `<machine>.<action>` is recorded in the same transaction (`audit.services.event_record`).

`allowed_actions(obj, actor)` lists the actions an actor could take now (for buttons and the API), and `mermaid()`
draws the table (docs/workflow.md is generated from every registered machine: `manage.py workflow_diagram`).

Why in `audit`: a move records an event, and `audit` is the lowest layer that can (`core` imports no app); every
app with a case object sits above it. The mechanism knows roles only as strings (the actor's `effective_role`;
`SYSTEM` when the actor is None, i.e. background work) and the role labels through the machine's `roles` choices,
so it imports nothing from `accounts`.

Status fields cannot be written around it: a model with a machine declares `objects = StatusQuerySet.as_manager()`
and inherits `StatusGuarded`; `update()`/`bulk_update()` refuse the status field and `save()` refuses a changed
status on an existing row (and never writes a stale one back), unless the mechanism is making the move.
Creating a row with its initial (or, for imports, historical) status is allowed. The one escape hatch is
`importing()`, for importing or repairing history and for test set-up; services never use it
(tests/audit/test_transitions.py scans the source for it).

Adopting it for a new case object (e.g. a question or an objection), in the object's own app:

    class ObjectionAction(models.TextChoices):
        WITHDRAW = "withdraw", _("Withdraw")

    OBJECTION = Machine(
        name="objection", model=Objection, statuses=ObjectionStatus, actions=ObjectionAction, roles=Role,
        initial=ObjectionStatus.LODGED,
        moves=(Move(ObjectionAction.WITHDRAW, {ObjectionStatus.LODGED}, ObjectionStatus.WITHDRAWN, WITHDRAWING),),
    )
    OBJECTION.move(objection, ObjectionAction.WITHDRAW, actor, reason=reason)

and give the model `StatusGuarded` and `objects = StatusQuerySet.as_manager()`; import the module in the app's
`AppConfig.ready()` so the machine is registered (its verbs and its diagram are then known).
"""
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound

from .services import event_record

SYSTEM = "system"  # the actor role of background work (routing after submission, the nightly expiry)

Guard = Callable[[object, object], str | None]
"""A guard returns None when the move may go ahead, else the reason it may not (a 400 `not_allowed_now`); it may
also raise a `DomainError` of its own kind (e.g. `NotAllowed` when only the object's author may move it)."""


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays (a move that only records an event)
    roles: frozenset[str]
    guard: Guard | None = None
    sets_timestamp: str | None = None
    reason_required: bool = False

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "roles", frozenset(self.roles))


def all_of(*guards: Guard) -> Guard:
    """One guard that asks each in turn and gives the first refusal."""

    def guard(obj, actor):
        for g in guards:
            reason = g(obj, actor)
            if reason:
                return reason
        return None

    return guard


def someone_else(author_id: Callable[[object], int | None], refusal) -> Guard:
    """Four eyes (vier ogen): the guard of a countersignature's moves. The object's author is refused (a 403, not a
    reason to wait: no later state lets the author countersign their own work). `author_id` reads the author's user id
    off the object; `refusal` is the message the author reads."""

    def guard(obj, actor):
        if actor is not None and author_id(obj) == actor.pk:
            raise NotAllowed(str(refusal))
        return None

    return guard


def countersignature(
    *, countersign: str, send_back: str, awaiting: str, agreed: str, sent_back: str, roles, guard: Guard, sets_timestamp: str | None = None
) -> tuple[Move, Move]:
    """The two moves of a countersignature, the one four-eyes concept of every machine that needs one (the ministry's
    advice, the office's decision): from `awaiting`, a second person (`guard`, made by `someone_else`) of `roles`
    agrees (`countersign` -> `agreed`) or sends it back with the reason (`send_back` -> `sent_back`). Which work needs
    a countersignature is the owning app's rule; that the author never countersigns and a sending back says why is
    this one's. The compare-and-set of `Machine.move` lets one of two countersigners at once win."""
    return (
        Move(countersign, {awaiting}, agreed, roles, guard=guard, sets_timestamp=sets_timestamp),
        Move(send_back, {awaiting}, sent_back, roles, guard=guard, reason_required=True),
    )


MACHINES: dict[str, "Machine"] = {}
"""Every machine by name (its verbs' prefix), registered when its module is imported (the apps' ready())."""


@dataclass(eq=False)
class Machine:
    name: str
    model: type[models.Model]
    moves: tuple[Move, ...]
    statuses: type[models.TextChoices]
    actions: type[models.TextChoices]
    roles: type[models.TextChoices]
    initial: str
    # Who may see the object at all: anyone else is told it does not exist (404).
    visible: Callable[[object, object], bool] | None = None
    # The object whose history the event joins (an assessment's and a consultation's: their application's).
    event_target: Callable[[object], models.Model] | None = None
    # Fields set to the move's time on every move (e.g. updated_at).
    touches: tuple[str, ...] = ()
    # True: a role outside every move of the action is refused (403) before the status is looked at, so a
    # stranger does not learn the state. The application's workflow asks the status first (409 whoever asks).
    roles_first: bool = True
    not_found: str = field(default_factory=lambda: _("No such object."))
    cannot: str = field(default_factory=lambda: _("Cannot %(action)s: it is %(status)s."))  # %(action)s, %(status)s
    lost: str = field(default_factory=lambda: _("It was changed by someone else in the meantime; reload and try again."))

    def __post_init__(self):
        self.moves = tuple(self.moves)
        self._table = {(source, m.action): m for m in self.moves for source in m.sources}
        if len(self._table) != sum(len(m.sources) for m in self.moves):
            raise ValueError(f"{self.name}: two moves share a (status, action)")
        unknown = {m.action for m in self.moves} - set(self.actions.values)
        if unknown:
            raise ValueError(f"{self.name}: actions {sorted(unknown)} are not in {self.actions.__name__}")
        if self.name in MACHINES and MACHINES[self.name].model is not self.model:
            raise ValueError(f"two machines are named {self.name!r}")
        MACHINES[self.name] = self

    # --- reading the table ---------------------------------------------------------------------------------
    def move_for(self, status: str, action: str) -> Move | None:
        return self._table.get((status, action))

    def verbs(self) -> frozenset[str]:
        return frozenset(self.verb(m.action) for m in self.moves)

    def verb(self, action: str) -> str:
        return f"{self.name}.{action}"

    def roles_of(self, action: str) -> frozenset[str]:
        """Every role some move of this action allows (from whichever status)."""
        return frozenset().union(*(m.roles for m in self.moves if m.action == action))

    def finals(self) -> list[str]:
        """The statuses no move leads out of."""
        left = {source for m in self.moves if m.target is not None for source in m.sources}
        return sorted(set(self.statuses.values) - left)

    def allowed_actions(self, obj, actor) -> list[str]:
        """The actions this actor could take now (ignoring guards that need more input); for buttons and the API."""
        if not self._visible(obj, actor):
            return []
        role, status = role_of(actor), obj.status
        actions = [m.action for m in self.moves if status in m.sources and role in m.roles]
        return list(dict.fromkeys(actions))

    def mermaid(self) -> str:
        """The state diagram, generated from the moves (Mermaid syntax)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for move in self.moves:
            for source in sorted(move.sources):
                roles = ", ".join(sorted(move.roles))
                lines.append(f"    {source} --> {move.target or source}: {move.action} ({roles})")
        lines += [f"    {status} --> [*]" for status in self.finals()]
        return "\n".join(lines) + "\n"

    # --- making a move -------------------------------------------------------------------------------------
    def move(
        self,
        obj,
        action: str,
        actor,
        *,
        reason: str = "",
        payload: dict | None = None,
        extra_updates: dict | None = None,
        expect: dict | None = None,
    ):
        """
        Make one move or raise (NotFound, NotAllowed, Conflict, DomainError). `extra_updates` are other fields
        written in the same update (e.g. the routing result); `expect` are other fields the compare-and-set also
        requires unchanged (e.g. a licence's end date while it is extended). Updates the object in memory and returns
        the event recorded (e.g. for a mail that tells of it).
        """
        move = self.check(obj, action, actor, reason=reason)
        old = obj.status
        with transaction.atomic():
            new = move.target or old
            now = timezone.now()
            updates = dict(extra_updates or {})
            updates["status"] = new
            for name in self.touches:
                updates[name] = now
            if move.sets_timestamp:
                updates[move.sets_timestamp] = now
            with _moving(self.model):
                changed = self.model.objects.filter(pk=obj.pk, status=old, **(expect or {})).update(**updates)
            if changed != 1:
                raise Conflict(self.lost)
            for name, value in updates.items():
                setattr(obj, name, value)
            obj._loaded_status = new
            event = event_record(
                actor=actor,
                verb=self.verb(action),
                target=self.event_target(obj) if self.event_target else obj,
                from_state=old,
                to_state=new,
                reason=reason,
                payload=payload,
            )
        return event

    def check(self, obj, action: str, actor, *, reason: str = "") -> Move:
        """The move this actor may make now, or the refusal `move` would raise (for a service that does other work
        before the move, in the same transaction: ask first, then move)."""
        if not self._visible(obj, actor):
            raise NotFound(self.not_found)
        role = role_of(actor)
        if self.roles_first and role not in self.roles_of(action):
            raise self._not_allowed(role, action)
        old = obj.status
        move = self.move_for(old, action)
        if move is None:
            raise Conflict(self.cannot % {"action": self._label(self.actions, action), "status": self._label(self.statuses, old)})
        if role not in move.roles:
            raise self._not_allowed(role, action)
        if move.reason_required and not (reason or "").strip():
            raise DomainError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
        if move.guard:
            refusal = move.guard(obj, actor)
            if refusal:
                raise DomainError(refusal, code="not_allowed_now")
        return move

    def _visible(self, obj, actor) -> bool:
        return self.visible is None or self.visible(obj, actor)

    def _not_allowed(self, role: str, action: str) -> NotAllowed:
        who = self.roles(role).label if role in self.roles.values else role
        return NotAllowed(_("Your role (%(role)s) may not %(action)s.") % {"role": who, "action": self._label(self.actions, action)})

    @staticmethod
    def _label(choices: type[models.TextChoices], value: str) -> str:
        return str(choices(value).label).lower() if value in choices.values else value


def role_of(actor) -> str:
    return SYSTEM if actor is None else actor.effective_role


def machine_of(obj_or_model) -> "Machine":
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for machine in MACHINES.values():
        if machine.model is model:
            return machine
    raise LookupError(f"{model.__name__} has no transition machine")


def move(obj, action: str, actor, *, reason: str = "", payload: dict | None = None, extra_updates: dict | None = None, expect: dict | None = None):
    """Make one move of `obj` through its model's machine (see `Machine.move`); returns the event recorded."""
    return machine_of(obj).move(obj, action, actor, reason=reason, payload=payload, extra_updates=extra_updates, expect=expect)


def allowed_actions(obj, actor) -> list[str]:
    return machine_of(obj).allowed_actions(obj, actor)


def move_verbs() -> frozenset[str]:
    """The verbs of every registered machine's moves."""
    return frozenset().union(*(m.verbs() for m in MACHINES.values()))


# --- the guard on the status fields -------------------------------------------------------------------------
class StatusWriteRefused(RuntimeError):
    """A status written outside the transition mechanism (a programming error, never a user's)."""


_writing: ContextVar[frozenset] = ContextVar("transitions_writing", default=frozenset())
_ANY = object()  # in _writing: every model (importing())
_UNKNOWN = object()  # _loaded_status of a row whose status was not loaded (deferred)


@contextmanager
def _moving(model) -> Iterator[None]:
    token = _writing.set(_writing.get() | {model})
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def importing() -> Iterator[None]:
    """Write statuses directly, without moves or events: for importing or repairing history and for test set-up
    only (a test scans that no service uses it). Every status written inside is the importer's responsibility."""
    with _moving(_ANY):
        yield


def _may_write(model) -> bool:
    writing = _writing.get()
    return model in writing or _ANY in writing


def _refuse(model, how: str) -> None:
    raise StatusWriteRefused(
        f"{model.__name__}.status is written only by its transition machine ({how}); "
        "use licensing.audit.transitions.move(obj, action, actor) or the app's service."
    )


class StatusQuerySet(models.QuerySet):
    """A queryset that refuses to write the status (the mechanism's own compare-and-set apart)."""

    def update(self, **kwargs):
        if "status" in kwargs and not _may_write(self.model):
            _refuse(self.model, "update()")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "status" in fields and not _may_write(self.model):
            _refuse(self.model, "bulk_update()")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, update_conflicts=False, update_fields=None, **kwargs):
        if update_conflicts and "status" in (update_fields or ()) and not _may_write(self.model):
            _refuse(self.model, "bulk_create(update_conflicts=True)")
        return super().bulk_create(objs, *args, update_conflicts=update_conflicts, update_fields=update_fields, **kwargs)


class StatusGuarded:
    """A model mixin: save() of an existing row never writes its status, and refuses a changed one."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status", _UNKNOWN)
        return instance

    def save(self, *args, update_fields: Iterable[str] | None = None, **kwargs):
        if not self._state.adding and not _may_write(type(self)):
            loaded = getattr(self, "_loaded_status", _UNKNOWN)
            if update_fields is not None and "status" in update_fields:
                _refuse(type(self), "save(update_fields=[..., 'status'])")
            if loaded is not _UNKNOWN and self.__dict__.get("status", loaded) != loaded:
                _refuse(type(self), "save() of a changed status")
            if update_fields is None:
                # Every loaded field but the status: a stale copy saved later cannot put an old status back.
                deferred = self.get_deferred_fields()
                update_fields = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "status" and f.attname not in deferred]
        super().save(*args, update_fields=update_fields, **kwargs)
        self._loaded_status = self.__dict__.get("status", _UNKNOWN)

    def refresh_from_db(self, *args, fields=None, **kwargs):
        super().refresh_from_db(*args, fields=fields, **kwargs)
        if fields is None or "status" in fields:
            self._loaded_status = self.__dict__.get("status", _UNKNOWN)
