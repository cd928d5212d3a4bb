"""Sphinx configuration of the course's book (``make book``; sources assembled by
``lstm_helpers.course.book``).

Sphinx with MyST-NB reads the committed notebooks with their outputs (nothing runs
again); the theme is sphinx-book-theme, the one Jupyter Book 1 uses. Everything the
pages load is a file of the site: MathJax comes from the ``sphinx-mathjax-offline``
package, the theme's fonts and icons are bundled with it, and Sphinx's search is a local
index.
"""

project = "lstm-course"
author = "the lstm-course authors"
copyright = "the lstm-course authors (MIT licence)"

extensions = ["myst_nb", "sphinx-mathjax-offline"]

# The lessons' outputs are those of the published run: never execute.
nb_execution_mode = "off"
nb_merge_streams = True
# `$...$` and `$$...$$` as in JupyterLab; headings get the anchors a code host gives
# them.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

exclude_patterns = ["downloads/**", "**/.ipynb_checkpoints"]

html_theme = "sphinx_book_theme"
html_title = "lstm-course"
html_theme_options = {
    "show_toc_level": 2,
    # each lesson links its learner copy and its notebook instead
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
}
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# The theme's light/dark switch needs a mode to start from (without one it logs a
# console error).
html_context = {"default_mode": "light"}
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["course.css"]
html_js_files = ["course.js"]
