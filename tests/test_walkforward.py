"""Tests of lstm_helpers.lessons.walkforward: folds, the moving validation year, every fold scored."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.lessons.walkforward import fold_config, walk_forward, walk_forward_windows
from lstm_helpers.models.report_model import ModelConfig


def test_walk_forward_windows_and_fold_config(series):
    fold = walk_forward_windows(series, 2015)
    assert fold.train_dates.max() < pd.Timestamp("2015-01-01") <= fold.test_dates.min()
    assert fold.test_dates.max() < pd.Timestamp("2016-01-01")
    es = ModelConfig(early_stopping=True)
    assert fold_config(es, 2015).val_start == "2014"
    assert fold_config(es, 2017) == es  # the 2017 fold is lesson 05's run
    assert fold_config(ModelConfig(), 2015).val_start == "2016"  # no early stopping: unchanged


def test_walk_forward_scores_every_fold_with_baselines(series, tmp_cache):
    tiny = ModelConfig(name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False)
    runs, preds, folds = walk_forward({"SYN": pd.DataFrame({"High": series})}, [2016, 2017],
                                      {"tiny": (tiny, "level")}, seeds=[0], workers=1)
    assert set(runs["fold"]) == {2016, 2017}
    assert set(runs["model"]) == {"tiny", "persistence", "EMA(0.5)", "drift", "AR on returns"}  # no Close column
    # the fold's benchmarks are fitted on the fold's training years: the 2016 fold's drift is 2015's
    train = series.loc[:"2015"]
    step = (train.iloc[-1] - train.iloc[0]) / (len(train) - 1)
    np.testing.assert_allclose(preds[("SYN", 2016, "drift", 0)], folds[("SYN", 2016)].test_previous + step)
    persistence = runs[runs["model"] == "persistence"].set_index("fold")["skill"]
    assert (persistence == 0).all()
    assert len(preds[("SYN", 2016, "tiny", 0)]) == len(folds[("SYN", 2016)].test_dates)
    np.testing.assert_array_equal(preds[("SYN", 2017, "persistence", 0)], folds[("SYN", 2017)].test_previous)
    with pytest.raises(ValueError, match="at least one fold year"):
        walk_forward({"SYN": pd.DataFrame({"High": series})}, [], {"tiny": (tiny, "level")}, seeds=[0])
