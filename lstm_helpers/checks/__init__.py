"""Automatic checks for the exercises in the lessons: one module per lesson.

Every exercise in a lesson ends with a check cell such as
``checks.moving_average(my_sma)``. A check runs the learner's code on fixed,
seeded inputs (or takes the learner's measured numbers), computes the same thing
with the package (or with Keras), and returns a :class:`Result` that the
notebook shows as one line:

- ``✔ <exercise>: passed`` and what was compared;
- ``… <exercise>: not done yet`` while the answer is still the placeholder
  (``None``, or a function that raises ``NotImplementedError``);
- ``✘ <exercise>: failed`` with what is wrong and where: which array or
  gate, the largest difference, and a hint when the answer matches a typical
  mistake (a scaler fitted on all years, a window one day off, the output
  gate left out, ...).

A check never raises, so "Run All" goes past an unsolved exercise, and nothing
is sent anywhere: plain Python and NumPy on this machine.

The modules, one per lesson: ``data.py``, ``baselines.py``, ``lstm_cell.py``,
``learning.py``, ``memory.py``, ``keras_model.py``, ``experiments.py``,
``information.py``, ``multi_step.py``, ``uncertainty.py``,
``literature_walkforward.py``, ``gates_today.py``; and
``_shared.py``, what every check shares. A lesson needs one import: ``from lstm_helpers
import checks``.
"""

from types import ModuleType

from lstm_helpers.checks._shared import FAILED, NOT_DONE, PASSED, Result
from lstm_helpers.checks.baselines import (
    mase_function,
    moving_average,
    persistence_rmse,
    sma_sweep,
)
from lstm_helpers.checks.data import date_split, other_split, share_above_training_max
from lstm_helpers.checks.experiments import dm_statistic, seed_spread, significant_wins
from lstm_helpers.checks.gates_today import (
    first_failure,
    min_lstm_step,
    product_breaks,
    scan,
)
from lstm_helpers.checks.information import rule_days, rule_function
from lstm_helpers.checks.keras_model import (
    gru_params,
    leak_free_windows,
    report_model,
    shift_rmse,
)
from lstm_helpers.checks.learning import (
    backward_through_time,
    forget_bias_sweep,
    numerical_gradient_check,
    step_backward,
)
from lstm_helpers.checks.literature_walkforward import (
    chronological_split,
    fold_up_shares,
)
from lstm_helpers.checks.lstm_cell import (
    gate_means,
    pulse_bias,
    sequence_forward,
    step_forward,
    toy_cell_states,
)
from lstm_helpers.checks.memory import (
    adding_targets,
    constant_answer_mse,
    global_norm_clip,
    longest_solved,
)
from lstm_helpers.checks.multi_step import best_strategy, horizon_growth, recursive_loop
from lstm_helpers.checks.uncertainty import (
    adaptive_step,
    band_scores,
    conformal_threshold,
    pinball,
)

__all__ = sorted(
    name
    for name, value in globals().items()
    if not name.startswith("_")
    and not isinstance(value, ModuleType)
    and name != "ModuleType"
)
