"""Running training jobs: the one cached path every model of the course goes through.

:func:`train_many` looks every job up (local cache, then the published
results; see :mod:`lstm_helpers.training.cache`), sends the others to an executor, and
stores each result as it comes back. Workers only train and return; the parent
process alone writes the cache. Any :class:`concurrent.futures.Executor` works:

- by default, worker processes on this machine, one CPU thread each (on two
  cores two workers train about 1.7x faster than one process with two threads;
  a seed gives the same outputs either way); one process when a GPU is visible.
  The workers start once per process and serve every later call;
- a Dask cluster, when ``$LSTM_COURSE_SCHEDULER`` holds its address (the
  runner's ``--scheduler``; needs ``pip install -e ".[cluster]"``);
- any executor passed in.

Every model gives one progress line (loaded or trained, seconds, how many are
left and, once one has trained, an estimate of the time left). The lines also
go to ``$LSTM_COURSE_PROGRESS`` when the runner sets it, so they reach its
console or log while a notebook runs; the keys used go to ``$LSTM_COURSE_KEYS``
(what ``make publish`` bundles).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from lstm_helpers.training import cache, digests
from lstm_helpers.training.digests import job_info, job_key
from lstm_helpers.training.jobs import TrainJob, TrainOutput, fit

SCHEDULER_ENV = "LSTM_COURSE_SCHEDULER"
PROGRESS_ENV = "LSTM_COURSE_PROGRESS"
KEYS_ENV = "LSTM_COURSE_KEYS"
SOURCES = {
    "trained": "trained",
    "cache": "loaded from the local cache",
    "published": "loaded from the published results",
}


class NotPublishedError(RuntimeError):
    """Models asked for while only the published results may be used
    (``$LSTM_COURSE_PUBLISHED_ONLY``)."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            f"{len(missing)} model(s) not in the published "
            f"results: {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else "")
        )


@dataclass
class TrainResult(TrainOutput):
    """A :class:`~lstm_helpers.training.jobs.TrainOutput` with where it came from.

    Attributes
    ----------
    key : str
        The cache key.
    source : str
        ``"trained"``, ``"cache"`` or ``"published"``.
    """

    key: str = ""
    source: str = "trained"

    @property
    def cached(self) -> bool:
        """True if loaded instead of trained now."""
        return self.source != "trained"


def _store(key: str, job: TrainJob, out: TrainOutput) -> None:
    arrays = {
        "outputs": out.outputs,
        **{f"weight_{k}": w for k, w in enumerate(out.weights)},
    }
    meta = {
        "loss": out.loss,
        "val_loss": out.val_loss,
        "seconds": out.seconds,
        "label": job.label,
        "weights": len(out.weights),
        "info": job_info(job),
        "environment": out.environment,
    }
    cache.save(key, arrays, meta)


def _restore(
    key: str, arrays: dict[str, np.ndarray], meta: dict, source: str
) -> TrainResult:
    weights = [arrays[f"weight_{k}"] for k in range(meta["weights"])]
    return TrainResult(
        arrays["outputs"],
        meta["loss"],
        meta["val_loss"],
        meta["seconds"],
        weights,
        environment=meta.get("environment", {}),
        key=key,
        source=source,
    )


def train(job: TrainJob, use_cache: bool = True, log_every: int = 10) -> TrainResult:
    """Train one job in this process, or load it (see :func:`train_many`)."""
    if use_cache:
        return train_many([job], workers=1, log_every=log_every)[0]
    out = fit(job, log_every)
    return _trained(out, job_key(job))


def _trained(out: TrainOutput, key: str) -> TrainResult:
    return TrainResult(
        out.outputs,
        out.loss,
        out.val_loss,
        out.seconds,
        out.weights,
        environment=out.environment,
        key=key,
        source="trained",
    )


def _fit_quietly(job: TrainJob) -> TrainOutput:
    return fit(job, log_every=0)


def _one_thread() -> None:
    """Worker initialiser: TensorFlow loaded, one CPU thread per process, so N workers
    share N cores."""
    from lstm_helpers.tf_quiet import tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    # TensorFlow already runs in this process (a thread-based cluster): its threads
    # stay,
    except RuntimeError:
        pass  # and every entry trained here records them (digests.environment)


WORKERS_ENV = "LSTM_COURSE_WORKERS"

_POOLS: dict[int, tuple[ProcessPoolExecutor, set]] = {}
"""The local worker pools of this process, by size, with the processes that were already
running when each started: started once, reused by every later call (a notebook that
trains in several cells starts its workers, and loads TensorFlow in them, once)."""


def _local_pool(workers: int) -> tuple[ProcessPoolExecutor, set]:
    """This process's pool of ``workers`` spawned processes, one CPU thread each,
    started on first use."""
    if workers not in _POOLS:
        import atexit
        import multiprocessing as mp

        others = set(mp.active_children())  # children that are not the pool's workers
        pool = ProcessPoolExecutor(
            workers, mp_context=mp.get_context("spawn"), initializer=_one_thread
        )
        _POOLS[workers] = (pool, others)
        atexit.register(pool.shutdown, wait=True, cancel_futures=True)
    return _POOLS[workers]


def _discard_pool(workers: int) -> None:
    """Kill a pool whose run failed (its jobs still running are of no use) and forget
    it."""
    import multiprocessing as mp

    pool, others = _POOLS.pop(workers)
    left = set(mp.active_children()) - others  # the pool's workers
    for process in left:
        process.kill()
    for process in left:  # reaped here, so none outlives the failed run
        process.join(timeout=30)
    pool.shutdown(wait=False, cancel_futures=True)


def default_workers() -> int:
    """``$LSTM_COURSE_WORKERS`` if set; else one process when TensorFlow sees a GPU,
    else one per CPU core.

    The tests set the variable so that their parallel workers do not each start a
    process per core.
    """
    if os.environ.get(WORKERS_ENV):
        return max(1, int(os.environ[WORKERS_ENV]))
    from lstm_helpers.tf_quiet import tf

    return 1 if tf.config.list_physical_devices("GPU") else (os.cpu_count() or 1)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class Progress:
    """Prints one line per model, here and to ``$LSTM_COURSE_PROGRESS``; records keys in
    ``$LSTM_COURSE_KEYS``."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.trained = total, 0, 0
        self.start = time.perf_counter()
        self.counts = dict.fromkeys(SOURCES, 0)
        # where the published results loaded were produced -> how many
        self.published_in: dict[str, int] = {}

    @staticmethod
    def _append(env: str, line: str) -> None:
        path = os.environ.get(env)
        if path:
            with open(path, "a") as fh:
                fh.write(line + "\n")

    def model(
        self,
        job: TrainJob,
        result: TrainResult,
        to_go: int,
        note: str = "",
        show: bool = True,
    ) -> None:
        self.done += 1
        self.counts[result.source] += 1
        if result.source == "published":
            where = digests.describe_environment(result.environment)
            self.published_in[where] = self.published_in.get(where, 0) + 1
        self._append(KEYS_ENV, f"{result.key} {result.source}")
        what = job.label or job.config.name
        if result.source == "trained":
            self.trained += 1
            elapsed = time.perf_counter() - self.start
            left = (
                (f", about {_duration(elapsed / self.trained * to_go)} left")
                if to_go
                else ""
            )
            line = (
                f"[{self.done}/{self.total}] {what}: trained, "
                f"{len(result.loss)} epochs in "
                f"{result.seconds:.0f} s ({_duration(elapsed)} elapsed, {to_go} to "
                f"train{left}){note}"
            )
        else:
            line = (
                f"[{self.done}/{self.total}] {what}: "
                f"{SOURCES[result.source]} ({len(result.loss)} epochs, "
                f"{result.seconds:.0f} s when trained)"
            )
        if show:
            print("  " + line, flush=True)
        self._append(PROGRESS_ENV, line)

    def summary(self) -> str:
        """``N model(s): a loaded from the published results, b from the local cache, c
        trained``.

        When published results were loaded, a second line says where they were produced
        (``(published results produced on Linux x86_64, Python 3.11.7, CPU, TensorFlow
        2.21.0)``), whatever this machine is: a result loaded from another environment
        is never presented as made here.
        """
        c = self.counts
        line = (
            f"{self.total} model(s): {c['published']} loaded from "
            "the published results, "
            f"{c['cache']} from the local cache, {c['trained']} trained"
        )
        if self.published_in:
            places = "; ".join(
                f"{n} on {where}" if len(self.published_in) > 1 else where
                for where, n in self.published_in.items()
            )
            line += f"\n  (published results produced on {places})"
        self._append(PROGRESS_ENV, line)
        return line


def _published_difference(key: str, outputs: np.ndarray) -> str:
    found = cache.load(key, cache.results_dir(), remove_damaged=False)
    if found is None:
        return ""
    published = found[0]["outputs"]
    gap = (
        float(np.max(np.abs(published - outputs)))
        if published.shape == outputs.shape
        else np.inf
    )
    scale = float(np.max(np.abs(published))) or 1.0
    return (
        "; largest difference from the published outputs "
        f"{gap:.3g} ({gap / scale:.2%} of their range)"
    )


def train_many(
    jobs: list[TrainJob],
    workers: int | None = None,
    executor: Executor | None = None,
    log_every: int = 10,
) -> list[TrainResult]:
    """Train several jobs, loading the stored ones, in worker processes or on any
    executor.

    Parameters
    ----------
    jobs : list of TrainJob
    workers : int, optional
        Local worker processes; default :func:`default_workers`. ``1`` trains
        in this process. Ignored when an executor is given or set by
        ``$LSTM_COURSE_SCHEDULER``.
    executor : concurrent.futures.Executor, optional
        Where to train (it is not shut down here).
    log_every : int
        Epoch lines every this many epochs when training in this process (0: none).

    Returns
    -------
    list of TrainResult
        In the order of ``jobs``.

    Raises
    ------
    RuntimeError
        At the first job that fails, naming it; the jobs not yet started are cancelled.
    NotPublishedError
        Before training anything, if only the published results may be used and some
        jobs are not among them.
    """
    progress = Progress(len(jobs))
    results: list[TrainResult | None] = [None] * len(jobs)
    # key -> indices of the jobs with that key (trained once)
    todo: dict[str, list[int]] = {}
    for k, job in enumerate(jobs):
        key = job_key(job)
        found = cache.lookup(key)
        if found is not None:
            results[k] = _restore(key, *found)
            progress.model(job, results[k], 0, show=False)
        else:
            todo.setdefault(key, []).append(k)

    if todo and cache.published_only():
        raise NotPublishedError(
            [jobs[idx[0]].label or key for key, idx in todo.items()]
        )

    def finish(key: str, out: TrainOutput) -> None:
        first = jobs[todo[key][0]]
        _store(key, first, out)
        note = _published_difference(key, out.outputs) if cache.retraining() else ""
        for k in todo[key]:
            results[k] = _trained(out, key)
        progress.model(
            first, results[todo[key][0]], len(todo) - progress.trained - 1, note
        )

    if todo:
        address = os.environ.get(SCHEDULER_ENV)
        own, client = None, None
        if executor is None and address:
            from lstm_helpers.training.cluster import cluster_client

            client = cluster_client(address)
            executor = client.get_executor()
        # a Dask executor passed in has its client
        dask_client = client or getattr(executor, "_client", None)
        if dask_client is not None:
            from lstm_helpers.training.cluster import prepare_cluster

            prepare_cluster(dask_client, _one_thread)
        if executor is None:
            workers = max(1, min(workers or default_workers(), len(todo)))
            if workers > 1:
                own, _ = _local_pool(workers)
                executor = own
        where = (
            "this process"
            if executor is None
            else f"{workers} worker process(es)"
            if own
            else "the executor"
        )
        print(f"training {len(todo)} model(s) in {where} ...", flush=True)
        failed = False
        try:
            if executor is None:
                for key, idx in todo.items():
                    try:
                        finish(key, fit(jobs[idx[0]], log_every))
                    except Exception as err:
                        raise RuntimeError(
                            f"training {jobs[idx[0]].label or key} failed: {err}"
                        ) from err
            else:
                futures: dict[Future, str] = {
                    executor.submit(_fit_quietly, jobs[i[0]]): key
                    for key, i in todo.items()
                }
                for future in as_completed(futures):
                    key = futures[future]
                    try:
                        out = future.result()
                    except Exception as err:
                        failed = True
                        for other in futures:
                            other.cancel()
                        raise RuntimeError(
                            f"training {jobs[todo[key][0]].label or key} failed: {err}"
                        ) from err
                    finish(key, out)
        finally:
            if own is not None and (failed or sys.exc_info()[0] is not None):
                # a job failed or the run was interrupted: stop the jobs still running
                _discard_pool(workers)
            if client is not None:
                client.close()
    print(progress.summary(), flush=True)
    return results  # type: ignore[return-value]
