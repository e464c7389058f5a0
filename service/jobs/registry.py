"""The kinds of background job a running service claims and runs; one line per kind."""

from service.jobs.batch import BATCH
from service.jobs.kinds import JobKind
from service.jobs.rescreen import RESCREEN

KINDS: tuple[JobKind, ...] = (BATCH, RESCREEN)
