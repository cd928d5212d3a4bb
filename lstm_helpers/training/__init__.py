"""The training layer: the one cached path every Keras model of the course goes through.

- :mod:`~lstm_helpers.training.jobs`        one seeded training run (:class:`TrainJob`,
  :func:`fit`)
- :mod:`~lstm_helpers.training.digests`     the cache key: what it is made of, and what
  is recorded beside it
- :mod:`~lstm_helpers.training.cache`       the store of results: the local cache and
  the published results
- :mod:`~lstm_helpers.training.scheduler`   training many jobs, loading the stored ones,
  in parallel
- :mod:`~lstm_helpers.training.cluster`     training on a Dask cluster (an optional
  extra) as the local pool trains
- :mod:`~lstm_helpers.training.forecasting` a model's forecasts of a ticker's test days,
  in dollars

It reads configurations by duck typing (``build``, ``epochs``, ...), so it
imports no model module; the key finds a configuration's module from its type.
"""
