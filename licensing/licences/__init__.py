"""Decisions (this app owns them: the Decision record, its blockers, recording it), the licences they produce and
their life after issue, general-licence registrations, usage reports and parliament notifications."""
