"""Decisions (this app owns them: the Decision record in models.py, its blockers and recording it in decisions.py),
the licences they produce and their life after issue (lifecycle.py), general-licence registrations, usage reports
(usage.py) and parliament notifications."""
