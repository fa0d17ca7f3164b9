"""The course as a student meets it: every notebook opened in JupyterLab in a
real browser, run top to bottom, its sliders moved.

nbval (the notebooks' own tests) checks that the cells run; it cannot see what
only a browser shows: widgets that fail to render ("Error displaying widget"),
a figure that reaches the page as the text "<Figure size ...>", an explorer
whose picture does not follow its slider, an error printed inside a widget.

One JupyterLab server (on a temporary copy of the repository, 127.0.0.1, a
random token) and one headless Chromium (Debian's /usr/bin/chromium driven by
Playwright; nothing is downloaded) serve the whole session. Each notebook is
one test: open it, Run All Cells from the menu, wait until every cell has run
and the kernel is idle, fail on any error output, then move a slider of every
explorer and require its picture to change, press Train on every Playground
and require live redraws until Stop, and save a screenshot under
build/screenshots/. Skipped, with a message, only where Chromium is absent;
when the environment variable CI is set it never skips.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
EXECUTED = ROOT / "build" / "executed"  # executed notebooks, for the website
# Generous: a notebook's own budget is 60 s; the machine may be busy.
RUN_TIMEOUT_S = float(os.environ.get("TRISEP_BROWSER_TIMEOUT_S", 240))
SLIDER_TIMEOUT_S = 30.0
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
]
# JupyterLab settings for the test server only (a temporary settings folder):
# attach every cell to the page (so no cell is missed by windowing), start the
# notebook's kernel without asking, and never fetch news from the internet.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {
        "windowingMode": "none", "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


# --------------------------------------------------------------------------- #
# Module fixtures: one browser, one JupyterLab server for all the notebooks. Module,
# not session, scope: Playwright's sync API keeps an asyncio loop running in the main
# thread until it stops, and later tests (the Playground's) need to run their own.
# --------------------------------------------------------------------------- #
def _unavailable(reason):
    """Skip where the browser is missing; in CI that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser tests must run, but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is absent (install Debian's chromium: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab server and a tiny client for its REST API."""

    def __init__(self, url, token, root, process, log):
        self.url, self.token, self.root, self.process, self.log = url, token, root, process, log

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def contents(self, path, content=True):
        """The contents model of a file. While JupyterLab is saving it the server
        can answer 400 (a half-written notebook), 404 (the file being replaced)
        or 500; that passes, so ask again for up to 15 s."""
        deadline = time.monotonic() + 15
        while True:
            try:
                return self.api(f"contents/{path}" + ("" if content else "?content=0"))
            except urllib.error.HTTPError as error:
                if error.code not in (400, 404, 500) or time.monotonic() > deadline:
                    raise
            time.sleep(0.5)

    def kernel_of(self, notebook_path):
        """The kernel model ({execution_state, connections, ...}) of a notebook, or None."""
        for session in self.api("sessions"):
            if session.get("path") == notebook_path and session.get("kernel"):
                return session["kernel"]
        return None

    def shutdown_sessions(self, notebook_path):
        for session in self.api("sessions"):
            if session.get("path") == notebook_path:
                try:
                    self.api(f"sessions/{session['id']}", method="DELETE")
                except urllib.error.URLError:
                    pass

    def log_tail(self, n=30):
        try:
            return "\n".join(Path(self.log).read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "course"
    shutil.copytree(
        ROOT, root, symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", "build", "__pycache__", "*.egg-info", ".venv*", ".ipynb_checkpoints",
            ".pytest_cache", ".hypothesis", "node_modules",
        ),
    )
    settings = base / "settings"
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.rsplit("/", 1)
        folder = settings / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
    )
    env.pop("JUPYTER_TOKEN", None)
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "jupyterlab.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = Lab(f"http://127.0.0.1:{port}", token, root, process, log)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n"
                        f"{server.log_tail()}", pytrace=False)
        try:
            server.api("status")
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not answer within 90 s:\n{server.log_tail()}",
                            pytrace=False)
            time.sleep(0.25)
    yield server
    process.terminate()  # the server shuts its kernels down on SIGTERM
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Workspace:
    """One browser tab with JupyterLab loaded, reused notebook after notebook (loading
    the JupyterLab app takes seconds); replaced by a fresh tab after a failure."""

    def __init__(self, browser):
        self.browser, self.page, self.console = browser, None, []

    def get(self):
        if self.page is None:
            self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})
            self.page.set_default_timeout(30_000)
            self.page.on("console", lambda m: self.console.append(m.text)
                         if m.type == "error" else None)
            self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.console.clear()
        return self.page

    def discard(self):
        if self.page is not None:
            self.page.close()
        self.page = None


@pytest.fixture(scope="module")
def workspace(browser, lab):
    tabs = Workspace(browser)
    yield tabs
    tabs.discard()


# --------------------------------------------------------------------------- #
# What the page says (JavaScript evaluated in the browser)
# --------------------------------------------------------------------------- #
# Prompts of the code cells: "[ ]:" never run, "[*]:" queued or running, "[3]:" done.
# textContent, not innerText: hidden (solution) cells hide their prompt too.
JS_PROMPTS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'))
  .map(cell => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    return prompt ? prompt.textContent.trim() : '';
  })"""

# Everything a student would read as an error, with the index of the cell it is in.
JS_PROBLEMS = r"""() => {
  const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell'));
  const where = el => {
    const cell = el.closest('.jp-Cell');
    return cell ? 'cell ' + cells.indexOf(cell) : 'outside the cells';
  };
  const problems = [];
  const errorLine = /Traceback|^\s*[A-Za-z_.]*(Error|Exception)\b/m;
  for (const out of document.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    const text = out.textContent;
    if (errorLine.test(text)) problems.push(where(out) + ': error output:\n' + text.slice(0, 3000));
  }
  const notebook = document.querySelector('.jp-NotebookPanel .jp-Notebook');
  const walker = document.createTreeWalker(notebook || document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (const marker of ['Error displaying widget', 'Could not draw with', '<Figure size']) {
      const el = node.parentElement;
      if (!text.includes(marker) || el.closest('.jp-InputArea, .jp-MarkdownOutput')) continue;
      // "<Figure size ...>" is harmless next to the picture; alone, the picture is missing
      const cell = el.closest('.jp-Cell');
      if (marker === '<Figure size' && cell && cell.querySelector('.jp-OutputArea img')) continue;
      {
        const message = where(el) + ': "' + text.trim().slice(0, 500) + '"';
        if (!seen.has(message)) { seen.add(message); problems.push(message); }
      }
    }
  }
  return problems;
}"""

# Widget outputs that have not rendered yet.
JS_WIDGETS_PENDING = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'))
  .filter(out => !out.querySelector('.jupyter-widgets') &&
                 !out.textContent.includes('Error displaying widget')).length"""

# Explorers: the smallest widget box around a slider that also holds a picture.
# Each is tagged data-trisep-explorer=<k>; returns how many sliders each one has.
JS_TAG_EXPLORERS = """() => {
  const roots = [];
  for (const slider of document.querySelectorAll('.jp-NotebookPanel .widget-slider')) {
    let el = slider.parentElement;
    while (el && !el.classList.contains('jp-OutputArea-output') && !el.querySelector('img')) {
      el = el.parentElement;
    }
    if (el && el.querySelector('img') && !roots.includes(el)) roots.push(el);
  }
  return roots.map((root, k) => {
    root.setAttribute('data-trisep-explorer', String(k));
    return root.querySelectorAll('.widget-slider .noUi-handle').length;
  });
}"""

# A fingerprint of the pictures inside an element: SHA-256 of each image's bytes.
JS_PICTURE = """async root => {
  const hex = buf => Array.from(new Uint8Array(buf))
    .map(b => b.toString(16).padStart(2, '0')).join('');
  const read = async img => {
    // A widget revokes its old blob URL when a new picture arrives (live training
    // can do that between reading src and fetching it): read the current one again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const src = img.src;
      if (!src.startsWith('blob:')) return new TextEncoder().encode(src);
      try { return await (await fetch(src)).arrayBuffer(); } catch (e) { /* replaced */ }
    }
    return new TextEncoder().encode('unreadable ' + img.src);
  };
  const parts = [];
  for (const img of root.querySelectorAll('img')) {
    parts.push(hex(await crypto.subtle.digest('SHA-256', await read(img))));
  }
  return parts.join('|');
}"""


# --------------------------------------------------------------------------- #
# Steps
# --------------------------------------------------------------------------- #
def _wait(predicate, timeout, message, interval=0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def _menu(page, menu, item):
    """Click main-menu entry `menu` → `item` (by their labels), as a student would."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel",
                 has_text=re.compile(f"^{re.escape(item)}$")).click()


def _open(page, lab, notebook_path):
    if not page.url.startswith(lab.url):  # a new tab: load JupyterLab with this notebook
        page.goto(f"{lab.url}/lab/tree/{notebook_path}?reset&token={lab.token}")
    else:  # JupyterLab is loaded: open the notebook as a student would
        _menu(page, "File", "Open from Path…")
        field = page.locator(".jp-Dialog input")
        field.fill(notebook_path)
        field.press("Enter")
    name = notebook_path.rsplit("/", 1)[-1]
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first.wait_for(
        timeout=60_000)
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).first.wait_for()
    open_sidebar = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if open_sidebar.count():  # fold the file browser away: more notebook on the screenshot
        open_sidebar.first.click()

    def kernel_ready():
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():  # "Select Kernel", should the setting above not apply
            dialog.first.click()
        kernel = lab.kernel_of(notebook_path)
        return (kernel and kernel["connections"] >= 1 and kernel["execution_state"] == "idle"
                and "Idle" in page.locator("#jp-main-statusbar").inner_text())

    _wait(kernel_ready, 90, lambda: f"the kernel did not start:\n{lab.log_tail()}")


def _run_all(page, lab, notebook_path):
    def started():
        prompts = page.evaluate(JS_PROMPTS)
        return any(p != "[ ]:" for p in prompts) or not prompts

    for _attempt in range(3):
        _menu(page, "Run", "Run All Cells")
        try:
            _wait(started, 10, "Run → Run All Cells started nothing")
            break
        except AssertionError:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("Run → Run All Cells started nothing (tried three times)")

    idle_since = [None]

    def finished():
        prompts = page.evaluate(JS_PROMPTS)
        kernel = lab.kernel_of(notebook_path)
        idle = (kernel is not None and kernel["execution_state"] == "idle"
                and "[*]:" not in prompts)
        if not idle:
            idle_since[0] = None
            return False
        idle_since[0] = idle_since[0] or time.monotonic()
        return time.monotonic() - idle_since[0] > 0.75  # idle and staying idle

    def still_running():
        prompts = page.evaluate(JS_PROMPTS)
        running = [i for i, p in enumerate(prompts) if p == "[*]:"]
        return (f"still running after {RUN_TIMEOUT_S:.0f} s: code cells {running} of "
                f"{len(prompts)} show [*]")

    _wait(finished, RUN_TIMEOUT_S, still_running)
    _wait(lambda: page.evaluate(JS_WIDGETS_PENDING) == 0, 30,
          "some widgets never rendered (a blank output where a widget should be)")


def _assert_no_problems(page, when):
    problems = page.evaluate(JS_PROBLEMS)
    assert not problems, f"{when}:\n\n" + "\n\n".join(problems)


def _save_and_read(page, lab, notebook_path):
    """Save from the browser (File → Save Notebook) and read the saved file back:
    the saved execution counts say which cells ran, hidden solution cells included."""
    shown = sum(1 for p in page.evaluate(JS_PROMPTS) if re.fullmatch(r"\[\d+\]:", p))
    overwrite = page.locator(".jp-Dialog button", has_text="Overwrite")

    def modified():
        return lab.contents(notebook_path, content=False)["last_modified"]

    for _attempt in range(3):
        before = modified()
        _menu(page, "File", "Save Notebook")
        try:
            _wait(lambda before=before: overwrite.count() or modified() != before,
                  30, "File → Save Notebook did not save the notebook")
        finally:
            if overwrite.count():  # "the file changed on disk": ours is the one to keep
                overwrite.first.click()
        saved = lab.contents(notebook_path)["content"]
        ran = sum(1 for c in saved["cells"] if c.get("execution_count") is not None)
        if ran >= shown:  # the save has caught up with what the page shows
            return saved
        time.sleep(1)
    return lab.contents(notebook_path)["content"]


def _assert_every_cell_ran(saved):
    code = [i for i, c in enumerate(saved["cells"]) if c["cell_type"] == "code"]
    errors = [
        f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
        for i, c in enumerate(saved["cells"]) if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors, "error outputs:\n" + "\n".join(errors)
    skipped = [i for i in code if saved["cells"][i].get("execution_count") is None]
    assert not skipped, (
        f"cells {skipped} (of {len(saved['cells'])}) did not run: Run All stopped early"
    )


def _move_sliders(page):
    """For every explorer, nudge its sliders one step until the picture changes."""
    sliders_per_explorer = page.evaluate(JS_TAG_EXPLORERS)
    for k, n_sliders in enumerate(sliders_per_explorer):
        root = page.locator(f'[data-trisep-explorer="{k}"]')
        root.scroll_into_view_if_needed()
        before = root.evaluate(JS_PICTURE)
        tried = []
        for s in range(min(n_sliders, 3)):
            handle = root.locator(".widget-slider .noUi-handle").nth(s)
            now, top = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemax"))
            at_top = now is not None and top is not None and float(now) >= float(top)
            key = "ArrowLeft" if at_top else "ArrowRight"
            label = root.locator(".widget-slider").nth(s).inner_text().split("\n")[0]
            handle.press(key)
            tried.append(f"{label!r} ({key})")
            try:
                _wait(lambda root=root, before=before: root.evaluate(JS_PICTURE) != before,
                      SLIDER_TIMEOUT_S, "")
                break
            except AssertionError:
                continue
        else:
            raise AssertionError(
                f"explorer {k + 1} of {len(sliders_per_explorer)}: its picture did not change "
                f"within {SLIDER_TIMEOUT_S:.0f} s after moving slider(s) {', '.join(tried)}"
            )
    return len(sliders_per_explorer)


def _train_live(page):
    """Playgrounds (a "▶ Train" button): Train must redraw while it runs, and Stop must stop."""
    buttons = page.locator(".jp-NotebookPanel .widget-button")
    labels = buttons.evaluate_all("(els) => els.map(el => el.textContent)")
    trains = [i for i, label in enumerate(labels) if "Train" in label]
    for k, i in enumerate(trains):
        # by position, not by its label: the label changes to "Stop" when pressed
        _train_and_stop(buttons.nth(i), f"Playground {k + 1}")
        _playground_fits_and_follows(page, buttons.nth(i), f"Playground {k + 1}")
    return len(trains)


def _train_and_stop(button, name):
    box = button.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][.//img][1]")
    box.evaluate("el => el.setAttribute('data-trisep-playground', '')")
    button.scroll_into_view_if_needed()
    pictures = [box.evaluate(JS_PICTURE)]
    button.click()
    _wait(lambda: "Stop" in button.inner_text(), 10, f"{name}: Train did not turn into Stop")

    def changed_again():
        now = box.evaluate(JS_PICTURE)
        if now != pictures[-1]:
            pictures.append(now)
        return len(pictures) >= 3

    _wait(changed_again, SLIDER_TIMEOUT_S,
          lambda: f"{name}: the picture changed {len(pictures) - 1} time(s) while training; "
                  "expected live updates")
    button.click()  # Stop
    _wait(lambda: "Train" in button.inner_text(), 10, f"{name}: Stop did not stop the training")
    time.sleep(0.5)  # a chunk that was running when Stop arrived may still draw once
    settled = box.evaluate(JS_PICTURE)
    time.sleep(1.5)
    assert box.evaluate(JS_PICTURE) == settled, f"{name}: the picture kept changing after Stop"


def _playground_fits_and_follows(page, button, name, screen=(1200, 800)):
    """Issue 16: the whole Playground fits a laptop screen (about 1200 x 800 CSS px) without
    scrolling, shown in a screenshot; and a new control (the input feature x₁²) changes
    the picture, and switching it back changes it again."""
    box = button.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][.//img][1]")
    page.set_viewport_size({"width": screen[0], "height": screen[1]})
    try:
        box.evaluate("el => el.scrollIntoView({block: 'start'})")
        time.sleep(0.5)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"playground_{screen[0]}x{screen[1]}.png"))
        where = box.bounding_box()
        assert where and where["x"] >= 0 and where["x"] + where["width"] <= screen[0], (
            f"{name} does not fit {screen[0]} px across: {where}")
        status = page.locator("#jp-main-statusbar").bounding_box()  # JupyterLab's bottom bar
        bottom = status["y"] if status else screen[1]
        assert where["y"] >= 0 and where["y"] + where["height"] <= bottom, (
            f"{name} does not fit {screen[1]} px down without scrolling: {where}, the "
            f"notebook's visible area ends at {bottom} px")
        feature = box.locator(".widget-toggle-button", has_text="x₁²")
        for _ in range(2):  # on, then off again
            before = box.evaluate(JS_PICTURE)
            feature.click()
            _wait(lambda before=before: box.evaluate(JS_PICTURE) != before, SLIDER_TIMEOUT_S,
                  f"{name}: the picture did not change after switching the input x₁²")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def _close(page):
    """Close the notebook's tab (File → Close Tab), discarding unsaved changes."""
    _menu(page, "File", "Close Tab")
    discard = page.locator(".jp-Dialog button", has_text="Discard")
    try:
        discard.first.wait_for(timeout=1_000)
        discard.first.click()
    except Exception:  # no dialog: nothing was unsaved
        pass
    page.locator(".jp-NotebookPanel").first.wait_for(state="detached", timeout=10_000)


def _screenshot(page, notebook):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # the Playground if there is one, else the first explorer, else the top
    first = page.locator("[data-trisep-playground]")
    if not first.count():
        first = page.locator('[data-trisep-explorer="0"]')
    try:
        if first.count():
            first.first.scroll_into_view_if_needed(timeout=5_000)
        page.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}.png"), timeout=15_000)
    except Exception:  # a screenshot is a by-product; never the reason a test fails
        pass


# --------------------------------------------------------------------------- #
# The test: one per notebook
# --------------------------------------------------------------------------- #
def _check_notebook(page, lab, notebook_path):
    """Everything a notebook must pass in the browser; returns the time of each phase."""
    name = notebook_path.rsplit("/", 1)[-1]
    phases, start = {}, time.perf_counter()

    def phase(label):
        nonlocal start
        phases[label] = time.perf_counter() - start
        start = time.perf_counter()

    _open(page, lab, notebook_path)
    phase("open + kernel")
    _run_all(page, lab, notebook_path)
    phase("run all")
    _assert_no_problems(page, f"{name} shows errors after Run All")
    _assert_every_cell_ran(_save_and_read(page, lab, notebook_path))
    phase("checks + save")
    n_explorers = _move_sliders(page)
    phase(f"{n_explorers} explorer(s)")
    if _train_live(page):
        phase("train/stop")
    _assert_no_problems(page, f"{name} shows errors after moving its sliders")
    return phases


def _keep_executed(lab, notebook_path):
    """Keep the notebook as JupyterLab saved it after Run All, in build/executed/:
    the course website (python -m trisep_nn site) builds its pages from these
    instead of running every notebook a second time."""
    if not notebook_path.startswith("notebooks/"):
        return
    EXECUTED.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lab.root / notebook_path, EXECUTED / Path(notebook_path).name)


def _finish(page, workspace, lab, notebook_path, passed):
    try:
        if passed:
            _close(page)
    except Exception:
        passed = False
    if not passed:  # start the next notebook from a fresh tab
        workspace.discard()
    lab.shutdown_sessions(notebook_path)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(notebook, lab, workspace):
    notebook_path = notebook.relative_to(ROOT).as_posix()
    page = workspace.get()
    passed = False
    try:
        phases = _check_notebook(page, lab, notebook_path)
        print(f"{notebook.name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
        passed = True
        _keep_executed(lab, notebook_path)
    except AssertionError as error:
        hint = "\n".join(workspace.console[-10:])
        raise AssertionError(
            f"{notebook.name}: {error}" + (f"\n\nbrowser console errors:\n{hint}" if hint else "")
        ) from None
    finally:
        _screenshot(page, notebook)
        _finish(page, workspace, lab, notebook_path, passed)


# --------------------------------------------------------------------------- #
# The harness itself must be able to fail: notebooks with the faults it hunts
# --------------------------------------------------------------------------- #
BROKEN = {
    "error_in_a_cell": (
        ["print('fine')", "raise ValueError('boom in cell two')", "print('never runs')"],
        r"cell 2: error output:[\s\S]*ValueError[\s\S]*boom in cell two"),
    "traceback_inside_a_widget": (
        ["import ipywidgets as widgets\nout = widgets.Output()\ndisplay(out)\n"
         "with out:\n    1 / 0"],
        r"ZeroDivisionError"),
    "picture_ignores_its_slider": (
        ["from trisep_nn.widgets import Explorer, slider\n"
         "Explorer(lambda fig, k: fig.subplots().plot([0, 1]), {'k': slider(1, 0, 5)})"],
        r"explorer 1 of 1: its picture did not change"),
    "explorer_error_message": (
        ["from trisep_nn.widgets import Explorer, slider\n"
         "def draw(fig, k):\n    raise RuntimeError('no data for k')\n"
         "Explorer(draw, {'k': slider(1, 0, 5)})"],
        r"Could not draw with"),
}


@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_the_harness_catches(fault, lab, workspace, monkeypatch):
    import nbformat

    sources, expected = BROKEN[fault]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                  "name": "python3"}}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {fault}")] + [
        nbformat.v4.new_code_cell(src) for src in sources]
    notebook_path = f"harness_{fault}.ipynb"
    nbformat.write(nb, lab.root / notebook_path)
    monkeypatch.setattr(sys.modules[__name__], "SLIDER_TIMEOUT_S", 3.0)
    page = workspace.get()
    caught = False
    try:
        with pytest.raises(AssertionError, match=expected):
            _check_notebook(page, lab, notebook_path)
        caught = True
    finally:
        _finish(page, workspace, lab, notebook_path, passed=caught)  # close the tab, keep the app
