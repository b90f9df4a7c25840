"""Group commit: the writes of many request threads in one SQLite transaction, one commit for them all.

Why: a ticket dirties about twenty B-tree pages (the ticket row, its indexes, the number's counter, the tally, the
outbox, the idempotency key), and every commit appends each dirty page to the WAL once. Commit the tickets of eight
kiosks one by one and the counter, tally and index leaf pages they share are written eight times; commit them
together and they are written once. The CPU of BEGIN, COMMIT and the WAL append is shared the same way.

How (leader and followers, no extra thread): a thread with work queues it. If no thread is writing, it becomes
the leader: it takes the process's write turn (db._write_turn: a thread lock, then the flock shared by the worker
processes), runs BEGIN IMMEDIATE, runs every queued job in its own SAVEPOINT, COMMITs, and wakes each job's
thread with its result. Jobs queued meanwhile wait for the commit in progress, then the first of them leads the
next group. A job alone (one kiosk at a time) runs at once, without waiting for company.

A job runs on the leader's thread, on the process's group connection (db.group_connection): it must only touch
the database and plain values (no Flask request, no translated text); the thread that queued it turns its result
into an answer. An exception in a job undoes that job's savepoint only, and is raised in the thread that queued it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from .db import _write_turn, database, group_connection

T = TypeVar("T")

MAX_GROUP = 64  # jobs per transaction: bounds how long one commit holds the write lock
MAX_DELAY = 0.002  # seconds a leader waits for jobs that are on their way (see `coming`)


class _Job(Generic[T]):
    __slots__ = ("work", "wake", "finished", "value", "error")

    def __init__(self, work: Callable[[], T]):
        self.work = work
        # set when the job's group committed, or when it is its turn to lead; only a job that waits for another
        # leader has one (a lone kiosk's job leads its own group at once)
        self.wake: threading.Event | None = None
        self.finished = False
        self.value: T | None = None
        self.error: BaseException | None = None


class GroupCommit:
    """One per process and database. `run(work)` returns work's value once its transaction has committed."""

    def __init__(self, max_group: int = MAX_GROUP, max_delay: float = MAX_DELAY):
        self._max_group = max_group
        self._max_delay = max_delay
        self._lock = threading.Condition()
        self._queue: list[_Job] = []  # invariant: empty whenever no thread is leading
        self._leading = False
        self._coming = 0  # requests that said they will queue a job (`coming`) and have not finished
        self.groups = 0  # transactions committed; jobs / groups is the mean group size (tests, benchmarks)
        self.jobs = 0
        self._coming_context = _Coming(self)  # holds no state of its own: one for every request

    def coming(self) -> _Coming:
        """Around a whole request that will `run` a job (``with group.coming():``): the leader waits (at most
        max_delay) for the jobs of requests still being read, parsed and checked, as PostgreSQL's commit_delay
        waits for commit_siblings. On this machine the GIL runs those requests one after another, so without the
        wait a group held one or two jobs however many kiosks were taking tickets."""
        return self._coming_context

    def _arrive(self) -> None:
        with self._lock:
            self._coming += 1

    def _leave(self) -> None:
        with self._lock:
            self._coming -= 1
            self._lock.notify_all()

    def run(self, work: Callable[[], T]) -> T:
        job: _Job[T] = _Job(work)
        with self._lock:
            self._queue.append(job)
            follow = self._leading
            if follow:
                job.wake = threading.Event()
            self._leading = True
            self._lock.notify_all()
        if follow:
            job.wake.wait()  # type: ignore[union-attr]
        if not job.finished:  # this thread leads: its job is at the front of the queue
            self._lead()
        if job.error is not None:
            raise job.error
        return job.value  # type: ignore[return-value]

    def _lead(self) -> None:
        """Commit one group, then hand the lead to the first job queued meanwhile (so no thread keeps serving
        others while its own caller waits) or, with none queued, stop leading."""
        with self._lock:
            deadline = time.monotonic() + self._max_delay
            while len(self._queue) < min(self._coming, self._max_group):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            group, self._queue = self._queue[:self._max_group], self._queue[self._max_group:]
        try:
            self._commit(group)
        finally:  # whatever happened, no thread waits for ever
            for job in group:
                job.finished = True
                if job.wake is not None:
                    job.wake.set()
            with self._lock:
                heir = self._queue[0] if self._queue else None
                self._leading = heir is not None
            if heir is not None:  # queued while a group was leading, so it waits on its wake
                heir.wake.set()  # type: ignore[union-attr]

    def _commit(self, group: list[_Job]) -> None:
        """One transaction for the group, on the sqlite3 connection itself: peewee's atomic() adds Python to every
        transaction, and jobs (issuing.take) never open one of their own."""
        db = database.obj
        try:
            with _write_turn(db):
                sql = group_connection(db)
                # the jobs' database.connection() is the group's connection while they run (db.group_connection:
                # its cache stays warm from one group to the next); this thread's own is put back after
                state = db._state
                own = state.conn, state.closed
                state.conn, state.closed = sql, False
                try:
                    sql.execute("BEGIN IMMEDIATE")
                    try:
                        if len(group) == 1:  # alone: a failure rolls the transaction back, no savepoint needed
                            group[0].value = group[0].work()
                        else:
                            for job in group:
                                _run_in_savepoint(sql, job)
                        sql.execute("COMMIT")
                    except BaseException:
                        if sql.in_transaction:
                            sql.execute("ROLLBACK")
                        raise
                finally:
                    state.conn, state.closed = own
        except Exception as exc:  # noqa: BLE001 (the transaction failed: nothing of the group was kept)
            for job in group:
                if job.error is None:
                    job.error = exc
        self.groups += 1
        self.jobs += len(group)


class _Coming:
    """`GroupCommit.coming()`: a plain context manager (contextlib's generator costs more, on every ticket)."""

    __slots__ = ("_group",)

    def __init__(self, group: GroupCommit):
        self._group = group

    def __enter__(self) -> None:
        self._group._arrive()

    def __exit__(self, *exc) -> None:
        self._group._leave()


def _run_in_savepoint(sql, job: _Job) -> None:
    """Run one job of a group so that its failure takes back its own writes only (constant SQL: peewee's
    savepoints name each one with a fresh uuid)."""
    sql.execute("SAVEPOINT group_job")
    try:
        job.value = job.work()
    except Exception as exc:  # noqa: BLE001 (raised again in the job's own thread)
        sql.execute("ROLLBACK TO group_job")
        job.error = exc
    sql.execute("RELEASE group_job")
