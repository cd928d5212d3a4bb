# Two commands do everything: `make course` and `make test`.
# Both create .venv with python3 -m venv and install the pinned set on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.lstm-course-installed
BOOK_STAMP := $(VENV)/.lstm-course-book
# Extra options for the runner, e.g. make course ARGS="--profile quick --only 04"
ARGS   ?=

.PHONY: setup course test lab lint publish exercises grade book clean-cache clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# setuptools prints a note on every editable install ("be careful with folders named like the
	@# package"); it is a UserWarning of the build step and says nothing about this project: silenced.
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e ".[dev,cluster]"
	$(PY) -m ipykernel install --sys-prefix --name lstm-course --display-name "Python (lstm-course)"
	@# JupyterLab's "get notified about official Jupyter news?" pop-up, off in this environment only.
	$(VENV)/bin/jupyter labextension disable --level=sys_prefix "@jupyterlab/apputils-extension:announcements"
	touch $(STAMP)

course: $(STAMP)
	$(PY) -m lstm_helpers.course $(ARGS)

test: $(STAMP)
	$(PY) -m pytest

# JupyterLab at the repository root, on the first learner copy (the lessons with solutions are in notebooks/).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab exercises/00_data.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Copy the notebooks of a finished standard `make course` run into notebooks/.
publish: $(STAMP)
	$(PY) -m lstm_helpers.course --publish

# Write the learner copies of the lessons (solutions taken out, outputs cleared) into exercises/.
exercises: $(STAMP)
	$(PY) -m lstm_helpers.course --exercises

# Grade a class: make grade DIR=submissions/ (one folder per learner, their copies inside); table in build/grades/.
grade: $(STAMP)
	@test -n "$(DIR)" || (echo "usage: make grade DIR=folder-of-submissions" && exit 2)
	$(PY) -m lstm_helpers.course --grade "$(DIR)" $(ARGS)

# The course as a website in build/book/ (open build/book/index.html); installs the book extra on first use.
book: $(BOOK_STAMP)
	$(PY) -m lstm_helpers.course.book $(ARGS)

$(BOOK_STAMP): $(STAMP)
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e ".[dev,cluster,book]"
	touch $(BOOK_STAMP)

clean-cache: $(STAMP)
	$(PY) -m lstm_helpers.training.cache clear

clean:
	rm -rf build
