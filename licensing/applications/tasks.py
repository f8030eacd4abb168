from celery import shared_task


@shared_task(name="applications.question_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def question_notify(question_id: int) -> int:
    """After the office asks a question: e-mail the exporter's people, each in their language."""
    from .notifications import question_notify as notify

    return notify(question_id=question_id)
