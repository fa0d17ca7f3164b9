"""The course website, built with its one command and read in a real browser, offline.

The module builds the site exactly as CONTRIBUTING says (``python -m trisep_nn
site --output build/site``): after the browser tests (this file sorts after
test_browser.py) it reuses the notebooks they executed, otherwise it executes
them through jupyter-cache. It then serves the folder on 127.0.0.1, opens
every page in Debian's Chromium with every request that leaves the site
blocked, and checks what a reader needs: nothing fails to load, no console
error, every picture there (the explorers' starting figures included), the
equations typeset, exercises boxed, solutions folded until clicked, search
working. Screenshots at phone and laptop widths go to build/site-screenshots/.

The first part needs no browser: the pieces of trisep_nn/site.py on small inputs.
"""

import functools
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

from trisep_nn import site

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
SCREENSHOTS = ROOT / "build" / "site-screenshots"
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
BUILD_BUDGET_S = 180  # reusing executed notebooks
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
SHOWCASE = ["index", "12_double_descent", "09_decision_boundaries"]


# --------------------------------------------------------------------------- #
# The builder's pieces, on small inputs
# --------------------------------------------------------------------------- #
def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, *rest in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.outputs = rest[0] if rest else []
            cell.execution_count = 1
            nb.cells.append(cell)
    return nb


def _png_output(widget=False):
    data = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"}
    if widget:
        data["application/vnd.jupyter.widget-view+json"] = {"model_id": "abc", "version_major": 2}
    return nbformat.v4.new_output("display_data", data=data)


def test_the_repository_address_is_unset_while_it_is_the_placeholder(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n')
    assert site.repository(pyproject) is None
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\n'
                         'Repository = "https://github.com/OWNER/REPO"\n')
    assert site.repository(pyproject) is None
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\n'
                         'Homepage = "https://example.org"\n'
                         'Repository = "https://github.com/trisep/trisep-nn.git"\n')
    assert site.repository(pyproject) == "trisep/trisep-nn"
    assert site.binder_url("trisep/trisep-nn", "12_double_descent.ipynb") == (
        "https://mybinder.org/v2/gh/trisep/trisep-nn/HEAD"
        "?urlpath=lab/tree/notebooks/12_double_descent.ipynb")


def test_alt_text_reads_the_sentence_after_the_plot_as_plain_text():
    nb = _notebook(
        ("md", "## 3. The curve\n\nNow sweep $p$."),
        ("code", "plot()", [_png_output()]),
        ("code", "print(1)"),
        ("md", r"What to see: for $p < n$ the **risk** falls, and $\lVert w\rVert$ "
               r"grows as $\sigma^2$. Then it rises."),
    )
    assert site.interpretation(nb.cells, 1) == (
        "What to see: for p < n the risk falls, and ‖w‖ grows as σ².")


def test_alt_text_falls_back_on_the_text_that_introduced_the_plot():
    nb = _notebook(
        ("md", "## 6. Explorer\n\nLeft: the risk; right: one fit."),
        ("code", "explorer", [_png_output(widget=True)]),
        ("md", "## 7. What it means"),
    )
    assert site.interpretation(nb.cells, 1) == "Left: the risk; right: one fit."


def test_a_page_keeps_the_explorers_picture_folds_solutions_and_boxes_exercises():
    nb = _notebook(
        ("md", "# 12 · Title\n\nIntro.\n\n## 6. Explorer\n\nLeft: a fit."),
        ("code", "explorer", [_png_output(widget=True)]),
        ("md", "## 7. More\n\n### Exercise 12.1: a task\n\nDo $x$.\n\n## Next"),
        ("code", "answer = 1"),
    )
    nb.cells[3].metadata.update(tags=["solution"], jupyter={"source_hidden": True})
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page, facts = site.prepare_notebook(nb, "12_title.ipynb", "me/course")
    assert "widgets" not in page.metadata
    explorer = page.cells[1]
    assert list(explorer.outputs[0].data) == ["image/png"]
    assert "explorer" in explorer.metadata.tags
    assert explorer.metadata.mystnb["image"]["alt"] == "Left: a fit."
    solution = page.cells[3]
    assert "hide-cell" in solution.metadata.tags
    assert solution.metadata.mystnb["code_prompt_show"] == "Show solution"
    title, exercise = page.cells[0].source, page.cells[2].source
    assert title.startswith("# 12 · Title\n")
    assert 'href="notebooks/12_title.ipynb" download' in title
    assert site.binder_url("me/course", "12_title.ipynb") in title
    assert exercise.startswith("## 7. More\n\n::::{admonition} Exercise 12.1: a task\n"
                               ":class: exercise\n:name: exercise-12-1\n\nDo $x$.\n::::\n")
    assert exercise.rstrip().endswith("## Next")
    assert facts == {"explorers": 1, "figures": 1, "exercises": 1, "solutions": 1,
                     "alt": ["Left: a fit."]}


def test_stale_executed_notebooks_are_not_reused():
    source = _notebook(("md", "# T"), ("code", "x = 1"))
    executed = _notebook(("md", "# old text"), ("code", "x = 1", [_png_output()]))
    merged = site.graft_outputs(source, executed)
    assert merged.cells[0].source == "# T" and merged.cells[1].outputs
    assert site.graft_outputs(source, _notebook(("code", "x = 2"))) is None


README = """# trisep-nn: the course

[![Binder](https://mybinder.org/badge_logo.svg)][binder]

<!-- website:begin -->
Intro with a [benchmark](benchmarks/README.md).

<!-- launch:get -->Get it: `git clone <the address> course`.<!-- /launch:get -->

| notebook | what you do in it | run time |
|---|---|---|
| [00 Start here](notebooks/00_start_here.ipynb) | a first taste | 2 s |
| [12 Double descent](notebooks/12_double_descent.ipynb) | the peak | 5 s |

<!-- website:end -->

## Speed
"""


def test_the_landing_page_is_the_readmes_text_with_measured_times_or_the_budget():
    notebooks = [Path("00_start_here.ipynb"), Path("12_double_descent.ipynb")]
    page = site.landing_page(README, notebooks, None, {})
    assert page.startswith("# trisep-nn: the course\n")
    assert "badge_logo" not in page and "## Speed" not in page
    assert "[00 Start here](00_start_here.ipynb)" in page
    assert "Intro with a benchmark." in page  # no repository: the text, not a dead link
    assert "<!--" not in page and "\nGet it: `git clone <the address> course`." in page
    assert "| notebook | what you do in it |\n" in page and "2 s" not in page
    assert site.BUDGET in page
    assert "00_start_here\n12_double_descent\n```" in page  # the sidebar's table of contents
    measured = site.landing_page(README, notebooks, "me/course",
                                 {"00_start_here": 3.2, "12_double_descent": 0.4})
    assert "| a first taste | 3 s |" in measured and "| the peak | under 1 s |" in measured
    assert "https://github.com/me/course/blob/HEAD/benchmarks/README.md" in measured
    assert site.binder_url("me/course") in measured
    no_column = README.replace(" run time |", "").replace("|---|---|---|", "|---|---|")
    no_column = no_column.replace(" 2 s |", "").replace(" 5 s |", "")
    assert "run time" not in site.landing_page(no_column, notebooks, None, {})
    added = site.landing_page(no_column, notebooks, None, {"00_start_here": 3.2})
    assert "| what you do in it | run time |" in added and "| a first taste | 3 s |" in added
    assert "| the peak | not measured |" in added


def test_measured_times_accept_paths_names_or_records(tmp_path):
    path = tmp_path / "times.json"
    path.write_text(json.dumps({"notebooks/00_start_here.ipynb": 2.5,
                                "12_double_descent": {"seconds": 4}}))
    assert site.measured_times(path) == {"00_start_here": 2.5, "12_double_descent": 4.0}
    assert site.measured_times(tmp_path / "absent.json") == {}
    path.write_text(json.dumps({  # what the test suite's conftest.py writes
        "budget_s": 60, "cpus": 2, "seconds": {"00_start_here.ipynb": 3.7},
        "kernel_cpu_seconds": {"00_start_here.ipynb": 3.4}}))
    assert site.measured_times(path) == {"00_start_here": 3.7}


def test_the_readme_marks_the_landing_pages_text():
    text = (ROOT / "README.md").read_text()
    region = site.README_MARKERS.search(text)
    assert region, "README.md lost its <!-- website:begin --> ... <!-- website:end --> markers"
    for notebook in NOTEBOOKS:
        assert f"notebooks/{notebook.name}" in region.group(1), f"{notebook.name} not listed"


def test_the_pages_workflow_builds_and_publishes_the_site():
    import yaml

    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "python -m trisep_nn site --output" in runs
    assert "pip install -r requirements-dev.txt" in runs
    for action in ("actions/checkout", "actions/setup-python", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert action in uses, f"the workflow does not use {action}"


# --------------------------------------------------------------------------- #
# The built site in a real browser
# --------------------------------------------------------------------------- #
def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the website tests must run, but {reason}", pytrace=False)
    pytest.skip(f"website tests skipped: {reason}")


class _Summary:
    """Says at the end of the run how the site was built (pytest plugin)."""

    def __init__(self, line):
        self.line = line

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("course website")
        terminalreporter.write_line(self.line)


@pytest.fixture(scope="module")
def built(request):
    """Build the site with the one command; returns the builder's manifest."""
    try:
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError as error:
        _unavailable(f"{error} (pip install -r requirements-dev.txt)")
    reusing = sum((ROOT / "build" / "executed" / nb.name).exists() for nb in NOTEBOOKS)
    start = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "trisep_nn", "site", "--output", str(SITE)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    seconds = time.perf_counter() - start
    assert process.returncode == 0, (
        f"the site build failed:\n{process.stdout[-5000:]}\n{process.stderr[-5000:]}")
    manifest = json.loads((site.WORK / "manifest.json").read_text())
    size = sum(f.stat().st_size for f in SITE.rglob("*") if f.is_file())
    summary = (f"built in {seconds:.0f} s ({size / 1e6:.1f} MB) into {SITE}, reusing {reusing} "
               f"of {len(NOTEBOOKS)} notebooks executed by the browser tests; screenshots in "
               f"{SCREENSHOTS}")
    request.config.pluginmanager.register(_Summary(summary), "trisep-site-summary")
    if reusing == len(NOTEBOOKS):
        assert seconds < BUILD_BUDGET_S, (
            f"the site took {seconds:.0f} s to build from executed notebooks "
            f"(budget {BUILD_BUDGET_S} s)")
    return manifest


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(_QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(built):
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is absent (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-default-apps", "--disable-extensions"])
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


class Reader:
    """One browser tab on the site that may not leave it: every other request is
    aborted and remembered, as are failed requests, HTTP errors and console errors."""

    def __init__(self, browser, base, viewport=(1280, 800)):
        self.base = base
        self.context = browser.new_context(viewport=dict(zip(("width", "height"), viewport)))
        self.context.set_default_timeout(30_000)
        self.left, self.failed, self.errors = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.url} (HTTP {r.status})"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.left.append(url)
            route.abort("blockedbyclient")

    def open(self, page_name, query=""):
        self.left.clear(), self.failed.clear(), self.errors.clear()
        self.page.goto(f"{self.base}/{page_name}.html{query}", wait_until="load")
        self.page.wait_for_function(JS_MATHJAX_READY, timeout=60_000)
        self.page.evaluate(JS_MATHJAX_DONE)  # awaits the promise when there is one
        self.page.wait_for_function(JS_IMAGES_SETTLED)
        return self.page

    def assert_clean(self, page_name):
        assert not self.left, f"{page_name}: requests leaving the site: {self.left}"
        assert not self.failed, f"{page_name}: failed requests: {self.failed}"
        assert not self.errors, f"{page_name}: console errors: {self.errors}"

    def close(self):
        self.context.close()


# MathJax is loaded only on pages with math; there, wait until it has typeset the page.
JS_MATHJAX_READY = """() => !document.querySelector('script[src*="mathjax"]') ||
  (window.MathJax && MathJax.startup && MathJax.startup.promise && MathJax.startup.document)"""
JS_MATHJAX_DONE = "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
JS_IMAGES_SETTLED = "() => Array.from(document.images).every(img => img.complete)"
JS_BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
  .map(img => img.getAttribute('src'))"""
# Math that MathJax did not typeset, TeX errors, and dollar signs left in the prose.
JS_MATH = r"""() => {
  const article = document.querySelector('article') || document.body;
  const math = Array.from(article.querySelectorAll('.math'));
  const raw = math.filter(el => !el.querySelector('mjx-container')).map(el => el.textContent);
  const errors = Array.from(article.querySelectorAll('mjx-merror')).map(el => el.textContent);
  const prose = article.cloneNode(true);
  prose.querySelectorAll('pre, code, mjx-container, script').forEach(el => el.remove());
  const dollars = (prose.textContent.match(/.{0,40}\$\$.{0,40}|.{0,30}\\[(\[].{0,30}/g) || []);
  return {typeset: math.length - raw.length, raw, errors, dollars};
}"""
JS_FIGURES = """() => Array.from(document.querySelectorAll('article div.cell_output img'))
  .map(img => ({alt: img.alt, width: img.naturalWidth,
                explorer: !!img.closest('div.cell.tag_explorer')}))"""


@pytest.fixture(scope="module")
def reader(browser, server):
    tab = Reader(browser, server)
    yield tab
    tab.close()


def _notebook_page(notebook, manifest, reader):
    facts = manifest["notebooks"][notebook.stem]
    page = reader.open(notebook.stem)
    reader.assert_clean(notebook.name)
    broken = page.evaluate(JS_BROKEN_IMAGES)
    assert not broken, f"{notebook.name}: images that did not load: {broken}"
    math = page.evaluate(JS_MATH)
    assert not math["raw"] and not math["errors"] and not math["dollars"], (
        f"{notebook.name}: equations not rendered: {math}")
    figures = page.evaluate(JS_FIGURES)
    assert figures, f"{notebook.name}: no figure on the page"
    assert len(figures) == facts["figures"], (
        f"{notebook.name}: {len(figures)} figures on the page, {facts['figures']} in the notebook")
    no_alt = [k for k, f in enumerate(figures) if len(f["alt"].strip()) < 10]
    assert not no_alt, f"{notebook.name}: figures {no_alt} have no alt text"
    explorers = [f for f in figures if f["explorer"]]
    assert len(explorers) == facts["explorers"], (
        f"{notebook.name}: {len(explorers)} explorer pictures, {facts['explorers']} explorers")
    assert all(f["width"] > 100 for f in explorers)
    if "explorer(" in notebook.read_text() or "Playground(" in notebook.read_text():
        assert explorers, f"{notebook.name} calls an explorer but its page shows none"
    return page, facts, math


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_page_reads_offline(notebook, built, reader):
    page, facts, math = _notebook_page(notebook, built, reader)
    # exercises stand out
    exercises = page.locator("article div.admonition.exercise")
    assert exercises.count() == facts["exercises"], f"{notebook.name}: exercise boxes"
    titles = exercises.locator(".admonition-title").all_inner_texts()
    assert all(t.startswith("Exercise ") for t in titles), titles
    # solutions are folded, and open on click
    solutions = page.locator("article div.cell.tag_solution details")
    assert solutions.count() == facts["solutions"], f"{notebook.name}: solution toggles"
    for k in range(solutions.count()):
        toggle = solutions.nth(k)
        assert not toggle.evaluate("el => el.open"), f"{notebook.name}: solution {k} is open"
        assert not toggle.locator("div.cell_input").is_visible()
    if solutions.count():
        first = solutions.first
        first.locator("summary").click()
        first.locator("div.cell_input").wait_for(state="visible")
        assert "Hide solution" in first.locator("summary").inner_text()
    # code can be copied; the notebook downloaded
    assert page.locator("article div.cell_input button.copybtn").count() > 0
    download = page.locator("a.trisep-download")
    href = download.get_attribute("href")
    assert href == f"notebooks/{notebook.name}"
    raw = page.request.get(f"{reader.base}/{href}")
    assert raw.ok and raw.json()["cells"], f"{notebook.name}: the download link is broken"
    binder = page.locator("a.trisep-binder")
    if built["repository"]:
        assert binder.get_attribute("href") == site.binder_url(built["repository"], notebook.name)
    else:
        assert binder.count() == 0, "a Binder link with no repository address set"
    reader.assert_clean(notebook.name)


@pytest.mark.parametrize("page_name", ["index", "genindex", "search"])
def test_the_other_pages_read_offline(page_name, built, reader):
    page = reader.open(page_name)
    reader.assert_clean(page_name)
    assert not page.evaluate(JS_BROKEN_IMAGES)
    math = page.evaluate(JS_MATH)
    assert not math["raw"] and not math["errors"] and not math["dollars"], math
    if page_name == "index":
        text = page.locator("article").inner_text()
        assert "TRISEP" in text
        links = page.locator("article table a").evaluate_all(
            "els => els.map(el => el.getAttribute('href'))")
        assert [link.split("#")[0] for link in links] == [f"{nb.stem}.html" for nb in NOTEBOOKS]
        timing = "measured" if built["run_times"] == "measured" else site.BUDGET
        assert timing in text


def test_search_finds_the_double_descent_notebook(built, reader):
    page = reader.open("search", "?q=double+descent")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    hrefs = results.evaluate_all("els => els.map(el => el.getAttribute('href'))")
    assert any(h.startswith("12_double_descent.html") for h in hrefs), hrefs
    reader.assert_clean("search")


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_screenshots_at_phone_and_laptop_widths(width, browser, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab = Reader(browser, server, VIEWPORTS[width])
    try:
        for name in SHOWCASE:
            page = tab.open(name)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
            explorer = page.locator("div.cell.tag_explorer img")
            if explorer.count():
                explorer.first.scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / f"{name}-explorer-{width}.png"))
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} at {width} width scrolls sideways by {overflow} px"
            tab.assert_clean(name)
    finally:
        tab.close()


def test_no_page_loads_a_widget_manager_or_anything_from_outside(built):
    pages = sorted(SITE.glob("*.html"))
    assert {p.stem for p in pages} >= {nb.stem for nb in NOTEBOOKS} | {"index", "search"}
    for page in pages:
        html = page.read_text()
        outside = re.findall(r"""(?:src|href)=["'](https?:)?//(?!mybinder\.org|github\.com)""",
                             html)
        scripts = re.findall(r"""<script[^>]*src=["']([^"']+)""", html)
        assert not [s for s in scripts if "://" in s or s.startswith("//")], page.name
        assert not [s for s in scripts if re.search(r"require|html-manager|embed", s)], page.name
        assert not re.search(r"""<(?:img|link|iframe)[^>]*(?:src|href)=["'](?:https?:)?//""",
                             html), f"{page.name} loads from outside: {outside}"
