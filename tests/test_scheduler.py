"""Tests of lstm_helpers.training.scheduler: the one cached path, workers, executors,
failures, progress."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.training import cache, digests, scheduler
from lstm_helpers.training.digests import job_key
from lstm_helpers.training.jobs import TrainJob, fit
from lstm_helpers.training.scheduler import train, train_many

TINY = ModelConfig(
    name="tiny",
    units=3,
    layers=1,
    dropout=0.0,
    epochs=1,
    batch_size=64,
    jit_compile=False,
)


def make_job(d, seed=0, config=TINY, label="T"):
    return TrainJob(config, d.X_train, d.y_train, d.X_test, seed=seed, label=label)


def publish(key, results):
    results.mkdir(parents=True, exist_ok=True)
    cache.entry_path(key).replace(cache.entry_path(key, results))


@pytest.fixture
def jobs(random_walk_windows):
    return [
        make_job(random_walk_windows, 5, label="a"),
        make_job(random_walk_windows, 6, label="b"),
    ]


def test_workers_train_what_this_process_would_and_the_parent_stores_it(
    jobs, tmp_cache, tmp_results
):
    here = fit(jobs[0], log_every=0)
    # spawned worker processes, one CPU thread each
    results = train_many(jobs, workers=2)
    assert [r.source for r in results] == ["trained", "trained"]
    assert np.array_equal(results[0].outputs, here.outputs)
    assert sorted(cache.keys()) == sorted(job_key(j) for j in jobs)
    again = train_many(jobs, workers=2)
    assert [r.source for r in again] == ["cache", "cache"] and all(
        r.cached for r in again
    )
    assert (
        np.array_equal(again[1].outputs, results[1].outputs)
        and again[1].loss == results[1].loss
    )


def test_the_worker_processes_start_once_and_serve_every_later_call(
    random_walk_windows, tmp_cache, tmp_results
):
    import multiprocessing as mp

    train_many(
        [make_job(random_walk_windows, s, label=str(s)) for s in (11, 12)], workers=2
    )
    pool, others = scheduler._POOLS[2]
    workers = set(mp.active_children()) - others
    assert len(workers) == 2
    train_many(
        [make_job(random_walk_windows, s, label=str(s)) for s in (13, 14)], workers=2
    )
    # the same processes
    assert (
        scheduler._POOLS[2][0] is pool and set(mp.active_children()) - others == workers
    )


def test_any_executor_works_and_a_key_asked_twice_trains_once(
    jobs, tmp_cache, tmp_results, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        scheduler, "_fit_quietly", lambda job: calls.append(job.label) or fit(job, 0)
    )
    with ThreadPoolExecutor(2) as pool:
        results = train_many([jobs[0], jobs[1], jobs[0]], executor=pool)
    assert sorted(calls) == ["a", "b"]
    assert np.array_equal(results[0].outputs, results[2].outputs)


def test_the_first_failure_stops_the_run_and_names_the_job(
    random_walk_windows, tmp_cache, tmp_results
):
    broken = make_job(
        random_walk_windows,
        config=ModelConfig(name="broken", cell="transformer"),
        label="IBM broken",
    )
    later = [
        make_job(random_walk_windows, seed=s, label=f"later {s}") for s in range(3)
    ]
    with (
        ThreadPoolExecutor(1) as pool,
        pytest.raises(RuntimeError, match="training IBM broken failed: cell must"),
    ):
        train_many([broken, *later], executor=pool)
    # the jobs queued behind it were cancelled, nothing was stored
    assert cache.keys() == []
    with pytest.raises(RuntimeError, match="training IBM broken failed"):
        train_many([broken], workers=1)


def test_published_results_load_without_training(
    jobs, tmp_cache, tmp_results, monkeypatch
):
    trained = train_many(jobs[:1], workers=1)[0]
    publish(trained.key, tmp_results)
    monkeypatch.setattr(
        scheduler, "fit", lambda *a, **k: pytest.fail("trained a published model")
    )
    loaded = train_many(jobs[:1], workers=1)[0]
    assert loaded.source == "published" and np.array_equal(
        loaded.outputs, trained.outputs
    )


def test_a_damaged_entry_is_retrained_with_one_warning(jobs, tmp_cache, tmp_results):
    first = train(jobs[0])
    cache.entry_path(first.key).write_bytes(b"PK\x03\x04 killed mid-write")
    with pytest.warns(cache.CacheWarning, match="damaged cache entry"):
        again = train(jobs[0])
    assert again.source == "trained" and np.array_equal(again.outputs, first.outputs)
    assert train(jobs[0]).source == "cache"


def test_retrain_ignores_stored_results_and_reports_the_difference(
    jobs, tmp_cache, tmp_results, monkeypatch, capsys
):
    first = train(jobs[0])
    publish(first.key, tmp_results)
    monkeypatch.setenv(cache.RETRAIN_ENV, "1")
    again = train(jobs[0])
    assert again.source == "trained"
    assert (
        "largest difference from the published outputs 0 (0.00% of their range)"
    ) in capsys.readouterr().out


def test_progress_lines_and_keys_reach_the_runner_files(
    jobs, tmp_cache, tmp_results, tmp_path, monkeypatch
):
    progress, keys = tmp_path / "progress.txt", tmp_path / "keys.txt"
    monkeypatch.setenv(scheduler.PROGRESS_ENV, str(progress))
    monkeypatch.setenv(scheduler.KEYS_ENV, str(keys))
    train_many(jobs[:1], workers=1)
    train_many(jobs, workers=1)
    lines = progress.read_text().splitlines()
    assert lines[0].startswith("[1/1] a: trained, 1 epochs in")
    assert lines[2].startswith("[1/2] a: loaded from the local cache (1 epochs,")
    assert "b: trained" in lines[3] and "0 to train" in lines[3]
    assert lines[4] == (
        "2 model(s): 0 loaded from the published results, 1 "
        "from the local cache, 1 trained"
    )
    assert [line.split()[1] for line in keys.read_text().splitlines()] == [
        "trained",
        "cache",
        "trained",
    ]


def test_dask_cluster_runs_the_jobs(jobs, tmp_cache, tmp_results, monkeypatch):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as lc:
        # what --scheduler sets
        monkeypatch.setenv(scheduler.SCHEDULER_ENV, lc.scheduler_address)
        results = train_many(jobs)
    assert [r.source for r in results] == ["trained", "trained"]
    assert np.array_equal(results[0].outputs, fit(jobs[0], 0).outputs)
    # stored by this process
    assert sorted(cache.keys()) == sorted(r.key for r in results)


@pytest.mark.xfail(
    strict=False,
    reason="with the plugin the first Dask job matched the local "
    "pool's bit for bit "
    "in one run here, but differed in a later one and in CI (cause not "
    "found): see the README",
)
def test_a_process_dask_cluster_trains_what_the_local_pool_trains(
    random_walk_windows, tmp_cache, tmp_results
):
    """Worker processes of a real (process-based) LocalCluster give the local pool's
    outputs, bit for bit.

    Planted once: without the worker plugin (``prepare_cluster`` patched away) the
    threads differ and the outputs differ by 0.04, so the test can fail.
    """
    distributed = pytest.importorskip("distributed")
    config = ModelConfig(
        name="small", units=16, layers=2, dropout=0.2, epochs=2, batch_size=32
    )
    job = make_job(random_walk_windows, seed=0, config=config, label="small")
    local = train_many(
        [job, make_job(random_walk_windows, seed=1, config=config)], workers=2
    )[0]
    cache.clear()
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as lc,
        distributed.Client(lc) as client,
    ):
        remote = train_many([job], executor=client.get_executor())[0]
    assert remote.source == "trained" and local.environment["threads"] == {
        "intra_op": 1,
        "inter_op": 1,
    }
    print("largest difference", np.abs(remote.outputs - local.outputs).max())
    # recorded in the entry
    assert remote.environment["threads"] == local.environment["threads"]
    assert np.array_equal(remote.outputs, local.outputs)


def test_a_cluster_whose_workers_run_several_threads_is_refused(
    jobs, tmp_cache, tmp_results
):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as lc,
        distributed.Client(lc) as client,
        pytest.raises(RuntimeError, match=r"runs 2 threads.*--nthreads 1"),
    ):
        train_many(jobs[:1], executor=client.get_executor())
    assert cache.keys() == []  # nothing trained


def test_default_workers_on_a_cpu_machine(monkeypatch):
    monkeypatch.setenv(scheduler.WORKERS_ENV, "3")
    assert scheduler.default_workers() == 3
    monkeypatch.delenv(scheduler.WORKERS_ENV)
    assert scheduler.default_workers() >= 1


def test_where_a_result_was_made_is_stored_and_shown_when_it_is_loaded(
    jobs, tmp_cache, tmp_results, capsys
):
    trained = train_many(jobs[:1], workers=1)[0]
    _, meta = cache.load(trained.key)
    assert meta["environment"] == digests.environment() == trained.environment
    assert "python" not in meta["info"]["versions"]  # recorded, not keyed
    elsewhere = {
        **meta,
        "environment": {
            "python": "3.99.1",
            "platform": "Plan9 mips",
            "device": "CPU",
            "packages": {"tensorflow": "9.9"},
        },
    }
    arrays, _ = cache.load(trained.key)
    cache.save(trained.key, arrays, elsewhere, root=tmp_results)
    cache.entry_path(trained.key).unlink()
    capsys.readouterr()
    loaded = train_many(jobs[:1], workers=1)[0]
    assert loaded.source == "published"
    assert (
        "(published results produced on Plan9 mips, Python 3.99.1, CPU, TensorFlow 9.9)"
    ) in capsys.readouterr().out


def test_a_failure_in_a_worker_process_stops_the_other_workers(
    random_walk_windows, tmp_cache, tmp_results
):
    import multiprocessing as mp

    broken = make_job(
        random_walk_windows,
        config=ModelConfig(name="broken", cell="transformer"),
        label="IBM broken",
    )
    slow = make_job(
        random_walk_windows, config=TINY.with_training(epochs=100_000), label="slow"
    )
    before = set(mp.active_children())
    with pytest.raises(RuntimeError, match="training IBM broken failed"):
        train_many([broken, slow], workers=2)
    import time

    deadline = time.monotonic() + 30  # the slow job alone trains for minutes
    while set(mp.active_children()) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    # the slow job's worker did not keep training
    assert set(mp.active_children()) - before == set()
    assert 2 not in scheduler._POOLS  # and the next call starts fresh workers
