"""Every exercise check passes on the lesson's solution, says "not done yet" on the
learner copy's placeholder, and fails on planted typical mistakes with a message that
names them.

The solutions are not copied here: each test runs the answer cell of the lesson itself
(``notebooks/NN_name.ipynb``, cell ``exercise-N-answer``), and the placeholder is that
cell after :func:`lstm_helpers.course.exercise_copies.strip_solutions`. Cells that use a
lesson's data get small seeded stand-ins for it.
"""

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import fails, not_done, passes
from sklearn.model_selection import train_test_split

from lstm_helpers import checks
from lstm_helpers.course.exercise_copies import strip_solutions
from lstm_helpers.data.periods import choose_split, range_table
from lstm_helpers.evaluation.baselines import simple_moving_average
from lstm_helpers.evaluation.metrics import rmse
from lstm_helpers.lessons.gate_analysis import gate_trace
from lstm_helpers.lessons.memory_task import CONSTANT_MSE, adding_problem
from lstm_helpers.numpy_lstm import (
    init_lstm_params,
    input_gradient_norms,
    min_rnn,
    sigmoid,
)
from lstm_helpers.paths import NOTEBOOK_DIR


def answer_source(lesson: str, n: int) -> str:
    nb = json.loads((NOTEBOOK_DIR / f"{lesson}.ipynb").read_text())
    (cell,) = [c for c in nb["cells"] if c.get("id") == f"exercise-{n}-answer"]
    return "".join(cell["source"])


def run_answer(lesson: str, n: int, placeholder: bool = False, **context) -> dict:
    """The names the answer cell defines: the lesson's solution, or the learner copy's
    placeholder."""
    source = answer_source(lesson, n)
    if placeholder:
        source = strip_solutions(source)
    namespace = {"np": np, "pd": pd, **context}
    exec(compile(source, f"{lesson} exercise {n}", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def prices():
    """Two seeded stocks, 2006-2017, with a High and a Close (High rounded to cents, so
    days can tie)."""
    days = pd.bdate_range("2006-01-02", "2017-12-29")
    out = {}
    for k, ticker in enumerate(("AAA", "BBB")):
        rng = np.random.default_rng(k)
        close = 40 * np.exp(np.cumsum(rng.normal(0.0004, 0.012, len(days))))
        out[ticker] = pd.DataFrame(
            {"Close": close, "High": np.round(close * 1.01, 1)}, index=days
        )
    return out


@pytest.fixture(scope="module")
def split(prices):
    return choose_split(prices, None, None, None)


# ---------------------------------------------------------------- the data lesson


def test_date_split(prices, split):
    ns = run_answer("00_data", 1)
    passes(checks.date_split(ns["my_split"]))
    not_done(checks.date_split(run_answer("00_data", 1, placeholder=True)["my_split"]))
    fails(
        checks.date_split(lambda s, a, b, c: (s.loc[:b], s.loc[b:c])),
        "test days leak into training",
    )
    fails(
        checks.date_split(
            lambda s, a, b, c: (s.loc[:a].sample(frac=1, random_state=0), s.loc[b:c])
        ),
        "shuffled",
    )
    fails(
        checks.date_split(lambda s, a, b, c: (s.loc[:a], s.loc[b:])),
        "the test part has",
    )
    fails(checks.date_split(lambda s, a, b, c: 1 / 0), "ZeroDivisionError")


def test_share_above_training_max(prices, split):
    ns = run_answer("00_data", 2, prices=prices, split=split, T="High")
    passes(
        checks.share_above_training_max(
            ns["my_share"], prices, split, "High", guess=ns["my_guess"]
        )
    )
    blank = run_answer(
        "00_data", 2, placeholder=True, prices=prices, split=split, T="High"
    )
    not_done(checks.share_above_training_max(blank["my_share"], prices, split, "High"))
    percent = {t: 100 * v for t, v in ns["my_share"].items()}
    # the planted mistakes below must differ from the truth
    assert max(ns["my_share"].values()) > 0
    fails(checks.share_above_training_max(percent, prices, split, "High"), "percentage")
    whole = {
        t: float((f.loc["2017", "High"] > f["High"].max()).mean())
        for t, f in prices.items()
    }
    fails(
        checks.share_above_training_max(whole, prices, split, "High"),
        "training days' maximum",
    )
    fails(
        checks.share_above_training_max({"AAA": 0.5}, prices, split, "High"),
        "no value for BBB",
    )


def test_other_split(prices, split):
    context = {
        "prices": prices,
        "split": split,
        "T": "High",
        "range_table": range_table,
    }
    ns = run_answer("00_data", 3, **context)
    passes(
        checks.other_split(ns["my_split_years"], ns["my_other_share"], prices, "High")
    )
    blank = run_answer("00_data", 3, placeholder=True, **context)
    not_done(
        checks.other_split(
            blank["my_split_years"], blank["my_other_share"], prices, "High"
        )
    )
    fails(
        checks.other_split(
            ("2014", "2013", "2013"), ns["my_other_share"], prices, "High"
        ),
        "training must end",
    )
    fails(
        checks.other_split(
            ("2012", "2013", "2013"), ns["my_other_share"], prices, "High"
        )
        if ns["my_split_years"] != ("2012", "2013", "2013")
        else checks.other_split(
            ("2011", "2012", "2012"), ns["my_other_share"], prices, "High"
        ),
        "expected",
    )


# ---------------------------------------------------------------- the baselines lesson


def test_moving_average():
    passes(checks.moving_average(run_answer("01_baselines", 1)["my_sma"]))
    not_done(
        checks.moving_average(run_answer("01_baselines", 1, placeholder=True)["my_sma"])
    )
    fails(checks.moving_average(lambda s, n: s.rolling(n).mean()), "day t's own price")
    fails(
        checks.moving_average(lambda s, n: s.rolling(n, min_periods=1).mean().shift(1)),
        "min_periods",
    )
    fails(
        checks.moving_average(lambda s, n: s.rolling(max(n - 1, 1)).mean().shift(1)),
        "days, not",
    )


def test_persistence_rmse(prices, split):
    test = slice(split.test_start, split.test_end)
    context = {"prices": prices, "cfg": {"target": "High"}, "test": test}
    ns = run_answer("01_baselines", 2, **context)
    passes(
        checks.persistence_rmse(
            ns["my_rmse"], prices, split, "High", guess=ns["my_guess"]
        )
    )
    blank = run_answer("01_baselines", 2, placeholder=True, **context)
    not_done(checks.persistence_rmse(blank["my_rmse"], prices, split, "High"))
    mse = {
        t: float(((f["High"].shift(1) - f["High"]).loc[test] ** 2).mean())
        for t, f in prices.items()
    }
    fails(checks.persistence_rmse(mse, prices, split, "High"), "mean squared error")
    inside = {
        t: float(
            np.sqrt(((f["High"].loc[test].shift(1) - f["High"].loc[test]) ** 2).mean())
        )
        for t, f in prices.items()
    }
    fails(
        checks.persistence_rmse(inside, prices, split, "High"),
        "first test day is missing",
    )


def test_mase_function():
    passes(checks.mase_function(run_answer("01_baselines", 4)["my_mase"]))
    not_done(
        checks.mase_function(run_answer("01_baselines", 4, placeholder=True)["my_mase"])
    )
    fails(
        checks.mase_function(
            lambda a, f, tr: np.mean(np.abs(f - a)) / np.mean(np.abs(np.diff(a)))
        ),
        "scale comes from the test values",
    )
    fails(
        checks.mase_function(
            lambda a, f, tr: np.mean((f - a) ** 2) / np.mean(np.abs(np.diff(tr)))
        ),
        "squared",
    )


def test_sma_sweep(prices, split):
    test = slice(split.test_start, split.test_end)
    context = {
        "prices": prices,
        "cfg": {"target": "High"},
        "test": test,
        "rmse": rmse,
        "simple_moving_average": simple_moving_average,
    }
    ns = run_answer("01_baselines", 3, **context)
    passes(checks.sma_sweep(ns["my_ticker"], ns["my_sweep"], prices, split, "High"))
    blank = run_answer("01_baselines", 3, placeholder=True, **context)
    not_done(
        checks.sma_sweep(blank["my_ticker"], blank["my_sweep"], prices, split, "High")
    )
    s = prices["AAA"]["High"]
    everywhere = {
        n: rmse(s.iloc[n:], simple_moving_average(s, n).iloc[n:]) for n in (2, 5, 10)
    }
    fails(
        checks.sma_sweep("AAA", everywhere, prices, split, "High"), "over the test days"
    )
    fails(
        checks.sma_sweep("AAA", {2: 1.0, 5: 1.0}, prices, split, "High"), "at least 3"
    )
    fails(
        checks.sma_sweep("ZZZ", everywhere, prices, split, "High"),
        "not one of the loaded stocks",
    )


# ---------------------------------------------------------------- the cell lesson


def _step(order=(0, 1, 2, 3), output_gate=True, candidate=np.tanh):
    def step(x, h, c, kernel, recurrent_kernel, bias):
        H = h.shape[1]
        z = x @ kernel + h @ recurrent_kernel + bias
        block = {
            gate: z[:, k * H : (k + 1) * H]
            for gate, k in zip("ifco", order, strict=True)
        }
        i, f, o = sigmoid(block["i"]), sigmoid(block["f"]), sigmoid(block["o"])
        c_next = f * c + i * candidate(block["c"])
        return (o if output_gate else 1.0) * np.tanh(c_next), c_next

    return step


def test_step_forward():
    passes(checks.step_forward(run_answer("02_lstm_cell", 1)["my_lstm_step"]))
    passes(checks.step_forward(_step()))
    not_done(
        checks.step_forward(
            run_answer("02_lstm_cell", 1, placeholder=True)["my_lstm_step"]
        )
    )
    fails(checks.step_forward(_step(output_gate=False)), "without the output gate")
    fails(
        checks.step_forward(_step(order=(0, 1, 3, 2))),
        "wrong order",
        "c from block 4",
        "o from block 3",
    )
    fails(
        checks.step_forward(_step(candidate=sigmoid)),
        "candidate C'_t goes through a sigmoid",
    )


def test_pulse_bias():
    ns = run_answer("02_lstm_cell", 2)
    passes(checks.pulse_bias(ns["my_gate"], ns["my_bias"]))
    blank = run_answer("02_lstm_cell", 2, placeholder=True)
    not_done(checks.pulse_bias(blank["my_gate"], blank["my_bias"]))
    fails(checks.pulse_bias("i", 5.5), "input gate decides what is written")
    fails(checks.pulse_bias("o", 5.5), "output gate")
    fails(checks.pulse_bias("f", 4.0), "fades below 90%", "b >= 5.19")
    # C_20 > C_1 here, but the pulse itself fades
    fails(checks.pulse_bias("c", 2.0), "candidate's bias")
    fails(checks.pulse_bias("forget", 5.5), "must be one of")


def test_gate_means():
    gm = SimpleNamespace(params=init_lstm_params(1, 4, 0))
    data = SimpleNamespace(X_test=np.random.default_rng(0).normal(size=(7, 12, 1)))
    context = {"gm": gm, "data": data, "gate_trace": gate_trace}
    ns = run_answer("02_lstm_cell", 4, **context)
    passes(
        checks.gate_means(ns["my_window"], ns["my_gate_means"], gm.params, data.X_test)
    )
    blank = run_answer("02_lstm_cell", 4, placeholder=True, **context)
    not_done(
        checks.gate_means(
            blank["my_window"], blank["my_gate_means"], gm.params, data.X_test
        )
    )
    other = gate_trace(gm.params, data.X_test[0])
    wrong = {g: float(other[g].mean()) for g in "ifo"}
    fails(checks.gate_means(ns["my_window"], wrong, gm.params, data.X_test), "expected")
    fails(checks.gate_means(7, wrong, gm.params, data.X_test), "from 0 to 6")


def test_sequence_forward():
    from lstm_helpers.numpy_lstm import lstm_forward, lstm_step_forward

    passes(
        checks.sequence_forward(
            run_answer("02_lstm_cell", 3, lstm_step_forward=lstm_step_forward)[
                "my_lstm_forward"
            ]
        )
    )
    passes(checks.sequence_forward(lambda x, k, r, b: lstm_forward(x, k, r, b)[0]))
    not_done(
        checks.sequence_forward(
            run_answer("02_lstm_cell", 3, placeholder=True)["my_lstm_forward"]
        )
    )

    def loop(carry=True, swap=False, reverse=False):
        def forward(x, k, r, b):
            N, T, _ = x.shape
            H = r.shape[0]
            h = c = np.zeros((N, H))
            out = {}
            for t in range(T - 1, -1, -1) if reverse else range(T):
                h_in, c_in = (h, c) if carry else (np.zeros((N, H)), np.zeros((N, H)))
                h, c, _ = lstm_step_forward(
                    x[:, t], *((c_in, h_in) if swap else (h_in, c_in)), k, r, b
                )
                out[t] = h
            return np.stack([out[t] for t in range(T)], axis=1)

        return forward

    passes(checks.sequence_forward(loop()))
    fails(checks.sequence_forward(loop(carry=False)), "starts from zeros")
    fails(checks.sequence_forward(loop(swap=True)), "h and c are swapped")
    fails(checks.sequence_forward(loop(reverse=True)), "time runs forward")
    fails(
        checks.sequence_forward(lambda x, k, r, b: lstm_forward(x, k, r, b)[0][:, -1]),
        "only the last step",
    )
    fails(
        checks.sequence_forward(lambda x, k, r, b: lstm_forward(x, k, r, b)),
        "returned a pair",
    )
    fails(
        checks.sequence_forward(
            lambda x, k, r, b: np.asarray(lstm_forward(x, k, r, b)[0]).transpose(
                1, 0, 2
            )
        ),
        "the time axis comes second",
    )


# ---------------------------------------------------------------- the learning lesson


def _backward(
    output_path=True,
    incoming=True,
    keep_f=True,
    d_f=True,
    d_o=True,
    d_c=True,
    order=(0, 1, 2, 3),
):
    def backward(dh, dc, cache):
        i, f, g, o, tanh_c = (cache[k] for k in ("i", "f", "g", "o", "tanh_c"))
        dc_total = (dc if incoming else 0) + dh * (o if output_path else 1) * (
            1 - tanh_c**2
        )
        blocks = [
            dc_total * g * i * (1 - i),
            dc_total * cache["c_prev"] * (f * (1 - f) if d_f else 1),
            dc_total * i * ((1 - g**2) if d_c else 1),
            dh * tanh_c * (o * (1 - o) if d_o else 1),
        ]
        dz = np.concatenate([blocks[k] for k in order], axis=1)
        return {
            "x": dz @ cache["kernel"].T,
            "h_prev": dz @ cache["recurrent_kernel"].T,
            "c_prev": dc_total * (f if keep_f else 1),
            "kernel": cache["x_t"].T @ dz,
            "recurrent_kernel": cache["h_prev"].T @ dz,
            "bias": dz.sum(axis=0),
        }

    return backward


def test_step_backward():
    passes(checks.step_backward(run_answer("03_learning", 1)["my_step_backward"]))
    not_done(
        checks.step_backward(
            run_answer("03_learning", 1, placeholder=True)["my_step_backward"]
        )
    )
    fails(
        checks.step_backward(_backward(output_path=False)),
        "dC_t is wrong",
        "path through H_t",
    )
    fails(
        checks.step_backward(_backward(incoming=False)),
        "dC_t is wrong",
        "gradient from later steps",
    )
    fails(
        checks.step_backward(_backward(keep_f=False)),
        "gradient 'c_prev'",
        "dC_(t-1) = dC_t * f",
    )
    fails(
        checks.step_backward(_backward(d_f=False)),
        "the forget gate's gradient is wrong",
        "f (1 - f)",
    )
    fails(
        checks.step_backward(_backward(d_o=False)),
        "the output gate's gradient is wrong",
        "o (1 - o)",
    )
    fails(
        checks.step_backward(_backward(d_c=False)),
        "the candidate's gradient is wrong",
        "1 - C'_t**2",
    )
    fails(
        checks.step_backward(_backward(order=(0, 1, 3, 2))),
        "holds the output gate's gradient",
        "Keras's order",
    )
    r = fails(
        checks.step_backward(
            lambda dh, dc, cache: {
                k: v for k, v in _backward()(dh, dc, cache).items() if k != "bias"
            }
        ),
        "no gradient 'bias'",
    )
    assert "bias" in r.message
    as32 = lambda dh, dc, cache: {  # noqa: E731
        k: v.astype("float32") for k, v in _backward()(dh, dc, cache).items()
    }
    passes(checks.step_backward(as32))  # a float32 answer is a right answer


def test_step_backward_names_the_gate_block():
    def wrong_forget(dh, dc, cache):
        out = _backward()(dh, dc, cache)
        H = dh.shape[1]
        out["kernel"] = out["kernel"].copy()
        out["kernel"][:, H : 2 * H] *= 2
        return out

    # the bias gradient is right, so dz is; the kernel's forget-gate columns are planted
    # wrong
    fails(
        checks.step_backward(wrong_forget),
        "gradient 'kernel', the forget gate's columns",
    )


def test_backward_through_time():
    from lstm_helpers.numpy_lstm import lstm_step_backward

    passes(
        checks.backward_through_time(
            run_answer("03_learning", 2, lstm_step_backward=lstm_step_backward)[
                "my_lstm_backward"
            ]
        )
    )
    not_done(
        checks.backward_through_time(
            run_answer("03_learning", 2, placeholder=True)["my_lstm_backward"]
        )
    )

    def bptt(carry_h=True, carry_c=True, add=True, forward=False):
        def backward(dh_seq, caches):
            N, T, H = dh_seq.shape
            grads = dict.fromkeys(("kernel", "recurrent_kernel", "bias"), 0.0)
            dx, dh_next, dc = [None] * T, np.zeros((N, H)), np.zeros((N, H))
            for t in range(T) if forward else reversed(range(T)):
                g = lstm_step_backward(
                    dh_seq[:, t] + (dh_next if carry_h else 0),
                    dc if carry_c else 0 * dc,
                    caches[t],
                )
                for k in grads:
                    grads[k] = grads[k] + g[k] if add else g[k]
                dx[t], dh_next, dc = g["x"], g["h_prev"], g["c_prev"]
            return {"x": np.stack(dx, axis=1), **grads}

        return backward

    passes(checks.backward_through_time(bptt()))
    fails(
        checks.backward_through_time(bptt(carry_h=False)),
        "dh from step t + 1 is not added",
    )
    fails(checks.backward_through_time(bptt(carry_c=False)), "dc is not carried back")
    fails(
        checks.backward_through_time(bptt(forward=True)),
        "from the last step to the first",
    )
    fails(checks.backward_through_time(bptt(add=False)), "not summed over the steps")
    fails(checks.backward_through_time(lambda dh, caches: [1, 2]), "must return a dict")
    time_first = lambda dh, caches: {  # noqa: E731
        **bptt()(dh, caches),
        "x": bptt()(dh, caches)["x"].transpose(1, 0, 2),
    }
    fails(checks.backward_through_time(time_first), "the time axis comes second")


def _one_sided(f, a, eps=1e-6):
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        base = f()
        a[idx] = old + eps
        grad[idx] = (f() - base) / eps
        a[idx] = old
    return grad


def test_numerical_gradient_check():
    passes(
        checks.numerical_gradient_check(
            run_answer("03_learning", 3)["my_numerical_gradient"]
        )
    )
    not_done(
        checks.numerical_gradient_check(
            run_answer("03_learning", 3, placeholder=True)["my_numerical_gradient"]
        )
    )
    fails(checks.numerical_gradient_check(_one_sided), "one-sided")
    solution = run_answer("03_learning", 3)["my_numerical_gradient"]
    fails(
        checks.numerical_gradient_check(lambda f, a, eps: 2 * solution(f, a, eps)),
        "twice the gradient",
    )

    def no_restore(f, a, eps):
        grad = solution(f, a, eps)
        a[0, 0] += eps
        return grad

    fails(checks.numerical_gradient_check(no_restore), "array is changed")

    # +eps, -2 eps, +eps: round-off of 1e-16 is not a change
    def by_arithmetic(f, a, eps):
        grad = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            a[idx] += eps
            up = f()
            a[idx] -= 2 * eps
            down = f()
            a[idx] += eps
            grad[idx] = (up - down) / (2 * eps)
        return grad

    passes(checks.numerical_gradient_check(by_arithmetic))

    def on_a_copy(f, a, eps):
        b, grad = a.copy(), np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            b[idx] += eps
            up = f()
            b[idx] -= 2 * eps
            grad[idx] = (up - f()) / (2 * eps)
            b[idx] += eps
        return grad

    fails(checks.numerical_gradient_check(on_a_copy), "all zeros", "not a copy")
    nan_one = lambda f, a, eps: np.where(  # noqa: E731
        np.arange(a.size).reshape(a.shape) == 5, np.nan, solution(f, a, eps)
    )
    fails(checks.numerical_gradient_check(nan_one), "not finite", "(1, 1)")
    fails(
        checks.numerical_gradient_check(lambda f, a, eps: np.full(a.shape, np.nan)),
        "not finite",
        "(0, 0)",
    )


def test_forget_bias_sweep():
    H = 4
    x_window = np.random.default_rng(1).normal(size=(1, 15, 1))

    def lstm_with(seed, forget_bias=None):
        q = init_lstm_params(1, H, seed)
        if forget_bias is not None:
            q["bias"][H : 2 * H] = forget_bias
        return q

    context = {
        "lstm_with": lstm_with,
        "x_window": x_window,
        "input_gradient_norms": input_gradient_norms,
    }
    ns = run_answer("03_learning", 4, **context)
    passes(checks.forget_bias_sweep(ns["my_ratios"], x_window, H))
    not_done(
        checks.forget_bias_sweep(
            run_answer("03_learning", 4, placeholder=True, **context)["my_ratios"],
            x_window,
            H,
        )
    )
    inverted = {b: 1 / r for b, r in ns["my_ratios"].items()}
    fails(checks.forget_bias_sweep(inverted, x_window, H), "Oldest first")
    fails(checks.forget_bias_sweep({1.0: 0.5}, x_window, H), "at least 3")


# ---------------------------------------------------------------- the memory lesson


def test_global_norm_clip():
    from lstm_helpers.numpy_lstm import clip_global_norm

    passes(checks.global_norm_clip(run_answer("04_memory", 3)["my_clip"]))
    passes(checks.global_norm_clip(clip_global_norm))
    not_done(
        checks.global_norm_clip(run_answer("04_memory", 3, placeholder=True)["my_clip"])
    )
    norm = lambda g: float(np.sqrt(sum(float((v**2).sum()) for v in g.values())))  # noqa: E731
    fails(
        checks.global_norm_clip(
            lambda g, m: (
                {k: v * min(1, m / np.linalg.norm(v)) for k, v in g.items()},
                norm(g),
            )
        ),
        "each array is capped on its own",
    )
    fails(
        checks.global_norm_clip(
            lambda g, m: ({k: v * m / norm(g) for k, v in g.items()}, norm(g))
        ),
        "scaled even when its norm is below",
    )
    fails(
        checks.global_norm_clip(
            lambda g, m: ({k: np.clip(v, -m, m) for k, v in g.items()}, norm(g))
        ),
        "np.clip",
    )
    fails(
        checks.global_norm_clip(
            lambda g, m: (clip_global_norm(g, m)[0], float(np.linalg.norm(g["kernel"])))
        ),
        "one array's norm",
    )
    fails(
        checks.global_norm_clip(lambda g, m: clip_global_norm(g, m)[0]),
        "must return (clipped, norm)",
    )
    fails(
        checks.global_norm_clip(
            lambda g, m: (clip_global_norm(g, m)[0], min(clip_global_norm(g, m)[1], m))
        ),
        "the norm after clipping",
    )


def test_adding_targets():
    passes(checks.adding_targets(run_answer("04_memory", 1)["my_adding_targets"]))
    not_done(
        checks.adding_targets(
            run_answer("04_memory", 1, placeholder=True)["my_adding_targets"]
        )
    )
    fails(checks.adding_targets(lambda X: X[:, :, 0].sum(axis=1)), "sum of all values")
    fails(
        checks.adding_targets(
            lambda X: np.array(
                [
                    r[np.flatnonzero(m)[0]]
                    for r, m in zip(X[..., 0], X[..., 1], strict=True)
                ]
            )
        ),
        "only the first marked value",
    )


def test_constant_answer_mse():
    _, y = adding_problem(500, 10, seed=3)
    ns = run_answer("04_memory", 2, y_shown_test=y)
    passes(checks.constant_answer_mse(ns["my_mse"], y, guess=ns["my_guess"]))
    not_done(
        checks.constant_answer_mse(
            run_answer("04_memory", 2, placeholder=True, y_shown_test=y)["my_mse"], y
        )
    )
    fails(
        checks.constant_answer_mse(float(np.mean(np.abs(y - 1))), y),
        "mean absolute error",
    )
    fails(checks.constant_answer_mse(float(np.mean(y**2)), y), "answering 0")


def test_longest_solved():
    run = lambda cell, delay, seed, mse, bias=None: SimpleNamespace(  # noqa: E731
        cell=cell, delay=delay, seed=seed, forget_bias=bias, test_mse=mse
    )
    runs = [
        run("rnn", 10, 0, 0.001),
        run("rnn", 10, 1, 0.003),
        run("rnn", 60, 0, 0.16),
        run("rnn", 60, 1, 0.17),
        run("lstm", 10, 0, 0.0002),
        run("lstm", 60, 0, 0.002),
        run("lstm", 60, 1, 0.01),
        run("lstm", 100, 0, 0.0001, bias=5.0),
    ]
    ns = run_answer("04_memory", 4, runs=runs, CONSTANT_MSE=CONSTANT_MSE)
    passes(checks.longest_solved(ns["my_threshold"], ns["my_longest"], runs))
    assert ns["my_longest"] == {"rnn": 10, "lstm": 60}
    blank = run_answer(
        "04_memory", 4, placeholder=True, runs=runs, CONSTANT_MSE=CONSTANT_MSE
    )
    not_done(checks.longest_solved(blank["my_threshold"], blank["my_longest"], runs))
    fails(
        checks.longest_solved(ns["my_threshold"], {"rnn": 10, "lstm": 100}, runs),
        "expected 60",
    )
    fails(checks.longest_solved(0.5, ns["my_longest"], runs), "between 0 and")


# ---------------------------------------------------------------- the Keras lesson


def _windows(scaler_on_all=False, lag=0, late_test=False):
    from sklearn.preprocessing import MinMaxScaler

    def windows(series, train_end, test_start, test_end, window):
        series = series.loc[:test_end]
        train = series.loc[:train_end]
        fit_on = series if scaler_on_all else train
        scaler = MinMaxScaler().fit(fit_on.to_numpy().reshape(-1, 1))
        scaled = scaler.transform(series.to_numpy().reshape(-1, 1)).ravel()
        X = np.stack([scaled[k : k + window] for k in range(len(scaled) - window)])[
            ..., None
        ]
        y = scaled[window - lag : len(scaled) - lag]
        days = series.index[window:]
        is_train, is_test = days <= train.index[-1], days >= pd.Timestamp(test_start)
        if late_test:
            is_test &= np.arange(len(days)) >= is_train.sum() + window
        return X[is_train], y[is_train], X[is_test], y[is_test]

    return windows


def test_leak_free_windows():
    passes(checks.leak_free_windows(run_answer("06_keras_model", 1)["my_windows"]))
    passes(checks.leak_free_windows(_windows()))
    not_done(
        checks.leak_free_windows(
            run_answer("06_keras_model", 1, placeholder=True)["my_windows"]
        )
    )
    fails(
        checks.leak_free_windows(_windows(scaler_on_all=True)),
        "scaler was fitted on all years",
    )
    fails(checks.leak_free_windows(_windows(lag=1)), "off by one")
    fails(
        checks.leak_free_windows(_windows(late_test=True)),
        "start in the training period",
    )


def test_report_model():
    from lstm_helpers.tf_quiet import keras

    ns = run_answer("06_keras_model", 2, keras=keras)
    passes(checks.report_model(ns["my_report_model"]))
    not_done(
        checks.report_model(
            run_answer("06_keras_model", 2, placeholder=True, keras=keras)[
                "my_report_model"
            ]
        )
    )

    def built(
        units=50,
        sequences=(True, True, True, False),
        rate=0.2,
        optimizer="rmsprop",
        loss="mean_squared_error",
        dense=1,
        compiled=True,
        dropout=True,
        features=1,
        lstm=None,
        dense_args=None,
    ):
        def model(window):
            m = keras.Sequential([keras.Input((window, features))])
            for s in sequences:
                m.add(keras.layers.LSTM(units, return_sequences=s, **(lstm or {})))
                if dropout:
                    m.add(keras.layers.Dropout(rate))
            m.add(keras.layers.Dense(dense, **(dense_args or {})))
            if compiled:
                m.compile(optimizer=optimizer, loss=loss)
            return m

        return model

    passes(checks.report_model(built()))
    fails(
        checks.report_model(built(sequences=(True, True, True, True))),
        "return_sequences",
        "the last only",
    )
    fails(
        checks.report_model(built(sequences=(False, False, False, False))),
        "return_sequences",
    )
    fails(checks.report_model(built(units=64)), "[64, 64, 64, 64] units")
    fails(checks.report_model(built(rate=0.1)), "dropout rates")
    fails(checks.report_model(built(dropout=False)), "each followed by Dropout(0.2)")
    fails(checks.report_model(built(optimizer="adam")), "optimizer is Adam")
    fails(checks.report_model(built(loss="mae")), "the loss is 'mae'")
    fails(checks.report_model(built(compiled=False)), "not compiled")
    fails(checks.report_model(built(dense=2)), "Dense(1)")
    fails(checks.report_model(built(sequences=(True, True, False))), "four LSTM(50)")
    fails(checks.report_model(lambda window: "a model"), "must return a Keras model")
    # a loss object is a right answer
    passes(checks.report_model(built(loss=keras.losses.MeanSquaredError())))
    # the window written in
    fails(checks.report_model(lambda window: built()(60)), "(60, 1) and (60, 1)")
    # the whole configuration, not only the layers' kinds and sizes
    fails(
        checks.report_model(built(lstm={"activation": "relu"})),
        "first LSTM layer has activation='relu'",
        "'tanh'",
    )
    fails(
        checks.report_model(built(dense_args={"activation": "sigmoid"})),
        "Dense layer has activation='sigmoid'",
    )
    fails(
        checks.report_model(built(lstm={"dropout": 0.2})),
        "LSTM layer has dropout=0.2",
        "dropout=0",
    )
    fails(
        checks.report_model(
            built(optimizer=keras.optimizers.RMSprop(learning_rate=0.1))
        ),
        "learning_rate is 0.1",
        "0.001",
    )
    # the default RMSprop, as an object
    passes(checks.report_model(built(optimizer=keras.optimizers.RMSprop())))

    def no_input(window):
        m = keras.Sequential()
        for k in range(4):
            m.add(keras.layers.LSTM(50, return_sequences=k < 3))
            m.add(keras.layers.Dropout(0.2))
        m.add(keras.layers.Dense(1))
        m.compile(optimizer="rmsprop", loss="mean_squared_error")
        return m

    fails(checks.report_model(no_input), "keras.Input((window, 1))")


def test_gru_params():
    passes(checks.gru_params(run_answer("06_keras_model", 3)["my_gru_params"]))
    not_done(
        checks.gru_params(
            run_answer("06_keras_model", 3, placeholder=True)["my_gru_params"]
        )
    )
    fails(checks.gru_params(lambda D, H: 4 * (D * H + H * H + H)), "LSTM's count")
    fails(
        checks.gru_params(lambda D, H: 3 * (D * H + H * H + H)), "one bias vector short"
    )


def test_shift_rmse():
    days = pd.bdate_range("2016-06-01", "2017-12-29")
    high = pd.Series(
        100 + np.cumsum(np.random.default_rng(2).normal(0, 1, len(days))), index=days
    )
    test_dates = high.loc["2017"].index
    forecast = high.shift(1).loc[test_dates].to_numpy() + 0.3
    context = {
        "runs": {"default": SimpleNamespace(predictions=forecast)},
        "high": high,
        "data": SimpleNamespace(test_dates=test_dates),
    }
    ns = run_answer("06_keras_model", 4, **context)
    r = passes(checks.shift_rmse(ns["my_shift_rmse"], forecast, high, test_dates))
    assert "1 trading day(s) earlier" in r.message
    not_done(
        checks.shift_rmse(
            run_answer("06_keras_model", 4, placeholder=True, **context)[
                "my_shift_rmse"
            ],
            forecast,
            high,
            test_dates,
        )
    )
    later = {
        k: float(np.sqrt(np.nanmean((high.shift(-k).loc[test_dates] - forecast) ** 2)))
        for k in (1, 2, 3)
    }
    fails(checks.shift_rmse(later, forecast, high, test_dates), "shift the other way")


# ---------------------------------------------------------------- the experiments
# lesson


def test_dm_statistic():
    from scipy import stats

    solution = run_answer("07_experiments", 2)["my_dm"]
    passes(checks.dm_statistic(solution))
    not_done(
        checks.dm_statistic(run_answer("07_experiments", 2, placeholder=True)["my_dm"])
    )
    fails(checks.dm_statistic(lambda y, a, b: solution(y, b, a)), "sign is flipped")

    def absolute(y, a, b):
        d = np.abs(a - y) - np.abs(b - y)
        t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
        return t, 2 * stats.t.sf(abs(t), len(d) - 1)

    fails(checks.dm_statistic(absolute), "absolute errors")

    def normal_p(y, a, b):
        t, _ = solution(y, a, b)
        return t, 2 * stats.norm.sf(abs(t))

    fails(checks.dm_statistic(normal_p), "normal distribution")


@pytest.fixture(scope="module")
def runs():
    rng = np.random.default_rng(5)
    rows = []
    for ticker in ("AAA", "BBB"):
        for model in ("LSTM default", "GRU", "LSTM log-return"):
            for seed in (0, 1, 2):
                stat = rng.normal(2 if model != "LSTM log-return" else -1.5, 1.5)
                rows.append(
                    {
                        "ticker": ticker,
                        "model": model,
                        "seed": seed,
                        "rmse": rng.uniform(1, 3),
                        "dm_vs_persistence": stat,
                        "dm_p": float(
                            2 * (1 - __import__("scipy").stats.norm.cdf(abs(stat)))
                        ),
                    }
                )
    return pd.DataFrame(rows)


def test_significant_wins(runs):
    ns = run_answer("07_experiments", 3, runs=runs)
    passes(checks.significant_wins(ns["my_count"], runs, guess=ns["my_guess"]))
    not_done(
        checks.significant_wins(
            run_answer("07_experiments", 3, placeholder=True, runs=runs)["my_count"],
            runs,
        )
    )
    everything = int((runs["dm_p"] < 0.05).sum())
    assert everything != ns["my_count"]
    fails(checks.significant_wins(everything, runs), "also those significantly worse")
    # a count at the 10% level that equals the count of every lower loss: both mistakes
    # named, not one
    tied = runs.copy()
    better = tied["dm_vs_persistence"] < 0
    tied.loc[better, "dm_p"] = 0.07  # every better run has 0.05 <= p < 0.10
    tied.loc[better.idxmax(), "dm_p"] = 0.01  # one of them significant at 5%
    r = checks.significant_wins(int(better.sum()), tied)
    fails(r, "every run with a lower loss", "or you counted at the 10% level")


def test_seed_spread(runs):
    ns = run_answer("07_experiments", 1, runs=runs)
    passes(checks.seed_spread(ns["my_model"], ns["my_spread"], runs))
    blank = run_answer("07_experiments", 1, placeholder=True, runs=runs)
    not_done(checks.seed_spread(blank["my_model"], blank["my_spread"], runs))
    population = {
        t: (g.mean(), float(np.std(g)))
        for t, g in runs[runs["model"] == "GRU"].groupby("ticker")["rmse"]
    }
    fails(checks.seed_spread("GRU", population, runs), "ddof=0")
    fails(checks.seed_spread("LSTM", population, runs), "not a model of the comparison")
    one_seed = runs[runs["seed"] == 0]
    r = passes(
        checks.seed_spread(
            "GRU",
            {
                t: (g.mean(), g.std())
                for t, g in one_seed[one_seed["model"] == "GRU"].groupby("ticker")[
                    "rmse"
                ]
            },
            one_seed,
        )
    )
    assert "one seed: no std" in r.message


# ---------------------------------------------------------------- the multi-step lesson


def test_rule_function():
    passes(checks.rule_function(run_answer("08_information", 1)["my_rule"]))
    not_done(
        checks.rule_function(
            run_answer("08_information", 1, placeholder=True)["my_rule"]
        )
    )
    ratio = lambda f, d: (f["High"] / f["Close"]).rolling(d)  # noqa: E731
    fails(
        checks.rule_function(lambda f, d: f["Close"].shift(1) * ratio(f, d).mean()),
        "day t's own High",
    )
    fails(
        checks.rule_function(lambda f, d: f["Close"] * ratio(f, d).mean().shift(1)),
        "day t's Close",
    )
    fails(
        checks.rule_function(
            lambda f, d: (
                f["Close"].shift(1)
                * (f["High"].rolling(d).mean() / f["Close"].rolling(d).mean()).shift(1)
            )
        ),
        "ratio of the mean High",
    )
    fails(
        checks.rule_function(
            lambda f, d: (
                f["Close"].shift(1)
                * (f["High"] / f["Close"]).rolling(d, min_periods=1).mean().shift(1)
            )
        ),
        "min_periods",
    )


def test_rule_days(prices, split):
    ns = run_answer(
        "08_information", 2, train_prices=prices, split=split, cfg={"target": "High"}
    )
    passes(checks.rule_days(ns["my_days"], ns["my_ratios"], prices, split))
    blank = run_answer(
        "08_information",
        2,
        placeholder=True,
        train_prices=prices,
        split=split,
        cfg={"target": "High"},
    )
    not_done(checks.rule_days(blank["my_days"], blank["my_ratios"], prices, split))
    inverted = {t: 1 / v for t, v in ns["my_ratios"].items()}
    fails(
        checks.rule_days(ns["my_days"], inverted, prices, split),
        "persistence's RMSE over the rule's",
    )
    sixty = run_answer(
        "08_information", 2, train_prices=prices, split=split, cfg={"target": "High"}
    )
    # measured with 20 days, called 60
    fails(checks.rule_days(60, sixty["my_ratios"], prices, split), "expected")
    fails(checks.rule_days(2.5, ns["my_ratios"], prices, split), "whole number")
    # typed from a printed table
    printed = {t: float(f"{v:.4f}") for t, v in ns["my_ratios"].items()}
    passes(checks.rule_days(ns["my_days"], printed, prices, split))


def test_recursive_loop():
    from lstm_helpers.lessons import multi_step as ms

    passes(checks.recursive_loop(run_answer("09_multi_step", 1)["my_recursive"]))
    not_done(
        checks.recursive_loop(
            run_answer("09_multi_step", 1, placeholder=True)["my_recursive"]
        )
    )
    passes(checks.recursive_loop(ms.recursive_paths))

    def frozen(step, history, horizon, scale):  # the forecast is never fed back
        window = np.array(history, dtype=float)
        change = np.ravel(step(((window / window[:, -1:] - 1) / scale)[:, :, None]))
        return window[:, -1:] * (1 + change[:, None] * scale) ** np.arange(
            1, horizon + 1
        )

    # every change applied to the origin's price
    def from_origin(step, history, horizon, scale):
        window, out = np.array(history, dtype=float), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = history[:, -1] * (
                1
                + np.ravel(step(((window / window[:, -1:] - 1) / scale)[:, :, None]))
                * scale
            )
            window = np.concatenate([window[:, 1:], out[:, h : h + 1]], axis=1)
        return out

    def growing(step, history, horizon, scale):  # the oldest price is never dropped
        window, out = np.array(history, dtype=float), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = window[:, -1] * (
                1
                + np.ravel(step(((window / window[:, -1:] - 1) / scale)[:, :, None]))
                * scale
            )
            window = np.concatenate([window, out[:, h : h + 1]], axis=1)
        return out

    fails(checks.recursive_loop(frozen), "the window never changes")

    # the loop as a beginner writes it: the window never slides
    def literal(step, history, horizon, scale):
        window, out = np.array(history, dtype=float), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = window[:, -1] * (
                1
                + np.ravel(step(((window / window[:, -1:] - 1) / scale)[:, :, None]))
                * scale
            )
        return out

    fails(checks.recursive_loop(literal), "the window never slides", "path ", "day ")
    fails(checks.recursive_loop(from_origin), "applied to the origin's price")
    fails(checks.recursive_loop(growing), "the window grows")
    fails(
        checks.recursive_loop(
            lambda step, history, horizon, scale: np.zeros((6, horizon))
        ),
        "differs",
    )
    fails(checks.recursive_loop(lambda *a: 1 / 0), "raised ZeroDivisionError")


def test_horizon_growth():
    rng = np.random.default_rng(3)
    origin = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    actual = np.stack([np.r_[origin[h:], [np.nan] * h] for h in range(1, 21)], axis=1)
    context = {
        "H": 20,
        "data": {"X": SimpleNamespace(actual=actual, origin_price=origin)},
        "first": "X",
        "ms": __import__("lstm_helpers.lessons.multi_step", fromlist=["x"]),
    }
    ns = run_answer("09_multi_step", 2, **context)
    r = passes(
        checks.horizon_growth(ns["my_ratio"], actual, origin, 20, guess=ns["my_guess"])
    )
    assert "Your guess was 4.472" in r.message
    blank = run_answer("09_multi_step", 2, placeholder=True, **context)
    not_done(checks.horizon_growth(blank["my_ratio"], actual, origin, 20))
    fails(
        checks.horizon_growth(float(np.sqrt(20)), actual, origin, 20),
        "the random walk's prediction",
    )
    fails(checks.horizon_growth(1 / ns["my_ratio"], actual, origin, 20), "turn it over")
    fails(
        checks.horizon_growth(ns["my_ratio"] ** 2, actual, origin, 20),
        "take the square root",
    )
    fails(checks.horizon_growth("5", actual, origin, 20), "must be a number")
    # a number typed as the lesson prints it is right at the precision it was printed
    # with
    want = ns["my_ratio"]
    passes(checks.horizon_growth(float(f"{want:.3f}"), actual, origin, 20))
    passes(checks.horizon_growth(float(f"{want:.4g}"), actual, origin, 20))
    fails(
        checks.horizon_growth(float(f"{want:.3f}") + 0.002, actual, origin, 20),
        "expected",
    )
    # too few digits
    fails(checks.horizon_growth(float(f"{want:.1f}"), actual, origin, 20), "expected")


def test_best_strategy():
    rows = [
        {"ticker": t, "strategy": s, "seed": seed, "h": h, "ratio": r + 0.01 * seed}
        for t, ratios in (
            ("AAA", {"persistence": 1.0, "drift": 0.99, "recursive": 0.985}),
            ("BBB", {"persistence": 1.0, "drift": 1.02, "recursive": 1.01}),
        )
        for s, r in ratios.items()
        for seed in (0, 1)
        for h in (1, 5, 10)
    ]
    by_horizon = pd.DataFrame(rows)
    by_horizon.loc[
        (by_horizon["strategy"] == "recursive")
        & (by_horizon["seed"] == 1)
        & (by_horizon["ticker"] == "AAA"),
        "ratio",
    ] = 1.2  # one bad seed: the mean, not the best run, decides
    ns = run_answer(
        "09_multi_step", 3, H=10, by_horizon=by_horizon, data={"AAA": None, "BBB": None}
    )
    r = passes(checks.best_strategy(ns["my_horizon"], ns["my_best"], by_horizon))
    assert "AAA drift" in r.message and "BBB persistence" in r.message
    blank = run_answer(
        "09_multi_step", 3, placeholder=True, H=10, by_horizon=by_horizon, data={}
    )
    not_done(checks.best_strategy(blank["my_horizon"], blank["my_best"], by_horizon))
    fails(
        checks.best_strategy(
            10, {"AAA": "recursive", "BBB": "persistence"}, by_horizon
        ),
        "average over the seeds",
    )
    fails(
        checks.best_strategy(10, {"AAA": "drift", "BBB": "drift"}, by_horizon),
        "the highest mean ratio",
    )
    # a lead within the noise the exercise names is a tie: either strategy passes, and
    # the message says so
    tied = by_horizon.copy()
    # 0.002 behind
    tied.loc[
        (tied["ticker"] == "BBB") & (tied["strategy"] == "recursive"), "ratio"
    ] -= 0.008
    r = passes(checks.best_strategy(10, {"AAA": "drift", "BBB": "recursive"}, tied))
    assert "BBB recursive" in r.message and "a tie" in r.message
    fails(
        checks.best_strategy(10, {"AAA": "drift", "BBB": "drift"}, tied),
        "more than the 0.005",
    )
    fails(checks.best_strategy(10, {"AAA": "drift"}, by_horizon), "no entry for BBB")
    fails(checks.best_strategy(7, ns["my_best"], by_horizon), "not a scored horizon")
    fails(checks.best_strategy(10.5, ns["my_best"], by_horizon), "whole number")
    fails(
        checks.best_strategy(10, {"AAA": "oracle", "BBB": "drift"}, by_horizon),
        "not a strategy scored",
    )


# ---------------------------------------------------------------- the uncertainty
# lesson


def _uq_changes(seed=4, n_val=120, n_test=150):
    """Seeded relative changes: a validation year, then a calmer test year whose last
    day has no outcome yet."""
    rng = np.random.default_rng(seed)
    val = rng.normal(0, 0.012, (n_val, 1))
    test = rng.normal(0, 0.008, (n_test, 1))
    test[-1] = np.nan
    return val, test


def test_pinball():
    from lstm_helpers.evaluation.distribution_scores import pinball_loss

    passes(checks.pinball(run_answer("10_uncertainty", 1)["my_pinball"]))
    not_done(
        checks.pinball(run_answer("10_uncertainty", 1, placeholder=True)["my_pinball"])
    )
    passes(checks.pinball(pinball_loss))
    fails(
        checks.pinball(lambda y, f, q: pinball_loss(y, f, 1 - q)),
        "the level's sign is flipped",
    )
    fails(
        checks.pinball(lambda y, f, q: 0.5 * float(np.mean(np.abs(y - f)))),
        "half the absolute error",
    )
    fails(
        checks.pinball(lambda y, f, q: len(y) * pinball_loss(y, f, q)),
        "a sum over the days",
    )
    fails(checks.pinball(lambda y, f, q: [1, 2]), "must be a")


def test_band_scores():
    passes(checks.band_scores(run_answer("10_uncertainty", 2)["my_band_scores"]))
    not_done(
        checks.band_scores(
            run_answer("10_uncertainty", 2, placeholder=True)["my_band_scores"]
        )
    )
    good = run_answer("10_uncertainty", 2)["my_band_scores"]

    def nan_as_miss(actual, low, high, coverage):
        inside = (low <= actual) & (actual <= high)  # NaN compares False: a miss
        return float(inside.mean()), good(actual, low, high, coverage)[1]

    def penalty_once(actual, low, high, coverage):
        known = ~np.isnan(actual)
        y, lo, hi = actual[known], low[known], high[known]
        miss = np.where(y < lo, lo - y, 0) + np.where(y > hi, y - hi, 0)
        cov = good(actual, low, high, coverage)[0]
        return cov, float(np.mean(hi - lo + miss / (1 - coverage)))

    def width_only(actual, low, high, coverage):
        known = ~np.isnan(actual)
        return good(actual, low, high, coverage)[0], float(
            np.mean(high[known] - low[known])
        )

    def in_percent(actual, low, high, coverage):
        c, w = good(actual, low, high, coverage)
        return 100 * c, w

    fails(checks.band_scores(nan_as_miss), "counted as misses")
    fails(checks.band_scores(penalty_once), "the penalty outside the band is 1/alpha")
    fails(checks.band_scores(width_only), "the width alone")
    fails(checks.band_scores(in_percent), "in percent")
    fails(checks.band_scores(lambda *a: 0.8), "must return two numbers")


def test_conformal_threshold():
    from lstm_helpers.evaluation.conformal import conformal_quantile

    answer = run_answer("10_uncertainty", 3)["my_conformal_quantile"]
    r = passes(checks.conformal_threshold(answer))
    assert "infinite band" in r.message
    not_done(
        checks.conformal_threshold(
            run_answer("10_uncertainty", 3, placeholder=True)["my_conformal_quantile"]
        )
    )
    passes(checks.conformal_threshold(conformal_quantile))

    def k_of(n, c, plus_one=True):
        return int(np.ceil(((n + 1) if plus_one else n) * c))

    def no_plus_one(scores, c):
        return float(np.sort(scores)[k_of(len(scores), c, False) - 1])

    def one_too_far(scores, c):
        k = k_of(len(scores), c)
        return float(np.sort(scores)[k]) if k < len(scores) else np.inf

    fails(
        checks.conformal_threshold(lambda s, c: float(np.quantile(s, c))),
        "the finite-sample correction is left out",
    )
    fails(checks.conformal_threshold(no_plus_one), "k is ceil(n * coverage)")
    fails(checks.conformal_threshold(one_too_far), "one place too far")
    fails(
        checks.conformal_threshold(lambda s, c: float(np.quantile(s, 1 - c))),
        "the upper tail",
    )


def test_adaptive_step():
    from lstm_helpers.lessons import uncertainty as uq

    val, test = _uq_changes()
    realised = {"X": {"val": val, "test": test}}
    ns = run_answer("10_uncertainty", 4, realised=realised, first="X", H=(1,), uq=uq)
    r = passes(
        checks.adaptive_step(
            ns["my_gamma"], ns["my_coverage"], val[:, 0], test[:, 0], 1, ns["my_guess"]
        )
    )
    assert "Your guess was" in r.message
    blank = run_answer(
        "10_uncertainty",
        4,
        placeholder=True,
        realised=realised,
        first="X",
        H=(1,),
        uq=uq,
    )
    not_done(
        checks.adaptive_step(
            blank["my_gamma"], blank["my_coverage"], val[:, 0], test[:, 0], 1
        )
    )
    got = ns["my_coverage"]
    fails(
        checks.adaptive_step(ns["my_gamma"], 100 * got, val[:, 0], test[:, 0], 1),
        "in percent",
    )
    # the coverage counted with the unknown last day as a miss
    known = int((~np.isnan(test[:, 0])).sum())
    fails(
        checks.adaptive_step(
            ns["my_gamma"], got * known / len(test), val[:, 0], test[:, 0], 1
        ),
        "covers",
    )
    fails(checks.adaptive_step(0, got, val[:, 0], test[:, 0], 1), "must lie in")


# ---------------------------------------------------------------- the gates-today
# lesson


def test_min_lstm_step_solution():
    passes(checks.min_lstm_step(run_answer("05_gates_today", 1)["my_min_lstm_step"]))
    not_done(
        checks.min_lstm_step(
            run_answer("05_gates_today", 1, placeholder=True)["my_min_lstm_step"]
        )
    )


def test_scan_solution():
    passes(checks.scan(run_answer("05_gates_today", 2)["my_scan"]))
    not_done(checks.scan(run_answer("05_gates_today", 2, placeholder=True)["my_scan"]))


def test_first_failure_solution():
    ns = run_answer("05_gates_today", 3)
    passes(checks.first_failure(ns["my_first_failure"]))
    blank = run_answer("05_gates_today", 3, placeholder=True)
    assert blank["my_prediction"] is None
    not_done(checks.first_failure(blank["my_first_failure"]))


def test_product_breaks():
    ns = run_answer("05_gates_today", 4, scan_parallel=min_rnn.scan_parallel)
    r = passes(checks.product_breaks(ns["my_gate"], ns["my_step"], guess=3000))
    assert "Your guess was 3000" in r.message
    blank = run_answer(
        "05_gates_today", 4, placeholder=True, scan_parallel=min_rnn.scan_parallel
    )
    not_done(checks.product_breaks(blank["my_gate"], blank["my_step"]))
    gate, step = ns["my_gate"], ns["my_step"]
    fails(checks.product_breaks(gate, step - 1), "counts steps from 0")
    in_float32 = checks.gates_today.first_broken_step(gate, np.float32)
    fails(checks.product_breaks(gate, in_float32), "float32")
    fails(checks.product_breaks(1.5, step), "strictly between 0 and 1")
    fails(checks.product_breaks(0.99999, 1), "stays finite")


# ---------------------------------------------------------------- the literature and
# walk-forward lesson


def test_chronological_split():
    passes(
        checks.chronological_split(
            run_answer("11_literature_walkforward", 1)["my_fraction_split"]
        )
    )
    not_done(
        checks.chronological_split(
            run_answer("11_literature_walkforward", 1, placeholder=True)[
                "my_fraction_split"
            ]
        )
    )

    def shuffled(X, y, fraction):
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, train_size=fraction, random_state=0
        )
        return X_tr, y_tr, X_te, y_te

    fails(checks.chronological_split(shuffled), "the split is shuffled")
    ceil = (  # noqa: E731
        lambda X, y, f: (
            X[: int(np.ceil(f * len(y)))],
            y[: int(np.ceil(f * len(y)))],
            X[int(np.ceil(f * len(y))) :],
            y[int(np.ceil(f * len(y))) :],
        )
    )
    fails(checks.chronological_split(ceil), "expected floor(0.75 * 203) = 152")


def test_fold_up_shares(prices):
    context = {
        "prices": prices,
        "cfg": {"wf_tickers": ["BBB"]},
        "T": "High",
        "split": choose_split(prices, None, None, None),
    }
    ns = run_answer("11_literature_walkforward", 2, **context)
    passes(checks.fold_up_shares(ns["my_ticker"], ns["my_up_shares"], prices, "High"))
    blank = run_answer("11_literature_walkforward", 2, placeholder=True, **context)
    not_done(
        checks.fold_up_shares(blank["my_ticker"], blank["my_up_shares"], prices, "High")
    )
    s = prices["BBB"]["High"]
    ties = {y: float((s >= s.shift(1)).loc[str(y)].mean()) for y in (2015, 2016)}
    # the seeded prices do have unchanged days
    assert ties != {y: ns["my_up_shares"][y] for y in ties}
    fails(checks.fold_up_shares("BBB", ties, prices, "High"), "count as up in yours")
    not_up = {y: float((s > s.shift(1)).loc[str(y)].mean()) for y in (2015, 2016)}
    fails(
        checks.fold_up_shares("BBB", not_up, prices, "High"),
        "count as 'not up' in yours",
    )


# ---------------------------------------------------------------- the result itself


def test_the_toy_candidate_bias_raises_the_state_but_keeps_no_pulse():
    bias = np.array([-3.0, 3.0, 2.0, 0.0])
    with_pulse = checks.toy_cell_states(bias)
    # why the check measures the pulse, not C_20 / C_1
    assert with_pulse[-1] > 0.9 * with_pulse[0]
    assert (with_pulse - checks.toy_cell_states(bias, pulse=False))[
        -1
    ] < 0.5 * with_pulse[0]


def test_a_result_is_one_line_and_never_raises():
    r = checks.moving_average(lambda s, n: "not a series")
    assert r.status == checks.FAILED and "\n" not in str(r)
    assert not r and bool(
        checks.moving_average(run_answer("01_baselines", 1)["my_sma"])
    )
    assert checks.moving_average(42).status == checks.FAILED
    assert checks.moving_average(None).status == checks.NOT_DONE


# ---------------------------------------------------------------- every check against
# the same bad answers


def _first_number(x, replace):
    """``x`` with its first finite number replaced by ``replace(number)`` (dicts, lists,
    tuples, arrays, pandas)."""
    if isinstance(x, bool) or isinstance(x, str):
        return x, False
    if isinstance(x, int | float | np.number):
        return (replace(x), True) if np.isfinite(x) else (x, False)
    if isinstance(x, pd.Series | pd.DataFrame | np.ndarray):
        values = np.array(x, dtype=float, copy=True)
        finite = np.flatnonzero(np.isfinite(values))
        if not len(finite):
            return x, False
        new = replace(values.flat[finite[0]])
        if isinstance(new, str):
            # a whole array cannot hold text: the answer becomes the text
            return new, True
        values.flat[finite[0]] = new
        if isinstance(x, np.ndarray):
            return values, True
        return (
            pd.Series(values, index=x.index, name=x.name)
            if isinstance(x, pd.Series)
            else pd.DataFrame(values, index=x.index, columns=x.columns)
        ), True
    if isinstance(x, dict):
        out = dict(x)
        for k, v in x.items():
            out[k], done = _first_number(v, replace)
            if done:
                return out, True
        return x, False
    if isinstance(x, list | tuple):
        out = list(x)
        for k, v in enumerate(x):
            out[k], done = _first_number(v, replace)
            if done:
                return type(x)(out), True
        return x, False
    return x, False


def _float32(x, dtype=np.float32):
    """``x`` with every float (scalar, array, pandas) held as ``dtype``, as a learner's
    float32 code would return."""
    if isinstance(x, bool) or isinstance(x, int | str | np.integer):
        return x
    if isinstance(x, float | np.floating):
        return dtype(x)
    if isinstance(x, np.ndarray):
        return x.astype(dtype) if np.issubdtype(x.dtype, np.floating) else x
    if isinstance(x, pd.Series | pd.DataFrame):
        return x.astype(dtype)
    if isinstance(x, dict):
        return {k: _float32(v, dtype) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return type(x)(_float32(v, dtype) for v in x)
    return x


def _float16(x):
    """``x`` with every float held as float16 (about three digits): refused, never
    passed."""
    return _float32(x, np.float16)


def _bad_answer_cases(prices, split, runs):
    """check name -> (call(answer) -> Result, the lesson's own answer, is it a
    function)."""
    test = slice(split.test_start, split.test_end)
    gm = SimpleNamespace(params=init_lstm_params(1, 4, 0))
    X = np.random.default_rng(0).normal(size=(7, 12, 1))
    x_window, H = np.random.default_rng(1).normal(size=(1, 15, 1)), 4

    def lstm_with(seed, forget_bias=None):
        q = init_lstm_params(1, H, seed)
        if forget_bias is not None:
            q["bias"][H : 2 * H] = forget_bias
        return q

    _, y_adding = adding_problem(500, 10, seed=3)
    memory_runs = [
        SimpleNamespace(cell=c, delay=d, seed=0, forget_bias=None, test_mse=m)
        for c, d, m in (
            ("rnn", 10, 0.001),
            ("rnn", 60, 0.16),
            ("lstm", 10, 0.0002),
            ("lstm", 60, 0.002),
        )
    ]
    days = pd.bdate_range("2016-06-01", "2017-12-29")
    high = pd.Series(
        100 + np.cumsum(np.random.default_rng(2).normal(0, 1, len(days))), index=days
    )
    test_dates = high.loc["2017"].index
    forecast = high.shift(1).loc[test_dates].to_numpy() + 0.3
    rng = np.random.default_rng(3)
    origin = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    actual = np.stack([np.r_[origin[h:], [np.nan] * h] for h in range(1, 21)], axis=1)
    by_horizon = pd.DataFrame(
        [
            {"ticker": t, "strategy": s, "seed": 0, "h": h, "ratio": r}
            for t in ("AAA", "BBB")
            for s, r in (("persistence", 1.0), ("drift", 0.99))
            for h in (1, 10)
        ]
    )
    ms_module = __import__("lstm_helpers.lessons.multi_step", fromlist=["x"])

    def ns(lesson, n, **context):
        return run_answer(lesson, n, **context)

    share = ns("00_data", 2, prices=prices, split=split, T="High")
    other = ns(
        "00_data", 3, prices=prices, split=split, T="High", range_table=range_table
    )
    rmse_ns = ns("01_baselines", 2, prices=prices, cfg={"target": "High"}, test=test)
    sweep = ns(
        "01_baselines",
        3,
        prices=prices,
        cfg={"target": "High"},
        test=test,
        rmse=rmse,
        simple_moving_average=simple_moving_average,
    )
    pulse = ns("02_lstm_cell", 2)
    gates = ns(
        "02_lstm_cell", 4, gm=gm, data=SimpleNamespace(X_test=X), gate_trace=gate_trace
    )
    ratios = ns(
        "03_learning",
        4,
        lstm_with=lstm_with,
        x_window=x_window,
        input_gradient_norms=input_gradient_norms,
    )
    mse = ns("04_memory", 2, y_shown_test=y_adding)
    longest = ns("04_memory", 4, runs=memory_runs, CONSTANT_MSE=CONSTANT_MSE)
    shifts = ns(
        "06_keras_model",
        4,
        runs={"default": SimpleNamespace(predictions=forecast)},
        high=high,
        data=SimpleNamespace(test_dates=test_dates),
    )
    spread = ns("07_experiments", 1, runs=runs)
    count = ns("07_experiments", 3, runs=runs)
    fold = ns(
        "11_literature_walkforward",
        2,
        prices=prices,
        cfg={"wf_tickers": ["BBB"]},
        T="High",
        split=split,
    )
    growth = ns(
        "09_multi_step",
        2,
        H=20,
        data={"X": SimpleNamespace(actual=actual, origin_price=origin)},
        first="X",
        ms=ms_module,
    )
    best = ns(
        "09_multi_step", 3, H=10, by_horizon=by_horizon, data={"AAA": None, "BBB": None}
    )
    days = ns(
        "08_information", 2, train_prices=prices, split=split, cfg={"target": "High"}
    )
    breaks = ns("05_gates_today", 4, scan_parallel=min_rnn.scan_parallel)
    uq_module = __import__("lstm_helpers.lessons.uncertainty", fromlist=["x"])
    uq_val, uq_test = _uq_changes()
    step = ns(
        "10_uncertainty",
        4,
        realised={"X": {"val": uq_val, "test": uq_test}},
        first="X",
        H=(1,),
        uq=uq_module,
    )
    return {
        "date_split": (checks.date_split, ns("00_data", 1)["my_split"], True),
        "share_above_training_max": (
            lambda a: checks.share_above_training_max(a, prices, split, "High"),
            share["my_share"],
            False,
        ),
        "other_split": (
            lambda a: checks.other_split(other["my_split_years"], a, prices, "High"),
            other["my_other_share"],
            False,
        ),
        "moving_average": (
            checks.moving_average,
            ns("01_baselines", 1)["my_sma"],
            True,
        ),
        "persistence_rmse": (
            lambda a: checks.persistence_rmse(a, prices, split, "High"),
            rmse_ns["my_rmse"],
            False,
        ),
        "mase_function": (checks.mase_function, ns("01_baselines", 4)["my_mase"], True),
        "sma_sweep": (
            lambda a: checks.sma_sweep(sweep["my_ticker"], a, prices, split, "High"),
            sweep["my_sweep"],
            False,
        ),
        "step_forward": (
            checks.step_forward,
            ns("02_lstm_cell", 1)["my_lstm_step"],
            True,
        ),
        "pulse_bias": (
            lambda a: checks.pulse_bias(pulse["my_gate"], a),
            pulse["my_bias"],
            False,
        ),
        "gate_means": (
            lambda a: checks.gate_means(gates["my_window"], a, gm.params, X),
            gates["my_gate_means"],
            False,
        ),
        "sequence_forward": (
            checks.sequence_forward,
            ns(
                "02_lstm_cell",
                3,
                lstm_step_forward=__import__(
                    "lstm_helpers.numpy_lstm", fromlist=["x"]
                ).lstm_step_forward,
            )["my_lstm_forward"],
            True,
        ),
        "report_model": (
            checks.report_model,
            ns(
                "06_keras_model",
                2,
                keras=__import__("lstm_helpers.tf_quiet", fromlist=["x"]).keras,
            )["my_report_model"],
            True,
        ),
        "backward_through_time": (
            checks.backward_through_time,
            ns(
                "03_learning",
                2,
                lstm_step_backward=__import__(
                    "lstm_helpers.numpy_lstm", fromlist=["x"]
                ).lstm_step_backward,
            )["my_lstm_backward"],
            True,
        ),
        "global_norm_clip": (
            checks.global_norm_clip,
            ns("04_memory", 3)["my_clip"],
            True,
        ),
        "step_backward": (
            checks.step_backward,
            ns("03_learning", 1)["my_step_backward"],
            True,
        ),
        "numerical_gradient_check": (
            checks.numerical_gradient_check,
            ns("03_learning", 3)["my_numerical_gradient"],
            True,
        ),
        "forget_bias_sweep": (
            lambda a: checks.forget_bias_sweep(a, x_window, H),
            ratios["my_ratios"],
            False,
        ),
        "adding_targets": (
            checks.adding_targets,
            ns("04_memory", 1)["my_adding_targets"],
            True,
        ),
        "constant_answer_mse": (
            lambda a: checks.constant_answer_mse(a, y_adding),
            mse["my_mse"],
            False,
        ),
        "longest_solved": (
            lambda a: checks.longest_solved(a, longest["my_longest"], memory_runs),
            longest["my_threshold"],
            False,
        ),
        "leak_free_windows": (
            checks.leak_free_windows,
            ns("06_keras_model", 1)["my_windows"],
            True,
        ),
        "gru_params": (
            checks.gru_params,
            ns("06_keras_model", 3)["my_gru_params"],
            True,
        ),
        "shift_rmse": (
            lambda a: checks.shift_rmse(a, forecast, high, test_dates),
            shifts["my_shift_rmse"],
            False,
        ),
        "dm_statistic": (checks.dm_statistic, ns("07_experiments", 2)["my_dm"], True),
        "significant_wins": (
            lambda a: checks.significant_wins(a, runs),
            count["my_count"],
            False,
        ),
        "seed_spread": (
            lambda a: checks.seed_spread(spread["my_model"], a, runs),
            spread["my_spread"],
            False,
        ),
        "rule_function": (
            checks.rule_function,
            ns("08_information", 1)["my_rule"],
            True,
        ),
        "rule_days": (
            lambda a: checks.rule_days(days["my_days"], a, prices, split, "High"),
            days["my_ratios"],
            False,
        ),
        "recursive_loop": (
            checks.recursive_loop,
            ns("09_multi_step", 1)["my_recursive"],
            True,
        ),
        "horizon_growth": (
            lambda a: checks.horizon_growth(a, actual, origin, 20),
            growth["my_ratio"],
            False,
        ),
        "best_strategy": (
            lambda a: checks.best_strategy(a, best["my_best"], by_horizon),
            best["my_horizon"],
            False,
        ),
        "min_lstm_step": (
            checks.min_lstm_step,
            ns("05_gates_today", 1)["my_min_lstm_step"],
            True,
        ),
        "scan": (checks.scan, ns("05_gates_today", 2)["my_scan"], True),
        "first_failure": (
            checks.first_failure,
            ns("05_gates_today", 3)["my_first_failure"],
            True,
        ),
        "product_breaks": (
            lambda a: checks.product_breaks(breaks["my_gate"], a),
            breaks["my_step"],
            False,
        ),
        "pinball": (checks.pinball, ns("10_uncertainty", 1)["my_pinball"], True),
        "band_scores": (
            checks.band_scores,
            ns("10_uncertainty", 2)["my_band_scores"],
            True,
        ),
        "conformal_threshold": (
            checks.conformal_threshold,
            ns("10_uncertainty", 3)["my_conformal_quantile"],
            True,
        ),
        "adaptive_step": (
            lambda a: checks.adaptive_step(
                step["my_gamma"], a, uq_val[:, 0], uq_test[:, 0], 1
            ),
            step["my_coverage"],
            False,
        ),
        "chronological_split": (
            checks.chronological_split,
            ns("11_literature_walkforward", 1)["my_fraction_split"],
            True,
        ),
        "fold_up_shares": (
            lambda a: checks.fold_up_shares(fold["my_ticker"], a, prices, "High"),
            fold["my_up_shares"],
            False,
        ),
    }


BAD_ANSWERS = (
    "None",
    "NaN",
    "inf",
    "text",
    "float32",
    "float16",
    "raises",
    "returns None",
)
CHECKED = sorted(
    name for name in checks.__all__ if name[0].islower() and name != "toy_cell_states"
)


def _bad(kind, good, is_function):
    """The answer of the given kind, made from the lesson's own answer."""
    if kind == "None":
        return None
    replace = {
        "NaN": lambda v: float("nan"),
        "inf": lambda v: float("inf"),
        "text": lambda v: str(v),
    }.get(kind)
    if is_function:
        if kind == "raises":
            return lambda *a: 1 / 0
        if kind == "returns None":
            return lambda *a: None
        if kind == "float32":
            return lambda *a: _float32(good(*a))
        if kind == "float16":
            return lambda *a: _float16(good(*a))
        return lambda *a: _first_number(good(*a), replace)[0]
    if kind == "float32":
        return _float32(good)
    if kind == "float16":
        return _float16(good)
    if kind in ("raises", "returns None"):
        return pytest.skip(f"{kind} is for a function answer")
    return _first_number(good, replace)[0]


def test_the_table_names_every_check(prices, split, runs):
    assert sorted(_bad_answer_cases(prices, split, runs)) == CHECKED


@pytest.mark.parametrize("kind", BAD_ANSWERS)
@pytest.mark.parametrize("name", CHECKED)
def test_every_check_against_the_same_bad_answers(name, kind, prices, split, runs):
    if name == "report_model" and kind in ("NaN", "inf", "text", "float32", "float16"):
        pytest.skip("a Keras model holds no number to spoil")
    call, good, is_function = _bad_answer_cases(prices, split, runs)[name]
    passes(call(good))
    result = call(_bad(kind, good, is_function))
    assert (
        "\n" not in str(result)
        and "np.int64" not in str(result)
        and "np.float64" not in str(result)
    )
    if kind == "None":
        not_done(result)
    elif kind == "float32":
        passes(result)  # a right answer held in float32 is a right answer
    # even a right answer: float16's tolerance would let wrong ones pass
    elif kind == "float16":
        if result.status == checks.PASSED:
            pytest.skip("this answer holds no float (a name, a count, whole numbers)")
        fails(result, "float16", "float32 or float64")
    elif kind == "raises":
        fails(result, "raised ZeroDivisionError")
    elif kind == "returns None":
        fails(result, "returned None", "return")
    elif kind == "text":
        assert result.status == checks.FAILED and (
            "text" in result.message or "str" in result.message
        ), result
    else:  # NaN, inf: refused, saying what is not a finite number
        assert result.status == checks.FAILED, result
        text = result.message.lower()
        assert any(w in text for w in ("nan", "inf", "finite")), result


# ---------------------------------------------------------------- the smaller holes,
# each planted once


def test_the_smaller_holes_are_closed(prices, split, runs):
    from sklearn.model_selection import train_test_split as tts

    # a split with no data is named as such
    ns = run_answer(
        "00_data", 3, prices=prices, split=split, T="High", range_table=range_table
    )
    fails(
        checks.other_split(
            ("2017", "2018", "2019"), ns["my_other_share"], prices, "High"
        ),
        "no test days in 2018",
    )
    fails(
        checks.other_split(
            ("1990", "1991", "1991"), ns["my_other_share"], prices, "High"
        ),
        "no training days",
    )
    # (mean, NaN) over several seeds is refused; over one seed NaN says "no spread"
    spread = run_answer("07_experiments", 1, runs=runs)
    nan_std = {t: (m, float("nan")) for t, (m, _) in spread["my_spread"].items()}
    fails(
        checks.seed_spread(spread["my_model"], nan_std, runs), "must be a finite number"
    )
    # a Series is as good as a dict, a list as good as a tuple
    share = run_answer("00_data", 2, prices=prices, split=split, T="High")
    passes(
        checks.share_above_training_max(
            pd.Series(share["my_share"]), prices, split, "High"
        )
    )
    passes(checks.date_split(lambda s, a, b, c: [s.loc[:a], s.loc[b:c]]))
    # the right days with the wrong prices
    fails(
        checks.date_split(lambda s, a, b, c: (s.loc[:a] * 1.01, s.loc[b:c])),
        "the train part's prices",
    )
    # N = 1 is persistence, not a moving average to sweep
    fails(
        checks.sma_sweep("AAA", {1: 1.0, 2: 1.0, 3: 1.0}, prices, split, "High"),
        "N >= 2",
    )
    # the bound the hint gives is one that passes
    r = fails(checks.pulse_bias("f", 5.19), "fades below 90%", "5.20 to two decimals")
    assert "b >= 5.192" in r.message
    passes(checks.pulse_bias("f", 5.20))
    # train_test_split's order is named
    fails(
        checks.chronological_split(
            lambda X, y, f: tts(X, y, train_size=f, shuffle=False)
        ),
        "train_test_split's order",
    )
    # a count that two mistakes give names both
    tied = runs.copy()
    # no better run is significant
    tied["dm_p"] = np.where(tied["dm_vs_persistence"] < 0, 0.5, tied["dm_p"])
    better, significant = (
        int((tied["dm_vs_persistence"] < 0).sum()),
        int((tied["dm_p"] < 0.05).sum()),
    )
    if better == significant:
        fails(
            checks.significant_wins(better, tied),
            "lower loss, significant or not",
            "or you counted",
        )


def test_leak_free_windows_names_a_scaler_refitted_on_the_test_part_and_a_test_past_its_end():
    from sklearn.preprocessing import MinMaxScaler

    def refit(series, train_end, test_start, test_end, window):
        X_train, y_train, _, _ = _windows()(
            series, train_end, test_start, test_end, window
        )
        values = series.loc[:test_end].to_numpy().reshape(-1, 1)
        n_train = len(series.loc[:train_end])
        train_scaler = MinMaxScaler().fit(values[:n_train])
        scaled = np.concatenate(
            [
                train_scaler.transform(values[:n_train]),
                MinMaxScaler().fit(values[n_train:]).transform(values[n_train:]),
            ]
        ).ravel()
        X = np.stack([scaled[k : k + window] for k in range(len(scaled) - window)])[
            ..., None
        ]
        y = scaled[window:]
        return X_train, y_train, X[len(y_train) :], y[len(y_train) :]

    fails(checks.leak_free_windows(refit), "fitted on the test days")

    def no_cut(series, train_end, test_start, test_end, window):
        return _windows()(series, train_end, test_start, None, window)

    fails(checks.leak_free_windows(no_cut), "runs past test_end")
