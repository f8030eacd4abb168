"""
What happens to an application once it is submitted, before anyone works on it: the routing rules decide it
(licensing.routing), its parties are screened (licensing.screening), look-alike denials open consultations
(licensing.assessment.consultation), and it is moved into the office's queue. The one place that calls those
three apps in turn, so none of them (nor applications, below them) imports another to do it.

Submission (licensing.applications.services.application_submit) sends `application_submitted` after commit;
this app's receiver queues the task `applications.route` (tasks.py), and the sweep `applications.route_pending`
picks up whatever the broker lost. The task names keep their old `applications.` prefix so that messages
already queued, and the beat schedule, still find them.
"""
