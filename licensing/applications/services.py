"""Writes for applications. Views and serializers call these; nothing else changes an application."""
import logging
import re
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.accounts.organisations import may_file
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from licensing.core.mail import mail_after_commit
from licensing.core.permissions import refuse_unless
from licensing.reference.models import StandardTextKind
from licensing.reference.standard_texts import standard_texts_chosen, text_with_standard_texts

from .aluminium import origin_input_errors
from .models import STATUTORY_PERIOD_DAYS, Application, CatchAllRequirement, Document, GoodsLine, Mention, Note, NoteDocument, Notification, Party, Question, ReferenceSequence, Status
from .notifications import notify, notify_organisation
from .search import search_document_refresh
from .signals import application_submitted
from .uploads import upload_check
from .validation import application_errors
from .workflow import OPEN, Action, application_move

logger = logging.getLogger(__name__)

SCALAR_FIELDS = (
    "kind",
    "movement",
    "title",
    "end_use",
    "end_use_description",
    "purpose",
    "temporary",
    "reimport_date",
    "repaired_goods_from_netherlands",
    "general_licence",
    "conditions_confirmed",
    "origin_country",
    "brokering_value_eur",
)
GOODS_FIELDS = [f.name for f in GoodsLine._meta.concrete_fields if f.name not in ("id", "application", "position")]
PARTY_FIELDS = [f.name for f in Party._meta.concrete_fields if f.name not in ("id", "application", "position")]


def reference_next(year: int | None = None) -> str:
    """The next human-friendly reference, NL-<year>-<6 digits>; unique under concurrency (row lock on the counter)."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        if not ReferenceSequence.objects.filter(year=year).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    ReferenceSequence.objects.create(year=year, last=1)
            except IntegrityError:  # another request created the year's row first
                ReferenceSequence.objects.filter(year=year).update(last=F("last") + 1)
        number = ReferenceSequence.objects.get(year=year).last
    return f"NL-{year}-{number:06d}"


def _ensure_owner(actor, application: Application) -> None:
    """The actor's organisation's application, and a role in it that writes (a viewer only reads)."""
    if actor.is_exporter and application.organisation_id != actor.organisation_id:
        raise NotFound(_("No such application."))
    _ensure_org_role(actor, "draft")


def _ensure_org_role(actor, action: str) -> None:
    """Within the organisation, what this person may do (accounts.models.ORG_ACTIONS): preparers draft, signatories
    also submit, withdraw and amend, viewers read. And an organisation files only once the office has vetted it."""
    if not actor.is_exporter:
        return
    if not actor.may_in_organisation(action):
        raise NotAllowed(
            _("Your role in your organisation (%(role)s) may not do this; ask a signatory or your organisation's administrator.")
            % {"role": actor.get_org_role_display()}
        )
    if action == "sign" and not may_file(actor):
        raise NotAllowed(_("Your organisation is not yet vetted by the licensing office: you can prepare drafts, but not submit them yet."))


def _ensure_draft(application: Application) -> None:
    if application.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be changed; use an amendment for a submitted application."))


def _write_children(application: Application, data: dict) -> None:
    """Replace destinations, goods lines and parties with those given (a key left out is left alone)."""
    if "destinations" in data:
        application.destinations.set(data["destinations"])
    if "goods" in data:
        if errors := origin_input_errors(data["goods"]):
            raise DomainError(_("Check the aluminium declaration of the goods lines; nothing was saved."), fields=errors)
        application.goods.all().delete()
        GoodsLine.objects.bulk_create(
            GoodsLine(application=application, position=i, **{k: v for k, v in line.items() if k in GOODS_FIELDS})
            for i, line in enumerate(data["goods"])
        )
    if "parties" in data:
        application.parties.all().delete()
        Party.objects.bulk_create(
            Party(application=application, position=i, **{k: v for k, v in party.items() if k in PARTY_FIELDS})
            for i, party in enumerate(data["parties"])
        )


@transaction.atomic
def application_create(*, actor, data: dict) -> Application:
    """A new draft for the actor's organisation, with whatever goods lines and parties were given."""
    if not actor.is_exporter:
        raise DomainError(_("Only an exporter files applications."), code="not_allowed")
    _ensure_org_role(actor, "draft")
    application = Application(
        reference=reference_next(),
        organisation_id=actor.organisation_id,
        created_by=actor,
        **{k: v for k, v in data.items() if k in SCALAR_FIELDS},
    )
    application.save()
    _write_children(application, data)
    event_record(actor=actor, verb="application.created", target=application, to_state=Status.DRAFT)
    return application


@transaction.atomic
def application_update(*, actor, application: Application, data: dict) -> Application:
    """Change a draft; nothing is written unless everything is."""
    _ensure_owner(actor, application)
    # Lock the row so a concurrent submit cannot slip between our check and our write.
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_draft(locked)
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.save()
    _write_children(locked, data)
    return locked


LINE_LISTS = {
    "goods": (GOODS_FIELDS, ("first_smelt_country", "second_smelt_country", "last_cast_country")),
    "parties": (PARTY_FIELDS, ("country",)),
}


@transaction.atomic
def application_line_save(*, actor, application: Application, name: str, position: int | None, data: dict | None) -> Application:
    """Add (`position` None), change or remove (`data` None) one goods line or party of a draft (`name` "goods" or
    "parties"; `position` from 0). The other lines are read under the draft's lock: two pages saving different lines
    at once both keep their change."""
    fields, related = LINE_LISTS[name]
    _ensure_owner(actor, application)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_draft(locked)
    lines = [{k: getattr(line, k) for k in fields} for line in getattr(locked, name).select_related(*related).order_by("position", "pk")]
    if position is not None and not 0 <= position < len(lines):
        raise NotFound(_("No such line."))
    if position is None:
        lines.append({k: v for k, v in data.items() if k in fields})
    elif data is None:
        del lines[position]
    else:
        lines[position] = {**lines[position], **{k: v for k, v in data.items() if k in fields}}
    locked.save()
    _write_children(locked, {name: lines})
    return locked


@transaction.atomic
def application_delete(*, actor, application: Application) -> None:
    _ensure_owner(actor, application)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_draft(locked)
    files = [d.file.name for d in locked.documents.all()]
    event_record(actor=actor, verb="application.deleted", target=locked, from_state=Status.DRAFT)
    locked.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    """Remove stored files that no document refers to any more. An amendment's documents share the original's
    stored files (issue 23.5: deleting an amendment draft removed the file the submitted original still cites),
    so the question is asked here, after the commit, for every caller."""
    from django.core.files.storage import default_storage

    still_cited = set(Document.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names:
        if name in still_cited:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete stored file %s", name)


def application_submit(*, actor, application: Application) -> Application:
    """Validate everything, then submit; on any error nothing changes and every problem is reported."""
    _ensure_owner(actor, application)
    _ensure_org_role(actor, "sign")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.DRAFT:
            raise Conflict(_("This application is already %(status)s.") % {"status": locked.get_status_display().lower()})
        errors = application_errors(locked)
        if errors:
            raise DomainError(_("The application is not complete; nothing was submitted."), code="incomplete", fields=errors)
        now = timezone.now()
        updates = {"deadline_at": now + timedelta(days=STATUTORY_PERIOD_DAYS)}
        if locked.previous_id:
            previous = locked.previous
            application_move(application=previous, action=Action.SUPERSEDE, actor=actor, reason=f"Amended by {locked.reference}")
            # The amended case stays with whoever was working on it; the period runs anew from the amendment.
            updates.update(claimed_by_id=previous.claimed_by_id, claimed_at=previous.claimed_at)
        application_move(application=locked, action=Action.SUBMIT, actor=actor, extra_updates=updates)
        search_document_refresh(application_ids=[locked.pk])
        # licensing.casework routes it (a layer above this one); if the broker is down the application waits in
        # SUBMITTED and the periodic sweep (applications.route_pending) routes it later.
        transaction.on_commit(lambda: application_submitted.send(sender=Application, application_id=locked.pk))
    return locked


def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    _ensure_org_role(actor, "sign")
    return application_move(application=application, action=Action.WITHDRAW, actor=actor, reason=reason)


@transaction.atomic
def application_amend(*, actor, application: Application) -> Application:
    """A new draft version that copies the submitted one; submitting it supersedes the original."""
    _ensure_owner(actor, application)
    _ensure_org_role(actor, "sign")
    original = Application.objects.select_for_update().get(pk=application.pk)
    if original.status not in OPEN:
        raise Conflict(_("An application that is %(status)s cannot be amended.") % {"status": original.get_status_display().lower()})
    if Application.objects.filter(previous=original).exists():
        raise Conflict(_("An amendment of this application already exists."))
    base = original.reference.split("/")[0]
    amendment = Application.objects.create(
        reference=f"{base}/{original.version + 1}",
        version=original.version + 1,
        previous=original,
        organisation_id=original.organisation_id,
        created_by=actor,
        **{name: getattr(original, name) for name in SCALAR_FIELDS},
    )
    _write_children(
        amendment,
        {
            "destinations": list(original.destinations.all()),
            "goods": [{k: getattr(line, k) for k in GOODS_FIELDS} for line in original.goods.all()],
            "parties": [{k: getattr(party, k) for k in PARTY_FIELDS} for party in original.parties.all()],
        },
    )
    for document in original.documents.all():
        # The amendment refers to the same stored file; files are never edited in place.
        Document.objects.create(
            application=amendment,
            doc_type=document.doc_type,
            file=document.file.name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=document.uploaded_by,
        )
    # A catch-all imposed on the original binds the amendment too: amending is no way out of a licence requirement.
    imposed = CatchAllRequirement.objects.filter(application=original).first()
    if imposed is not None:
        CatchAllRequirement.objects.create(
            application=amendment, ground=imposed.ground, information=imposed.information, imposed_by_id=imposed.imposed_by_id,
            imposed_by_desk=imposed.imposed_by_desk, imposed_at=imposed.imposed_at,
        )
    event_record(actor=actor, verb="application.amendment_started", target=original, payload={"amendment": amendment.reference})
    event_record(actor=actor, verb="application.created", target=amendment, to_state=Status.DRAFT, payload={"amends": original.reference})
    return amendment


@transaction.atomic
def application_copy(*, actor, application: Application) -> Application:
    """A new draft with an earlier application's answers, goods lines and parties, to file a similar one again (issue
    20.1). Documents are not copied: a certificate or statement belongs to the earlier transaction."""
    _ensure_owner(actor, application)
    return application_create(
        actor=actor,
        data={
            **{name: getattr(application, name) for name in SCALAR_FIELDS},
            "destinations": list(application.destinations.all()),
            "goods": [{k: getattr(line, k) for k in GOODS_FIELDS} for line in application.goods.select_related("first_smelt_country", "second_smelt_country", "last_cast_country")],
            "parties": [{k: getattr(party, k) for k in PARTY_FIELDS} for party in application.parties.select_related("country")],
        },
    )


# Who asks the exporter questions: the licensing office and the ministry's advisors. Who writes internal notes: the same.
ASKING = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)
NOTING = ASKING
MAX_ANSWER_FILES = 10
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")


def question_due_default(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=settings.QUESTION_ANSWER_DAYS)


def question_ask(*, actor, application: Application, text: str, due_on: date | None = None, standard_texts: list[int] | tuple[int, ...] = ()) -> Question:
    """Ask the exporter a question, to be answered by `due_on` (QUESTION_ANSWER_DAYS from today when not given).
    Chosen standard questions come first, in the exporter's language. Several may be open at once; the first one
    stops the statutory clock."""
    refuse_unless(actor, ASKING, _("Only the licensing office and the ministry ask the exporter questions."))
    if standard_texts:
        chosen = standard_texts_chosen(StandardTextKind.QUESTION, standard_texts, field="standard_texts")
        text = text_with_standard_texts(text, chosen, language=application.organisation.language or settings.LANGUAGE_CODE)
    text = text.strip()
    if not text:
        raise DomainError(_("Write the question."), fields={"text": [_("Write the question.")]})
    today = timezone.localdate()
    due_on = due_on or question_due_default(today)
    if due_on <= today:
        raise DomainError(_("The answer-by date must lie in the future."), fields={"due_on": [_("Choose a date after today.")]})
    if due_on > today + timedelta(days=366):
        raise DomainError(_("The answer-by date must lie within a year."), fields={"due_on": [_("Choose a date within a year.")]})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        question = Question.objects.create(application=locked, asked_by=actor, text=text, due_on=due_on)
        extra = {} if locked.clock_stopped_at else {"clock_stopped_at": timezone.now()}
        application_move(application=locked, action=Action.ASK_QUESTION, actor=actor, payload={"question": question.pk, "due_on": due_on.isoformat()}, extra_updates=extra)
        from .tasks import question_notify

        mail_after_commit(question_notify, question.pk)
        notify_organisation(application=application, kind=Notification.Kind.QUESTION, actor=actor)
    application.refresh_from_db(fields=["status", "clock_stopped_at", "updated_at"])  # the caller's copy follows the move
    return question


def question_answer(*, actor, application: Application, answer: str, question_id: int | None = None, files=()) -> Question:
    """Answer one open question (the oldest when none is named) with text and documents. The clock runs again once no
    question is open, and the deadline moves by the time it stood still."""
    _ensure_owner(actor, application)
    if not actor.is_exporter:
        raise NotAllowed(_("Only the exporter that filed the application can do this."))
    answer = answer.strip()
    if not answer:
        raise DomainError(_("Write the answer."), fields={"answer": [_("Write the answer.")]})
    files = list(files)
    if len(files) > MAX_ANSWER_FILES:
        message = _("Attach at most %(count)d files to one answer.") % {"count": MAX_ANSWER_FILES}
        raise DomainError(message, fields={"file": [message]})
    checked = [(f, upload_check(f)) for f in files]  # every file is checked before anything is stored
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            open_questions = Question.objects.select_for_update().filter(application=locked, answered_at__isnull=True)
            question = open_questions.filter(pk=question_id).first() if question_id is not None else open_questions.order_by("asked_at", "id").first()
            if question is None:
                if question_id is not None and not Question.objects.filter(application=locked, pk=question_id).exists():
                    raise NotFound(_("No such question."))
                raise DomainError(_("There is no open question to answer."), code="not_allowed_now")
            now = timezone.now()
            documents = [_document_store(actor, locked, f, c, doc_type=Document.DocType.OTHER, question=question, stored=stored) for f, c in checked]
            updates = {}
            if not open_questions.exclude(pk=question.pk).exists():
                updates["clock_stopped_at"] = None
                if locked.deadline_at and locked.clock_stopped_at:
                    updates["deadline_at"] = locked.deadline_at + (now - locked.clock_stopped_at)
            # The move first: its guard asks whether a question is open, which this one is until saved as answered.
            application_move(
                application=locked,
                action=Action.ANSWER_QUESTION,
                actor=actor,
                payload={"question": question.pk, "documents": [d.pk for d in documents]},
                extra_updates=updates,
            )
            question.answer, question.answered_by, question.answered_at = answer, actor, now
            question.save(update_fields=["answer", "answered_by", "answered_at"])
            # The officials whose case it is hear of the answer: whoever holds it, and whoever asked.
            for official in {locked.claimed_by, question.asked_by} - {None}:
                notify(recipient=official, application=locked, kind=Notification.Kind.ANSWER, actor=actor)
    except Exception:
        _delete_files(stored)
        raise
    return question


def questions_remind(*, today: date | None = None) -> int:
    """Owe a reminder for every open question due within QUESTION_REMINDER_DAYS and not yet reminded (beat, hourly);
    each question is marked when its reminder is owed, so it is sent once."""
    from .tasks import question_remind

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.QUESTION_REMINDER_DAYS)
    due = Question.objects.filter(answered_at__isnull=True, reminded_at__isnull=True, due_on__gte=today, due_on__lte=horizon, application__status__in=OPEN)
    owed = 0
    for question_id in due.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            # Compare-and-set: two beat runs at once owe one reminder.
            if Question.objects.filter(pk=question_id, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                mail_after_commit(question_remind, question_id)
                owed += 1
    return owed


def note_add(*, actor, application: Application, text: str, files=()) -> Note:
    """An internal note on a case, with internal documents; every official @mentioned is told (in the application
    and by e-mail). Exporters never see notes."""
    refuse_unless(actor, NOTING, _("Only officials write internal notes."))
    text = text.strip()
    if not text:
        raise DomainError(_("Write the note."), fields={"text": [_("Write the note.")]})
    files = list(files)
    if len(files) > MAX_ANSWER_FILES:
        message = _("Attach at most %(count)d files to one note.") % {"count": MAX_ANSWER_FILES}
        raise DomainError(message, fields={"file": [message]})
    checked = [(f, upload_check(f)) for f in files]
    names = set(MENTION.findall(text))
    mentioned = list(mentionable_officials().filter(username__in=names).exclude(pk=actor.pk).order_by("username")) if names else []
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.status == Status.DRAFT:
                raise NotFound(_("No such application."))
            note = Note.objects.create(application=locked, author=actor, text=text)
            for uploaded, c in checked:
                document = NoteDocument(note=note, original_name=(uploaded.name or "document")[-255:], content_type=c.content_type, size=c.size, sha256=c.sha256)
                document.file.save("upload", uploaded, save=False)
                stored.append(document.file.name)
                document.save()
            mentions = Mention.objects.bulk_create([Mention(note=note, user=u) for u in mentioned])
            for colleague in mentioned:  # the unread marker on the case, beside the e-mail
                notify(recipient=colleague, application=locked, kind=Notification.Kind.MENTION, actor=actor)
            event_record(actor=actor, verb="case.note", target=locked, payload={"note": note.pk, "mentions": [u.username for u in mentioned]})
            from .tasks import mention_notify

            for mention in mentions:
                mail_after_commit(mention_notify, mention.pk)
    except Exception:
        _delete_files(stored)
        raise
    return note


def mentionable_officials():
    """The colleagues a note may mention: active officials (User.is_official, as a query)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).filter(Q(role__in=ASKING) | Q(is_superuser=True))


def _document_store(actor, application: Application, uploaded, checked, *, doc_type: str, question=None, stored: list) -> Document:
    """Store one checked upload as the application's document (inside the caller's transaction); the stored name is
    added to `stored` so the caller can remove the file if the transaction fails."""
    document = Document(
        application=application,
        doc_type=doc_type,
        original_name=(uploaded.name or "document")[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        question=question,
    )
    document.file.save("upload", uploaded, save=False)
    stored.append(document.file.name)
    document.save()
    event_record(actor=actor, verb="document.added", target=application, payload={"document": document.original_name, "sha256": checked.sha256, "question": question.pk if question else None})
    return document


def document_add(*, actor, application: Application, doc_type: str, uploaded_file) -> Document:
    """Store a checked upload on a draft. A rejected file is never stored; a failed save leaves no file."""
    _ensure_owner(actor, application)
    if doc_type not in Document.DocType.values:
        raise DomainError(_("Unknown document type."), fields={"doc_type": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Document.DocType.values)}]})
    checked = upload_check(uploaded_file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            _ensure_draft(locked)
            return _document_store(actor, locked, uploaded_file, checked, doc_type=doc_type, stored=stored)
    except Exception:
        _delete_files(stored)
        raise


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    application = document.application
    _ensure_owner(actor, application)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_draft(locked)
    name = document.file.name
    event_record(actor=actor, verb="document.deleted", target=locked, payload={"document": document.original_name})
    document.delete()
    transaction.on_commit(lambda: _delete_files([name]))
