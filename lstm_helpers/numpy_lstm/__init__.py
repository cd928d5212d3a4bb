"""The LSTM cell in NumPy, forward and backward, with Keras's weight layout.

Everything a lesson needs to open the black box of ``keras.layers.LSTM``, one
idea per file (imports run top to bottom in this list, never back up):

- ``_checks.py``: the types :data:`Array` and :data:`Params` and the input
  checks the other files share.
- ``cell.py``: :data:`GATES` and :func:`gate_block` (Keras's order of the
  gate blocks, written once), :func:`sigmoid`, :func:`lstm_step_forward` and
  :func:`lstm_step_backward`: one time step, written to be read next to the
  equations in its docstring (lesson 02).
- ``_packing.py`` and ``sequence.py``: :func:`lstm_forward` /
  :func:`lstm_backward` and :class:`LSTMCache`: a whole batch of sequences.
  Same equations as the step functions, with the loop tuned for speed
  (buffers allocated once, operations in place); the tests check that the two
  agree and that :func:`lstm_forward` reproduces Keras.
- ``rnn.py``: :func:`rnn_step_forward`, :func:`rnn_step_backward`,
  :func:`rnn_forward`, :func:`rnn_backward`, :class:`RNNCache`: the plain
  ``tanh`` RNN, for the vanishing-gradient comparison.
- ``initializers.py``: :func:`init_lstm_params`, :func:`init_rnn_params`,
  :func:`init_regressor_params` (from :func:`glorot_uniform` and
  :func:`orthogonal`): Keras's default initialisers.
- ``trainer.py``: :func:`predict_regressor`, :func:`lstm_regressor_loss`
  (optionally truncated), :func:`clip_global_norm`, :class:`Adam`,
  :func:`fit_regressor`: LSTM -> Dense(1) trained with mean squared error.
- ``gradcheck.py``: :func:`numerical_gradient`, :func:`relative_error`:
  gradient checking; :func:`input_gradient_norms`: how strongly each input
  step moves the last hidden state.
- ``min_rnn.py``: :func:`min_gru_step`, :func:`min_lstm_step` (and their
  gates for a whole sequence), :func:`scan_loop`, :func:`scan_parallel`,
  :func:`scan_log`: the minimal gated recurrences of Feng et al. (2024), whose
  gates read only the input, computed step by step or by a parallel scan.

Every public name is importable from here, e.g.
``from lstm_helpers.numpy_lstm import lstm_forward``. Shapes use the letters
N (batch size), T (time steps), D (input features) and H (units); every
function keeps the floating dtype of its input ``x`` (float32 stays float32).
"""

from lstm_helpers.numpy_lstm._checks import Array, Params
from lstm_helpers.numpy_lstm.cell import (
    GATES,
    gate_block,
    lstm_step_backward,
    lstm_step_forward,
    sigmoid,
)
from lstm_helpers.numpy_lstm.gradcheck import (
    input_gradient_norms,
    numerical_gradient,
    relative_error,
)
from lstm_helpers.numpy_lstm.initializers import (
    glorot_uniform,
    init_lstm_params,
    init_regressor_params,
    init_rnn_params,
    orthogonal,
)
from lstm_helpers.numpy_lstm.min_rnn import (
    min_gru_gates,
    min_gru_step,
    min_lstm_gates,
    min_lstm_step,
    scan_log,
    scan_loop,
    scan_parallel,
)
from lstm_helpers.numpy_lstm.rnn import (
    RNNCache,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)
from lstm_helpers.numpy_lstm.sequence import LSTMCache, lstm_backward, lstm_forward
from lstm_helpers.numpy_lstm.trainer import (
    Adam,
    clip_global_norm,
    fit_regressor,
    lstm_regressor_loss,
    predict_regressor,
)

__all__ = [
    "GATES",
    "Adam",
    "Array",
    "LSTMCache",
    "Params",
    "RNNCache",
    "clip_global_norm",
    "fit_regressor",
    "gate_block",
    "glorot_uniform",
    "init_lstm_params",
    "init_regressor_params",
    "init_rnn_params",
    "input_gradient_norms",
    "lstm_backward",
    "lstm_forward",
    "lstm_regressor_loss",
    "lstm_step_backward",
    "lstm_step_forward",
    "min_gru_gates",
    "min_gru_step",
    "min_lstm_gates",
    "min_lstm_step",
    "numerical_gradient",
    "orthogonal",
    "predict_regressor",
    "relative_error",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
    "scan_log",
    "scan_loop",
    "scan_parallel",
    "sigmoid",
]
