"""Time the NumPy LSTM of ``lstm_helpers.numpy_lstm`` against Keras on the course's
shapes.

Run from the repository root::

    python benchmarks/bench_numpy_lstm.py [--repeats 5]

Two comparisons, on 2700 windows of 60 days x 1 feature and 50 units, float32:

1. forward: :func:`lstm_forward` against ``model.predict(x, batch_size=2700)``
   of a Keras model holding the same single LSTM layer (same weights);
2. one training step of LSTM(50) -> Dense(1) with mean squared error and Adam:
   :func:`lstm_regressor_loss` + :meth:`Adam.step` against
   ``model.train_on_batch`` on one batch of 2700.

Both sides run in this process with their default threading. After a warm-up
call each, the calls alternate (NumPy, Keras, NumPy, ...) so that load from
other processes hits both alike; the best of ``--repeats`` is reported, with
the median beside it. Ratios below 1 mean NumPy is faster.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np

from lstm_helpers.numpy_lstm import Adam, lstm_forward, lstm_regressor_loss

N, T, D, H = 2700, 60, 1, 50


def time_alternating(
    fns: dict[str, Callable[[], object]], repeats: int
) -> dict[str, list[float]]:
    """Seconds per call for every function, calls interleaved round by round after one
    warm-up each."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    """Print best and median times and the NumPy / Keras ratio of the best times."""
    print(title)
    for name, ts in times.items():
        print(
            f"  {name:6s} best {min(ts) * 1e3:8.1f} ms   median "
            f"{np.median(ts) * 1e3:8.1f} ms"
        )
    print(
        f"  ratio numpy/keras (best): {min(times['numpy']) / min(times['keras']):.2f}"
    )


def bench_forward(x: np.ndarray, repeats: int) -> None:
    model = keras.Sequential([keras.Input((T, D)), keras.layers.LSTM(H)])
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()

    h_seq, _ = lstm_forward(x, kernel, recurrent_kernel, bias)
    diff = np.abs(h_seq[:, -1] - model.predict(x, batch_size=N, verbose=0)).max()
    print(f"  check: max |numpy - keras| of the last hidden state = {diff:.1e}")

    times = time_alternating(
        {
            "numpy": lambda: lstm_forward(x, kernel, recurrent_kernel, bias),
            "keras": lambda: model.predict(x, batch_size=N, verbose=0),
        },
        repeats,
    )
    report(f"forward, x {x.shape} {x.dtype}, {H} units", times)


def bench_train_step(x: np.ndarray, y: np.ndarray, repeats: int) -> None:
    model = keras.Sequential(
        [keras.Input((T, D)), keras.layers.LSTM(H), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()
    w_out, b_out = model.layers[1].get_weights()
    params = {
        "kernel": kernel,
        "recurrent_kernel": recurrent_kernel,
        "bias": bias,
        "w_out": w_out,
        "b_out": b_out,
    }
    optimizer = Adam(lr=1e-3)

    loss_numpy, _ = lstm_regressor_loss(params, x, y)
    loss_keras = float(model.evaluate(x, y, batch_size=N, verbose=0))
    print(f"  check: loss numpy {loss_numpy:.6f}, keras {loss_keras:.6f}")

    def numpy_step() -> None:
        _, grads = lstm_regressor_loss(params, x, y)
        optimizer.step(params, grads)

    times = time_alternating(
        {"numpy": numpy_step, "keras": lambda: model.train_on_batch(x, y[:, None])},
        repeats,
    )
    report(
        "train step (forward + backward + Adam), LSTM -> Dense(1), MSE, batch 2700",
        times,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed calls per side (best is reported)"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    # like the course's windows: scaled to [0, 1]
    x = rng.random((N, T, D), dtype=np.float32)
    y = rng.random(N, dtype=np.float32)
    print(
        f"numpy {np.__version__}, keras {keras.__version__} "
        f"({keras.backend.backend()}), {os.cpu_count()} CPUs"
    )
    bench_forward(x, args.repeats)
    bench_train_step(x, y, args.repeats)


if __name__ == "__main__":
    main()
