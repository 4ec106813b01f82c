"""Training in worker processes, for a server that must stay responsive: the process that uses this never imports TensorFlow.

`TrainingPool` starts `workers` processes (spawned; each imports TensorFlow once and compiles the notebook's
model), and one thread per process here that feeds it jobs and relays what it reports. A training is a
`Training` handle (`seqcore/handles.py`) whose `next_event()` gives `Queued`, `Preparing`, `Progress` and finally
`Outcome`; several seeds of one setting are a `Seeds` handle (`SeedRun` events, then `SeedsOutcome`).

- Stop: `Training.stop()` reaches the worker at its next progress report; a worker that has not
  answered after `grace` seconds is killed and replaced, and the run keeps what it reported.
- A worker that dies (killed, out of memory) is replaced; its training ends with a message and what it reported.
- When every worker is busy, trainings wait in order and each knows how many are ahead of it.
- A worker that has built too many architectures or holds too much memory is replaced after its job.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from . import continuing, cost, messages
from .config import TrainConfig
from .handles import LOST, Outcome, Preparing, Queued, SeedRun, Seeds, SeedsOutcome, Training, _Abandoned, _Lost, _Task
from .machine import available_cores
from .result import TrainResult
from .timeaxis import as_series
from .windows import as_values, prepare_windows
from .worker import Limits

# the handles a caller reads are defined in handles.py; they are named here too, where callers look for them
__all__ = ["TrainingPool", "Training", "Seeds", "Queued", "Preparing", "Outcome", "SeedRun", "SeedsOutcome", "PoolStatus", "LOST"]

WORKERS_VARIABLE = "LAB_WORKERS"
GRACE_SECONDS = 1.0  # a stopped training's worker must answer within this, or it is replaced
START_SECONDS = 180.0  # a new worker that has not said Ready by then is given up and started again
WORKER_ARCHITECTURES = 12  # a worker that has built more is replaced after its job (TensorFlow never frees them)
# likewise once it holds this much more memory than when it was ready (when no training is waiting; always
# past twice this): what each new architecture's compiled loop keeps is never given back (BENCHMARKS.md)
WORKER_GROWTH_MIB = 75.0
ESTIMATE_EVERY_SECONDS = 1.0  # how often a waiting training hears a new estimate of when it starts


def worker_count() -> int:
    """`LAB_WORKERS` if set (at least 1), else one per core."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    try:
        return max(1, int(text)) if text else available_cores()
    except ValueError:
        return available_cores()


class TrainingPool:
    """Worker processes that train, and the queue in front of them. Thread-safe; `close()` ends the workers."""

    def __init__(self, workers: int | None = None, grace: float = GRACE_SECONDS, limits: Limits | None = None):
        self.size = workers or worker_count()
        self.grace = grace
        self.limits = limits or Limits(WORKER_ARCHITECTURES, WORKER_GROWTH_MIB)
        self._context = multiprocessing.get_context("spawn")
        self._ids = itertools.count(1)
        self._pending: deque[_Task] = deque()
        self._warm: dict[object, _Task] = {}  # at most one pending warm-up per owner (a session)
        self._cond = threading.Condition()
        self._closed = False
        self._slots = [_Slot(self, index) for index in range(self.size)]
        self.replaced = 0  # workers replaced so far (lost, stopped by force, or retired)
        self._ever_ready = False  # a worker has been ready since the pool started (later replacements do not undo it)
        self._estimated = 0.0  # when waiting trainings last heard an estimate
        for slot in self._slots:
            slot.thread.start()

    # ---- what a user of the pool calls ----

    def train(self, series, config: TrainConfig, resume: TrainResult | None = None) -> Training:
        """Queue a training of `series` (values and a name) with `config`. Raises InputError at once for bad input.

        With `resume` (a finished or stopped run that kept its optimizer state), the run is continued to `config.epochs`
        epochs in all, on its own series and settings (`seqcore.training.train`); the handle's events cover the whole run.
        """
        if resume is not None:
            continuing.check(series, config, resume)
        remaining = continuing.remaining(config, resume)
        windows = prepare_windows(series, remaining)
        values = as_series(series, as_values(series))
        task = _Task(
            next(self._ids),
            "train",
            None,
            config.architecture,
            estimate=cost.estimate(remaining, len(windows.y_train) + len(windows.y_val)).seconds,
        )
        job_resume = dataclasses.replace(resume, series=None) if resume is not None else None  # the job's values are its series
        task.message = messages.TrainJob(task.id, values.to_numpy(), config, job_resume)
        training = Training(self, task, values, config, windows.n_train, resume)
        self._submit(task)
        return training

    def train_seeds(self, series, config: TrainConfig, seeds) -> Seeds:
        """Queue `config` trained once per seed in `seeds`, in one worker. InputError at once for bad input, or when
        all of them together would pass the cost limit."""
        windows = prepare_windows(series, config)
        configs = [dataclasses.replace(config, seed=seed) for seed in seeds]
        cost.check_many(config, len(windows.y_train) + len(windows.y_val), len(configs))
        values = as_series(series, as_values(series))
        each = cost.estimate(config, len(windows.y_train) + len(windows.y_val)).seconds
        task = _Task(next(self._ids), "train", None, config.architecture, estimate=each * len(configs))
        task.message = messages.SeedsJob(task.id, values.to_numpy(), configs)
        handle = Seeds(self, task, values, configs, windows.n_train)
        self._submit(task)
        return handle

    def warm(self, owner, config: TrainConfig, series=None, delay: float = 0.0) -> None:
        """Compile `config`'s model for `series` in an idle worker after `delay` s; replaces `owner`'s pending warm-up."""
        task = _Task(next(self._ids), "warm", None, config.architecture, not_before=time.monotonic() + delay)
        values = None if series is None else as_values(series)
        task.message = messages.WarmJob(task.id, config, values)
        with self._cond:
            if self._closed:
                return
            self._warm[owner] = task
            self._cond.notify_all()

    def export(self, config: TrainConfig, weights, timeout: float = 120.0) -> bytes:
        """A `.keras` file of `config`'s model with `weights`, written by a worker (ahead of queued trainings)."""
        task = _Task(next(self._ids), "export", None, None)
        task.message = messages.ExportJob(task.id, config, [np.asarray(w) for w in weights])
        self._submit(task, first=True)
        if not task.done.wait(timeout):
            self._forget(task)
            raise TimeoutError("no training process was free to write the model file; try again in a moment")
        if not isinstance(task.answer, messages.Exported):
            raise RuntimeError(getattr(task.answer, "message", None) or LOST)
        return task.answer.data

    def status(self) -> PoolStatus:
        with self._cond:
            return PoolStatus(
                workers=self.size,
                ready=sum(slot.ready for slot in self._slots),
                busy=sum(slot.task is not None and slot.task.kind == "train" for slot in self._slots),
                queued=len(self._pending),
                ever_ready=self._ever_ready,
            )

    def pids(self) -> list[int]:
        return [slot.process.pid for slot in self._slots if slot.process is not None and slot.process.pid]

    def wait_ready(self, timeout: float = START_SECONDS) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(slot.ready for slot in self._slots):
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        with self._cond:
            self._closed = True
            for task in self._pending:
                task.events.put(Outcome(None, problem="the server is shutting down"))
                task.done.set()
            self._pending.clear()
            self._cond.notify_all()
        for slot in self._slots:
            slot.end()
        for slot in self._slots:
            slot.thread.join(timeout=5)

    # ---- the queue ----

    def _submit(self, task: _Task, first: bool = False) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("the training pool is closed")
            if first:
                self._pending.appendleft(task)
            else:
                self._pending.append(task)
            self._announce_positions()
            self._cond.notify_all()

    def _forget(self, task: _Task) -> None:
        with self._cond:
            if task in self._pending:
                self._pending.remove(task)
                task.events.put(Outcome(None))  # stopped before it started: nothing to keep
                task.done.set()
                self._announce_positions()

    def _announce_positions(self) -> None:
        """Tell each waiting training how many are ahead of it and about when it starts (only when every worker is busy;
        caller holds the lock)."""
        self._estimated = time.monotonic()
        idle = sum(slot.ready and slot.task is None for slot in self._slots)
        # when each ready worker is free: now for an idle one, after its job's estimated rest for a busy one
        free = [0.0] * idle + [slot.task.left(self._estimated) for slot in self._slots if slot.ready and slot.task is not None]
        heapq.heapify(free)
        for ahead, task in enumerate(t for t in self._pending if t.kind == "train"):
            starts = heapq.heappop(free) if free else None
            if ahead >= idle:
                task.events.put(Queued(ahead, starts))
            if starts is not None:
                heapq.heappush(free, starts + task.estimate)

    def _progressed(self, task: _Task, share_done: float) -> None:
        """A running job reported progress: waiting trainings hear a new estimate, at most every ESTIMATE_EVERY_SECONDS."""
        task.share_done = share_done
        with self._cond:
            if self._pending and time.monotonic() - self._estimated >= ESTIMATE_EVERY_SECONDS:
                self._announce_positions()

    def _next(self, slot: _Slot) -> _Task | None:
        """The job for an idle worker: the oldest waiting (left to another idle worker that has its model); else a warm-up.

        None when the pool closes, or when this worker's process has died while idle (the caller starts another).
        """
        with self._cond:
            while not self._closed:
                if slot.process is None or not slot.process.is_alive():
                    slot.ready = False
                    return None
                if self._pending:
                    task = self._pending[0]  # first come, first served: the queue positions users see stay true
                    others = [s for s in self._slots if s is not slot and s.ready and s.task is None]
                    known = task.architecture is not None and task.architecture in slot.architectures
                    if not known and any(task.architecture in s.architectures for s in others if task.architecture):
                        self._cond.wait(0.05)  # an idle worker that has this model ready takes it, sparing a compile
                        continue
                    self._pending.remove(task)
                    slot.task = task
                    task.started = time.monotonic()
                    self._announce_positions()
                    return task
                now = time.monotonic()
                due = [owner for owner, task in self._warm.items() if task.not_before <= now]
                if due:
                    task = self._warm.pop(due[0])
                    slot.task = task
                    task.started = time.monotonic()
                    return task
                soonest = min((task.not_before - now for task in self._warm.values()), default=0.5)
                self._cond.wait(timeout=min(0.5, max(0.01, soonest)))  # and look again at whether this worker is alive
            return None

    def _trainings_waiting(self) -> bool:
        with self._cond:
            return any(task.kind == "train" for task in self._pending)

    def _done(self, slot: _Slot) -> None:
        with self._cond:
            slot.task = None
            self._announce_positions()
            self._cond.notify_all()


@dataclass(frozen=True)
class PoolStatus:
    workers: int
    ready: int  # workers started and warm
    busy: int  # training now
    queued: int  # waiting for a worker
    ever_ready: bool = False  # some worker has been ready since the pool started: the start-up is over, whatever is replaced later


class _Slot:
    """One worker process and the thread here that serves it, replacing the process whenever it is lost."""

    def __init__(self, pool: TrainingPool, index: int):
        self.pool, self.index = pool, index
        self.process = None
        self.conn = None
        self.ready = False
        self.architectures: frozenset = frozenset()
        self.task: _Task | None = None
        self.thread = threading.Thread(target=self._serve_forever, name=f"seqcore-worker-{index}", daemon=True)

    def _serve_forever(self) -> None:
        if self.index > 0:
            # the first worker starts alone: on a 2-core laptop two TensorFlow imports at once would hold both
            # cores while the first page loads, and the first worker is ready sooner
            first = self.pool._slots[0]
            deadline = time.monotonic() + START_SECONDS
            while not first.ready and not self.pool._closed and time.monotonic() < deadline:
                time.sleep(0.05)
        while not self.pool._closed:
            if not self.ready and not self._start():
                continue
            task = self.pool._next(self)
            if task is None:
                if not self.ready and not self.pool._closed:
                    self.pool.replaced += 1  # died while idle: start another
                continue
            handed_back = False
            try:
                handed_back = self._run(task)
            finally:
                if not handed_back:
                    task.done.set()
                self.pool._done(self)
        self.end()

    def _start(self) -> bool:
        from . import worker

        self.end()
        parent, child = self.pool._context.Pipe()
        process = self.pool._context.Process(
            target=worker.main, args=(child, self.pool.limits), name=f"seqcore-worker-{self.index}", daemon=True
        )
        process.start()
        child.close()
        self.process, self.conn = process, parent
        deadline = time.monotonic() + START_SECONDS
        while not self.pool._closed and time.monotonic() < deadline:
            try:
                if parent.poll(0.1):
                    ready = parent.recv()
                    self.architectures = ready.architectures
                    with self.pool._cond:
                        self.ready = True
                        self.pool._ever_ready = True
                        self.pool._announce_positions()
                        self.pool._cond.notify_all()
                    return True
            except (EOFError, OSError):
                break
            if not process.is_alive():
                break
        self.end()
        time.sleep(1.0)  # a worker that cannot start: try again, without spinning
        return False

    def end(self) -> None:
        """End this slot's process (politely, then by force) and forget it."""
        with self.pool._cond:
            self.ready = False
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if conn is not None:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        if process is not None:
            process.join(timeout=0.5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        if conn is not None:
            conn.close()

    def _replace(self) -> None:
        self.pool.replaced += 1
        process = self.process
        if process is not None and process.is_alive():
            process.kill()
        self.end()

    def _run(self, task: _Task) -> bool:
        """Serve one job to its end; True if the worker died before taking it and the job went back to the queue."""
        conn, process = self.conn, self.process  # end() (the pool closing) may clear them meanwhile
        try:
            if conn is None or not process.is_alive():
                raise OSError("the worker has died")
            conn.send(task.message)
        except (OSError, ValueError):
            return self._lose(task, answered=False)  # it died before taking the job: back to the front of the queue
        stop_sent, answered = None, False
        while True:
            if task.stop_requested.is_set() and stop_sent is None:
                stop_sent = time.monotonic()
                try:
                    conn.send(messages.StopJob(task.id))
                except (OSError, ValueError):
                    pass
            if stop_sent is not None and time.monotonic() - stop_sent > self.pool.grace:
                self._replace()  # it did not answer: end it, keep what it reported
                task.events.put(_Abandoned())
                return False
            try:
                if not conn.poll(0.02):
                    if not process.is_alive():
                        return self._lose(task, answered)
                    continue
                answer = conn.recv()
            except (EOFError, OSError, ValueError):
                return self._lose(task, answered)
            answered = True
            if isinstance(answer, messages.Preparing):
                task.events.put(Preparing(answer.text))
            elif isinstance(answer, (messages.Report, messages.SeedDone)):
                task.events.put(answer)
                self.pool._progressed(task, task.share(answer))
            elif isinstance(answer, messages.Done):
                task.answer = answer
                self.architectures = answer.architectures
                replace = answer.retire or (answer.growth_mib > self.pool.limits.growth_mib and not self.pool._trainings_waiting())
                if replace:
                    with self.pool._cond:
                        self.ready = False  # before the answer is out: nobody sees this worker as ready any more
                task.events.put(answer)
                if replace:
                    self._replace()
                return False

    def _lose(self, task: _Task, answered: bool) -> bool:
        """The worker died during `task`. One that died before answering (killed while idle, say) gets the job
        back to the front of the queue, once; True then."""
        self._replace()
        if not answered and not task.retried and not task.stop_requested.is_set() and not self.pool._closed:
            task.retried = True
            self.pool._submit(task, first=True)
            return True
        task.events.put(_Lost())
        return False
