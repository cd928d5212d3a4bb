"""``python -m lstm_helpers.course``: the command line behind ``make course`` (see
:mod:`lstm_helpers.course.cli`)."""

from lstm_helpers.course.cli import main

raise SystemExit(main())
