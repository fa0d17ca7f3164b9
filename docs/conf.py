"""Sphinx configuration of the course website.

Build it with ``python -m trisep_nn site --output DIR`` (trisep_nn/site.py stages
the executed notebooks and the landing page, then runs Sphinx with this file).
Everything the pages need is served from the site itself: no CDN, no widget
manager, MathJax from the sphinx-mathjax-offline package.
"""

import importlib.util
from pathlib import Path

from sphinx.util.fileutil import copy_asset

from trisep_nn.site import repository

project = "Intro to Neural Networks"
author = "the trisep-nn authors"
copyright = "the trisep-nn authors"
html_title = "Intro to Neural Networks"

extensions = ["myst_nb", "sphinx_copybutton"]
# The builder adds html_extra_path (the clean notebooks offered for download).
exclude_patterns = ["_extra", "_extra/**", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- notebooks: already executed (by the browser tests or jupyter-cache) ------
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # explorers show their PNG; no widget JavaScript from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# -- MathJax 3, bundled -------------------------------------------------------
mathjax_path = "mathjax/tex-chtml-full.js"
_MATHJAX_PARTS = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2", "ui", "a11y"]

# -- copy button: not on the prompts or outputs --------------------------------
copybutton_exclude = ".linenos, .gp, .go"
copybutton_selector = "div.cell_input div.highlight pre, div.highlight pre"

# -- the book theme --------------------------------------------------------------
_repo = repository()
html_theme = "sphinx_book_theme"
# the header already has the search button: not a second one in the sidebar
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]}
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_context = {"default_mode": "light"}  # the figures are drawn on white
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,  # the page's own link gives the clean notebook
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
if _repo:
    html_theme_options.update(
        repository_url=f"https://github.com/{_repo}", repository_branch="HEAD",
        path_to_docs="notebooks", use_repository_button=True)


def _copy_mathjax(app, exception):
    """Copy the parts of MathJax the pages load into _static/mathjax."""
    if exception is not None:
        return
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("sphinx-mathjax-offline is not installed (requirements-dev.txt)")
    source = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in _MATHJAX_PARTS:
        if (source / part).is_dir():
            copy_asset(str(source / part), str(target / part))
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            (target / part).write_bytes((source / part).read_bytes())


def setup(app):
    app.connect("build-finished", _copy_mathjax)
