"""Everything that runs in the background, owned by exactly one process at a time.

One loop per process (`loop.JobLoop`) claims jobs of every kind through a lease in the
database (`store/jobs.py`), runs each on a thread of its own while a heartbeat renews the lease
(`heartbeat.Heartbeat`), and retries through database outages. Another process takes a job over
when its owner's lease runs out, and resumes it from the last committed chunk.

Adding a kind of long job (e.g. an export):

1. give its table the lease columns: subclass `store.tables.Leased` (the table also needs
   `id`, `status`, `created_at` and `finished_at`) and add them in a migration;
2. write `run(work: Work) -> None`: do the job in chunks, each committed in a transaction that
   starts with `store.jobs.fence(session=..., lease=work.lease)`; finish with
   `store.jobs.finish(...)`; return early once `work.stop` is set;
3. add a `JobKind(name, table, run)` to `KINDS` in `jobs/registry.py` (`slots` says how many
   jobs of the kind one process runs at once, `ready` adds conditions such as "due by now").

Submitting a job is inserting its row (status `queued`); `JobLoop.wake()` makes the local loop
look at once, and every other process finds it at its next poll.

Work made of many short items that each claim themselves under a lease of their own (webhook
deliveries, `jobs/webhooks.py`) is a `kinds.SweepKind` instead: the loop runs its step on a
thread of its own, again at once while it finds work, else at its poll or a wake.
"""
