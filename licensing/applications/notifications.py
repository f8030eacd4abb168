"""Telling people about questions and notes: the exporter of a question from the office (the clock stands still
until the answer) and of its coming answer-by date; an official of a note that mentions them."""
from licensing.core.mail import mail_people, organisation_people

from .models import Mention, Question


def question_notify(*, question_id: int) -> int:
    """E-mail the applicant's people the office's question, each in their language. Returns how many were sent."""
    question = Question.objects.select_related("application__organisation").filter(pk=question_id).first()
    if question is None or question.answered_at is not None:
        return 0  # gone, or already answered: the mail would only confuse
    application = question.application
    return mail_people(organisation_people(application.organisation_id), template="question", context={"question": question, "application": application})


def question_remind(*, question_id: int) -> int:
    """E-mail the applicant's people that a question is still open and when it must be answered."""
    question = Question.objects.select_related("application__organisation").filter(pk=question_id).first()
    if question is None or question.answered_at is not None:
        return 0
    application = question.application
    return mail_people(organisation_people(application.organisation_id), template="question_reminder", context={"question": question, "application": application})


def mention_notify(*, mention_id: int) -> int:
    """E-mail the official mentioned in a note (the note's text stays inside the application: only who and where)."""
    mention = Mention.objects.select_related("user", "note__author", "note__application").filter(pk=mention_id).first()
    if mention is None or not mention.user.is_active:
        return 0
    note = mention.note
    return mail_people([mention.user], template="mention", context={"note": note, "application": note.application, "author": note.author})
