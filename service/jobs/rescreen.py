"""The re-screen kind: re-run stored screenings under the current rules, a chunk at a time."""

from service.jobs.kinds import JobKind, Work
from service.rescreen import runner
from service.store.tables import RescreenJob


def run(work: Work) -> None:
    """Re-screen the job's screenings not yet done (see rescreen/runner.py)."""
    runner.run_job(
        db=work.db, engine=work.engine, settings=work.settings, lease=work.lease, stop=work.stop
    )


RESCREEN = JobKind(name="rescreen", table=RescreenJob, run=run)
