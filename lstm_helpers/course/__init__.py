"""The course layer: running, publishing and teaching the course.

- :mod:`~lstm_helpers.course.cli`             the command line behind ``make course``
  (``python -m lstm_helpers.course``)
- :mod:`~lstm_helpers.course.profiles`        the quick / standard / full settings of
  every lesson
- :mod:`~lstm_helpers.course.runner`          executing the lessons with papermill
- :mod:`~lstm_helpers.course.publishing`      publishing a standard run: the results and
  the notebooks
- :mod:`~lstm_helpers.course.exercise_copies` the learner copies of the lessons
- :mod:`~lstm_helpers.course.grading`         grading a class: every learner copy run,
  its checks tabulated
- :mod:`~lstm_helpers.course.book`            the course as a website: the book's
  sources assembled, Sphinx run
- :mod:`~lstm_helpers.course.readability`     how a lesson reads: sentence length,
  numbers per 100 words, sections

The top layer: nothing below imports it.
"""
