"""A saved or deleted denial tells every process that the screening index of the denial register may be stale."""
from django.db.models.signals import post_delete, post_save

from licensing.denials.models import DenialRegisterEntry


def denial_changed(sender, **kwargs):
    from .lists import denials_version_bump

    denials_version_bump()


def connect():
    post_save.connect(denial_changed, sender=DenialRegisterEntry, dispatch_uid="screening_denial_saved")
    post_delete.connect(denial_changed, sender=DenialRegisterEntry, dispatch_uid="screening_denial_deleted")
