import pytest

from licensing.core.tasks import ping


@pytest.mark.integration
def test_task_goes_through_the_broker_to_a_live_worker_and_back(live_worker):
    result = ping.delay("round-trip")
    assert result.get(timeout=30)["echo"] == "round-trip"
    assert result.status == "SUCCESS"
    assert live_worker.poll() is None  # the worker process is alive and was the one that answered


def test_eager_mode_runs_the_task_in_process(settings):
    # The embedded default: no broker, the task runs where it is called.
    assert ping.apply(args=("here",)).get()["echo"] == "here"
