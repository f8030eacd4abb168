"""The one transition mechanism (licensing/audit/transitions.py): statuses of case objects change only through a
machine's moves, and cannot be written around it."""
import pytest

from licensing.applications.models import Application, Status
from licensing.applications.services import reference_next
from licensing.applications.workflow import MACHINE, Action, application_move
from licensing.audit.models import Event
from licensing.audit.transitions import MACHINES, StatusWriteRefused, importing, machine_of, move

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(exporter_a):
    return Application.objects.create(reference=reference_next(), organisation=exporter_a.organisation, created_by=exporter_a, kind="individual")


def test_an_application_is_created_with_its_initial_status_but_its_status_is_then_written_only_by_moves(application, exporter_a):
    with pytest.raises(StatusWriteRefused):
        Application.objects.filter(pk=application.pk).update(status=Status.ISSUED)
    with pytest.raises(StatusWriteRefused):
        Application.objects.bulk_update([application], ["status"])
    application.status = Status.ISSUED
    with pytest.raises(StatusWriteRefused):
        application.save()
    application.refresh_from_db()
    with pytest.raises(StatusWriteRefused):
        application.save(update_fields=["status", "title"])
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT
    application.title = "Other fields save as before"
    application.save()
    assert Application.objects.get(pk=application.pk).title == "Other fields save as before"


def test_a_stale_copy_saved_after_a_move_does_not_put_the_old_status_back(application, exporter_a):
    stale = Application.objects.get(pk=application.pk)
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.IN_REVIEW)
    fresh = Application.objects.get(pk=application.pk)
    application_move(application=fresh, action=Action.WITHDRAW, actor=exporter_a, reason="No longer needed.")
    stale.title = "Edited in another tab"
    stale.save()
    saved = Application.objects.get(pk=application.pk)
    assert (saved.status, saved.title) == (Status.WITHDRAWN, "Edited in another tab")
    fresh.title = "After the move"
    fresh.save()  # the mover's own copy knows the new status: saving it is not a status write
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN


def test_the_generic_move_finds_the_objects_machine_and_records_one_event(application, exporter_a):
    assert machine_of(application) is MACHINE is MACHINES["application"]
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.IN_REVIEW)
    application.refresh_from_db()
    move(application, Action.WITHDRAW, exporter_a, reason="Plans changed.")
    event = Event.objects.get(verb="application.withdraw")
    assert (event.from_state, event.to_state, event.reason, event.target_id) == (Status.IN_REVIEW, Status.WITHDRAWN, "Plans changed.", str(application.pk))
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN


def test_importing_is_the_one_way_around_the_guard_and_ends_with_its_block(application):
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.ISSUED)
    with pytest.raises(StatusWriteRefused):
        Application.objects.filter(pk=application.pk).update(status=Status.DRAFT)
    assert Application.objects.get(pk=application.pk).status == Status.ISSUED


# --- every case object's status, and a scan of the source -----------------------------------------------------
CASE_MODELS = {"application": "Application", "licence": "Licence", "registration": "Registration", "assessment": "Assessment", "consultation": "Consultation", "objection": "Objection"}


@pytest.mark.parametrize("name", sorted(CASE_MODELS))
def test_each_case_object_has_a_registered_machine_and_a_guarded_status(name):
    from licensing.audit.transitions import StatusGuarded, StatusQuerySet

    machine = MACHINES[name]
    assert machine.model.__name__ == CASE_MODELS[name]
    assert issubclass(machine.model, StatusGuarded) and isinstance(machine.model.objects.all(), StatusQuerySet)
    assert isinstance(machine.model._default_manager.all(), StatusQuerySet)  # related managers are built from it
    assert machine.initial in machine.statuses.values
    statuses = {s for m in machine.moves for s in (*m.sources, m.target) if s}
    assert statuses <= set(machine.statuses.values), "a move names a status the model does not have"
    with pytest.raises(StatusWriteRefused):
        machine.model.objects.filter(pk=-1).update(status=machine.initial)


def _status_writes_outside_the_mechanism(source=None) -> list[str]:
    """Writes of a status the scan can see: update()/bulk_update()/update_or_create() with `status`, `x.status = `,
    setattr(x, "status", ...), save(update_fields=[... "status"]) and raw SQL setting it. Job-progress runs
    (ScreeningRun, ReportRun) have a status too but no machine: their writes are on the list below, by file and
    model."""
    import ast
    from pathlib import Path

    source = source or Path(__file__).resolve().parents[2] / "licensing"
    job_runs = {"ScreeningRun", "ReportRun", "run"}  # job progress, not a case status (issue 16.3 leaves them)
    found = []
    for path in sorted(source.rglob("*.py")):
        if "migrations" in path.parts or path == source / "audit" / "transitions.py":
            continue
        tree = ast.parse(path.read_text())
        where = lambda node: f"{path.relative_to(source.parent)}:{node.lineno}"  # noqa: E731
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                inner = node.func
                while isinstance(inner, (ast.Attribute, ast.Call)):
                    inner = inner.value if isinstance(inner, ast.Attribute) else inner.func
                root = getattr(inner, "id", "")  # Licence in Licence.objects.filter(...).update(...)
                method = node.func.attr
                keywords = {k.arg for k in node.keywords}
                strings = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
                if method == "update" and "status" in keywords and root not in job_runs:
                    found.append(where(node))
                if method in ("bulk_update", "update_or_create") and "status" in strings and root not in job_runs:
                    found.append(where(node))
                if method == "save" and "update_fields" in keywords and "status" in strings:
                    found.append(where(node))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr" and len(node.args) > 1:
                if isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
                    found.append(where(node))
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Attribute) and t.attr == "status" and getattr(t.value, "id", "") not in job_runs:
                            found.append(where(node))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "set status" in node.value.lower().replace('"', ""):
                found.append(where(node))
    return found


def test_no_status_of_a_case_object_is_written_outside_the_mechanism():
    assert _status_writes_outside_the_mechanism() == []


def test_the_scan_finds_a_write_around_the_mechanism(tmp_path):
    """The scan is not vacuous: the writes it must find are found (in a module written for the purpose)."""
    (tmp_path / "audit").mkdir()
    (tmp_path / "licences").mkdir()
    (tmp_path / "licences" / "planted.py").write_text(
        "def bad(licence, Licence, Registration, application):\n"
        "    Licence.objects.filter(pk=1).update(status='revoked')\n"
        "    licence.status = 'revoked'\n"
        "    setattr(licence, 'status', 'revoked')\n"
        "    application.assessments.filter(pk=1).update(status='final')\n"
        "    Registration.objects.bulk_update([licence], ['status'])\n"
        "    licence.save(update_fields=['status'])\n"
        "    ScreeningRun.objects.filter(pk=1).update(status='done')\n"  # job progress: not a case status
    )
    assert sorted(int(w.rsplit(":", 1)[1]) for w in _status_writes_outside_the_mechanism(tmp_path)) == [2, 3, 4, 5, 6, 7]


def test_only_tests_and_import_commands_use_the_escape_hatch():
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "licensing"
    users = [
        str(p.relative_to(source)) for p in source.rglob("*.py")
        if "importing()" in p.read_text() and p != source / "audit" / "transitions.py" and "management" not in p.parts
    ]
    assert users == []


def test_docs_workflow_draws_every_registered_machine():
    """docs/workflow.md equals what the tables generate (tests/applications/test_workflow.py) and has them all."""
    from licensing.applications.management.commands.workflow_diagram import DOC, workflow_document

    assert DOC.read_text() == workflow_document(), "run `python manage.py workflow_diagram`"
    for name, machine in MACHINES.items():
        assert f"(`{name}.*`)" in DOC.read_text() and machine.mermaid() in DOC.read_text()
