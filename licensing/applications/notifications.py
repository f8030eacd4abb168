"""Telling the exporter that the licensing office asked a question (the clock stands still until the answer)."""
from licensing.core.mail import mail_people, organisation_people

from .models import Question


def question_notify(*, question_id: int) -> int:
    """E-mail the applicant's people the office's question, each in their language. Returns how many were sent."""
    question = Question.objects.select_related("application__organisation").filter(pk=question_id).first()
    if question is None or question.answered_at is not None:
        return 0  # gone, or already answered: the mail would only confuse
    application = question.application
    return mail_people(organisation_people(application.organisation_id), template="question", context={"question": question, "application": application})
