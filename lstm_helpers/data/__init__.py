"""The data layer: price files, tickers, which days train and test, and the windows a
network reads.

- :mod:`~lstm_helpers.data.prices`   loading and validating one price file
- :mod:`~lstm_helpers.data.tickers`  finding and loading tickers in a data folder
- :mod:`~lstm_helpers.data.periods`  which days train and which test (the report's
  split, or one from the data)
- :mod:`~lstm_helpers.data.windows`  the report's scaling and 60-day windows, and the
  level-free variants

It imports nothing else of the course but :mod:`lstm_helpers.paths`.
"""
