"""The models layer: the Keras networks, each a frozen configuration that builds its
compiled model.

- :mod:`~lstm_helpers.models.report_model`      the report's stacked network
  (``DEFAULT``, ``IMPROVED``)
- :mod:`~lstm_helpers.models.stack_model`       LSTM layers of their own sizes (the
  report's Solution 2)
- :mod:`~lstm_helpers.models.gate_network`      the cell lesson's small LSTM, whose
  gates it draws
- :mod:`~lstm_helpers.models.multi_step_models` the multi-step lesson's networks
- :mod:`~lstm_helpers.models.distribution_models` the uncertainty lesson's networks,
  which forecast quantiles or a normal distribution
- :mod:`~lstm_helpers.models.recurrent_models`  the gates-today lesson's networks: one
  RNN, LSTM, GRU, minGRU, minLSTM or Transformer layer and a head

One configuration type per module: a module's code is part of the cache key of
its type's models and of no other (:func:`lstm_helpers.training.digests.family_code`).
(The memory lesson's :class:`~lstm_helpers.lessons.memory_task.MemoryConfig` lives
beside its task, in the lessons layer, under the same rule.)
"""
