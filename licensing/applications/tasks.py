from celery import shared_task


@shared_task(name="applications.question_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def question_notify(question_id: int) -> int:
    """After the office asks a question: e-mail the exporter's people, each in their language."""
    from .notifications import question_notify as notify

    return notify(question_id=question_id)


@shared_task(name="applications.question_remind", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def question_remind(question_id: int) -> int:
    """A few days before a question's answer-by date: remind the exporter's people, each in their language."""
    from .notifications import question_remind as remind

    return remind(question_id=question_id)


@shared_task(name="applications.questions_remind", acks_late=True)
def questions_remind() -> int:
    """Beat, hourly: owe the reminders of questions nearing their date (each once)."""
    from .services import questions_remind as remind

    return remind()


@shared_task(name="applications.mention_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def mention_notify(mention_id: int) -> int:
    """An official was @mentioned in an internal note: e-mail them."""
    from .notifications import mention_notify as notify

    return notify(mention_id=mention_id)
