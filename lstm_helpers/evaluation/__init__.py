"""The evaluation layer: forecasts without a network, and how to score any forecast.

- :mod:`~lstm_helpers.evaluation.baselines`           persistence, simple and
  exponential moving averages
- :mod:`~lstm_helpers.evaluation.benchmarks`          drift, the AR on returns, the
  target from the Close
- :mod:`~lstm_helpers.evaluation.metrics`             forecast metrics and the lagged
  correlation
- :mod:`~lstm_helpers.evaluation.scaled_errors`       MASE and the ratio to persistence
- :mod:`~lstm_helpers.evaluation.significance`        the Diebold-Mariano test and
  paired comparisons
- :mod:`~lstm_helpers.evaluation.direction`           direction calls against a constant
  answer
- :mod:`~lstm_helpers.evaluation.prediction_bands`    random-walk and empirical bands,
  their coverage and width
- :mod:`~lstm_helpers.evaluation.distribution_scores` pinball, Winkler and CRPS scores
  of quantiles, bands and Gaussian forecasts
- :mod:`~lstm_helpers.evaluation.conformal`           split and adaptive conformal
  thresholds for bands
- :mod:`~lstm_helpers.evaluation.input_checks`        the argument checks the scoring
  modules share

It works on arrays and Series and imports nothing else of the course.
"""
