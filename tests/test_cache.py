"""Tests of lstm_helpers.training.cache: atomic entries, concurrent writers, damaged
entries, the published results."""

import os
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

from lstm_helpers.training import cache


def test_save_and_load_round_trip(tmp_cache):
    arrays = {"outputs": np.arange(5.0), "weight_0": np.ones((2, 3), dtype="float32")}
    path = cache.save("abc", arrays, {"loss": [0.5, 0.25]})
    assert path == tmp_cache / "abc.npz" and cache.keys() == ["abc"]
    loaded, meta = cache.load("abc")
    assert (
        np.array_equal(loaded["outputs"], arrays["outputs"])
        and loaded["weight_0"].dtype == np.float32
    )
    assert meta["loss"] == [0.5, 0.25] and meta["key"] == "abc"
    assert cache.load("other") is None
    assert not list(tmp_cache.glob(".*.tmp"))  # no temporary file left behind
    with pytest.raises(ValueError, match="reserved"):
        cache.save("x", {"__meta__": np.zeros(1)}, {})


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a zip file at all", "truncate", "rename"],
    ids=["empty", "garbage", "truncated", "other-key"],
)
def test_damaged_entry_warns_once_is_removed_and_missing(tmp_cache, damage):
    path = cache.save("key1", {"outputs": np.arange(1000.0)}, {"loss": []})
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:300])
    elif damage == "rename":  # a complete entry, but of another key
        cache.save("key2", {"outputs": np.zeros(3)}, {})
        os.replace(tmp_cache / "key2.npz", path)
    else:
        path.write_bytes(damage)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cache.load("key1") is None
    assert [type(w.message) for w in caught] == [cache.CacheWarning]
    assert "damaged cache entry" in str(caught[0].message) and "key1.npz" in str(
        caught[0].message
    )
    assert not path.exists()


def test_leftovers_of_crashed_writes_are_cleaned(tmp_cache):
    tmp_cache.mkdir(parents=True)
    old, fresh = tmp_cache / ".k.123.aaaa.tmp", tmp_cache / ".k.456.bbbb.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    past = time.time() - cache.STALE_SECONDS - 60
    os.utime(old, (past, past))
    cache.save("k", {"outputs": np.zeros(2)}, {})  # every save cleans first
    # a write in progress elsewhere is left alone
    assert not old.exists() and fresh.exists()


WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from lstm_helpers.training import cache
    value = float(sys.argv[1])
    for _ in range(150):
        cache.save("shared", {"outputs": np.full(20000, value)}, {"writer": value})
    """
)


def test_two_processes_writing_one_key_never_fail_and_readers_never_see_half_an_entry(
    tmp_cache,
):
    env = {**os.environ, cache.CACHE_ENV: str(tmp_cache)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(v)], env=env, stderr=subprocess.PIPE
        )
        for v in (1.0, 2.0)
    ]
    seen, overlapped = set(), 0
    with warnings.catch_warnings():
        # a half entry would warn: fail instead
        warnings.simplefilter("error", cache.CacheWarning)
        while any(w.poll() is None for w in writers):
            found = cache.load("shared")
            if found is not None and all(w.poll() is None for w in writers):
                overlapped += 1  # read while both writers were still writing
            if found is not None:
                arrays, meta = found
                # one writer's complete entry
                assert np.all(arrays["outputs"] == meta["writer"])
                seen.add(meta["writer"])
    errors = [w.stderr.read().decode() for w in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    # the claim is only tested if reads really overlapped the writes: an empty `seen`
    # would prove nothing
    assert overlapped >= 10, f"only {overlapped} read(s) overlapped the two writers"
    assert seen and seen <= {1.0, 2.0}
    assert cache.load("shared") is not None
    assert not list(tmp_cache.glob(".*.tmp"))


def test_lookup_order_published_results_and_retraining(
    tmp_cache, tmp_results, monkeypatch
):
    cache.save("k", {"outputs": np.ones(2)}, {}, root=tmp_results)
    arrays, _, source = cache.lookup("k")
    assert source == "published" and np.array_equal(arrays["outputs"], np.ones(2))
    cache.save("k", {"outputs": np.zeros(2)}, {})
    assert cache.lookup("k")[2] == "cache"  # the local cache comes first
    monkeypatch.setenv(cache.RETRAIN_ENV, "1")
    assert cache.lookup("k") is None
    # --retrain sets the run's start: an entry written since counts, an older one does
    # not, the published never
    written = cache.entry_path("k").stat().st_mtime
    monkeypatch.setenv(cache.RETRAIN_ENV, f"{written - 5:.0f}")
    assert cache.lookup("k")[2] == "cache"
    monkeypatch.setenv(cache.RETRAIN_ENV, f"{written + 5:.0f}")
    assert cache.lookup("k") is None
    cache.entry_path("k").unlink()
    monkeypatch.setenv(cache.RETRAIN_ENV, f"{written - 5:.0f}")
    # the published entry is older than any retraining run's start
    assert cache.lookup("k") is None
    cache.save("k", {"outputs": np.zeros(2)}, {})
    monkeypatch.delenv(cache.RETRAIN_ENV)
    # a damaged published entry is ignored, never deleted (it is a committed file)
    (tmp_results / "bad.npz").write_bytes(b"x")
    with pytest.warns(cache.CacheWarning, match="ignored"):
        assert cache.lookup("bad") is None
    assert (tmp_results / "bad.npz").exists()


def test_clear_and_command_line(tmp_cache, capsys):
    cache.save("k1", {"o": np.zeros(1)}, {})
    cache.save("k2", {"o": np.zeros(1)}, {})
    assert cache.main(["info"]) == 0 and "2 cached result(s)" in capsys.readouterr().out
    assert cache.main(["clear"]) == 0 and "removed 2" in capsys.readouterr().out
    assert cache.keys() == [] and cache.main(["bogus"]) == 2
