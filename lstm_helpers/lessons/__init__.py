"""The lessons layer: the code behind one lesson's experiment, pictures and tables.

- :mod:`~lstm_helpers.lessons.diagrams`          the RNN, LSTM, minGRU and minLSTM cell
  diagrams (cell and gates-today lessons)
- :mod:`~lstm_helpers.lessons.gate_model`        the cell lesson's small Keras LSTM,
  trained and read as NumPy
- :mod:`~lstm_helpers.lessons.gate_analysis`     calm and volatile windows, and the
  gates over them
- :mod:`~lstm_helpers.lessons.gradient_paths`    the learning lesson's two gradient-path
  products
- :mod:`~lstm_helpers.lessons.memory_task`       the memory lesson's adding problem and
  its RNN / LSTM / GRU
- :mod:`~lstm_helpers.lessons.memory_experiment` the memory lesson's runs, and the look
  inside the trained cells
- :mod:`~lstm_helpers.lessons.experiments`       the experiments lesson's models x
  stocks x seeds
- :mod:`~lstm_helpers.lessons.ohlc_windows`      windows of the Open, High, Low and
  Close, and the residual over the rule
- :mod:`~lstm_helpers.lessons.report_account`    the readings of the report's code,
  trained and scored against its table
- :mod:`~lstm_helpers.lessons.multi_step`        windows for horizons 1..H, the four
  strategies, scores by horizon
- :mod:`~lstm_helpers.lessons.uncertainty`       bands from past errors, conformal
  bands and distribution networks, scored alike
- :mod:`~lstm_helpers.lessons.literature`        the report's other literature designs
  (Castilla's network, the classifier)
- :mod:`~lstm_helpers.lessons.walkforward`       walk-forward evaluation
- :mod:`~lstm_helpers.lessons.stopping`          networks early stopping kept at epoch
  1, retrained more slowly
- :mod:`~lstm_helpers.lessons.gates_today`       the gates-today lesson's six layers on
  two memory tasks, their costs, and on prices
- :mod:`~lstm_helpers.lessons.selective_copy`    the selective-copying task: recall
  the marked tokens in order
- :mod:`~lstm_helpers.lessons.plots`             plots drawn more than once

Each module may use every layer below it (data, evaluation, numpy_lstm, models,
training).
"""
