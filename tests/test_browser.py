"""The course as a student meets it: every notebook opened in JupyterLab in a
real browser, run top to bottom, its sliders moved.

nbval (the notebooks' own tests) checks that the cells run; it cannot see what
only a browser shows: widgets that fail to render ("Error displaying widget"),
a figure that reaches the page as the text "<Figure size ...>", an explorer
whose picture does not follow its slider, an error printed inside a widget.

One JupyterLab server serves the whole module, started exactly as the README's
open command starts it (the repository as its root, notebook 00 open; in a
temporary copy of the repository), plus only what a headless test needs: a
port, a random token, --no-browser, and --allow-root when running as root. The
first test follows the page that command would open in a browser. One headless
Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing is
downloaded) is shared, relaunched if it died; every test gets a fresh browser
context and page, so one dead or confused page never fails another test.

Each notebook is one test: open it, Run All Cells from the menu, wait until
every cell has run and the kernel is idle, fail on any error output, then move
a slider of every explorer and require its picture to change, press Train on
every Playground and require live redraws until Stop, and save a screenshot
under build/screenshots/. Every wait is for a condition, with a deadline sized
for a busy machine; a failure reports the first thing that went wrong. Skipped,
with a message, only where Chromium is absent; when the environment variable CI
is set it never skips.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
EXECUTED = ROOT / "build" / "executed"  # executed notebooks, for the website
# Deadlines, not delays: every wait ends as soon as its condition holds, so they are
# sized for a busy 2-core machine (a notebook's own budget is 60 s).
RUN_TIMEOUT_S = float(os.environ.get("TRISEP_BROWSER_TIMEOUT_S", 240))
LOAD_TIMEOUT_S = 120.0  # JupyterLab's page loaded, a kernel started
SLIDER_TIMEOUT_S = 60.0  # a picture redrawn after a slider moved or Train pressed
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
]
# JupyterLab settings for the test server only (a temporary settings folder):
# attach every cell to the page (so no cell is missed by windowing), start the
# notebook's kernel without asking, never fetch news from the internet, and no
# autosave: the test's own File → Save is then the only write (see _save_and_read).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {
        "windowingMode": "none", "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


# --------------------------------------------------------------------------- #
# How the README starts the course, and what a headless test adds to it
# --------------------------------------------------------------------------- #
README = ROOT / "README.md"


def readme_open_command():
    """The README's open command after its install step, as arguments:
    ["jupyter", "lab", "--ServerApp.root_dir=.", "notebooks/00_start_here.ipynb"]."""
    block = re.search(r"<!-- open-command -->\n```bash\n(.*?)\n```", README.read_text(), re.S)
    assert block, "README.md has no <!-- open-command --> block"
    install, _, start = block.group(1).partition(" && ")
    assert install.startswith("python -m pip install") and start, block.group(1)
    return shlex.split(start)


def server_command(port, token):
    """How the tests start JupyterLab: the README's command run by this Python, plus
    only what a headless test needs (HEADLESS_ONLY)."""
    readme = readme_open_command()
    assert readme[0] == "jupyter", readme
    extra = ["--no-browser", f"--port={port}", f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--allow-root")  # as the README's Troubleshooting says for root
    return [sys.executable, "-m", *readme, *extra]


HEADLESS_ONLY = re.compile(r"--no-browser|--allow-root|--port=\d+|--IdentityProvider\.token=\w+")


def test_the_tests_start_jupyterlab_as_the_readme_says():
    """Same root, same file, same options; only port, token, --no-browser and
    --allow-root added. Runs without a browser."""
    readme = readme_open_command()
    command = server_command(8888, "abc123")
    assert command[:2] == [sys.executable, "-m"] and command[2:2 + len(readme)] == readme
    extra = command[2 + len(readme):]
    assert all(HEADLESS_ONLY.fullmatch(arg) for arg in extra), extra
    # the README's command serves the repository's root and opens notebook 00 in it
    assert readme[:2] == ["jupyter", "lab"] and "--ServerApp.root_dir=." in readme
    files = [arg for arg in readme[2:] if not arg.startswith("-")]
    assert files == ["notebooks/00_start_here.ipynb"] and (ROOT / files[0]).is_file()


# --------------------------------------------------------------------------- #
# Fixtures: one JupyterLab server and one Chromium for the module; a fresh browser
# context and page for every test. Module, not session, scope: Playwright's sync API
# keeps an asyncio loop running in the main thread until it stops, and later tests
# (the Playground's) need to run their own.
# --------------------------------------------------------------------------- #
def _unavailable(reason):
    """Skip where the browser is missing; in CI that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser tests must run, but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


class Chromium:
    """Playwright and one headless Chromium, relaunched when it has died (a crashed
    browser fails the test it happened in, not every test after it)."""

    def __init__(self, playwright):
        self.playwright, self.browser, self.launches = playwright, None, 0

    def get(self):
        if self.browser is None or not self.browser.is_connected():
            self.close()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                timeout=120_000)
            self.launches += 1
        return self.browser

    def close(self):
        if self.browser is not None:
            try:
                self.browser.close()
            except Exception:  # already gone
                pass
        self.browser = None


@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is absent (install Debian's chromium: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    holder = Chromium(playwright)
    try:
        holder.get()
        yield holder
    finally:
        holder.close()
        playwright.stop()


def test_a_dead_browser_is_relaunched(chromium):
    """A browser that died (here: closed under the fixture's feet) is replaced for the
    next test instead of failing it."""
    first = chromium.get()
    first.close()
    assert not first.is_connected()
    second = chromium.get()
    assert second is not first and second.is_connected()
    second.new_context().close()  # usable


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab server and a tiny client for its REST API."""

    def __init__(self, token, root, process, log, runtime):
        self.token, self.root, self.process, self.log = token, root, process, log
        self.runtime, self.url = runtime, None

    def server_info(self):
        """The server's own record of where it listens (jpserver-<pid>.json in its
        runtime folder, which is this server's alone), or None while it starts."""
        for path in self.runtime.glob("jpserver-*.json"):
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):  # being written
                return None
        return None

    def open_file_page(self):
        """The page the README's command would open in a browser
        (jpserver-file-to-run-<pid>-open.html: it forwards to the file named on the
        command line), or None."""
        return next(iter(self.runtime.glob("jpserver-file-to-run-*-open.html")), None)

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_of(self, notebook_path):
        """The kernel model ({execution_state, connections, ...}) of a notebook, or None."""
        for session in self.api("sessions"):
            if session.get("path") == notebook_path and session.get("kernel"):
                return session["kernel"]
        return None

    def shutdown_sessions(self, notebook_path):
        """Shut the notebook's kernel down; never raises (it runs after a test)."""
        try:
            for session in self.api("sessions"):
                if session.get("path") == notebook_path:
                    self.api(f"sessions/{session['id']}", method="DELETE")
        except Exception:
            pass

    def alive(self):
        return self.process.poll() is None

    def log_tail(self, n=30):
        try:
            return "\n".join(Path(self.log).read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
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
    runtime = base / "runtime"
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(runtime),
    )
    env.pop("JUPYTER_TOKEN", None)
    token = secrets.token_hex(24)
    log = base / "jupyterlab.log"
    with open(log, "w") as log_file:  # from the course folder, as the README says
        process = subprocess.Popen(server_command(_free_port(), token), cwd=root, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    server = Lab(token, root, process, log, runtime)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n"
                        f"{server.log_tail()}", pytrace=False)
        info = server.server_info()
        if info:
            server.url = f"http://127.0.0.1:{info['port']}"
            try:
                server.api("status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"JupyterLab did not answer within 120 s:\n{server.log_tail()}",
                        pytrace=False)
        time.sleep(0.25)
    yield server
    process.terminate()  # the server shuts its kernels down on SIGTERM
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Tab:
    """A page in a browser context of its own, and the errors its console printed."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(str(e)))
        page.on("crash", lambda _: self.console.append("the page crashed"))

    def hint(self):
        lines = "\n".join(self.console[-10:])
        return f"\n\nbrowser console errors:\n{lines}" if lines else ""


@pytest.fixture
def tab(chromium, lab):
    """A fresh browser context and page for one test, closed after it."""
    if not lab.alive():
        pytest.fail(f"JupyterLab has exited:\n{lab.log_tail()}", pytrace=False)
    context = chromium.get().new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    try:
        yield Tab(context.new_page())
    finally:
        try:
            context.close()
        except Exception:  # the browser died with it; the next test relaunches it
            pass


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


def _load(page, lab, notebook_path, url=None):
    """Load JupyterLab in this (fresh) page with the notebook open; wait for its cells."""
    page.goto(url or f"{lab.url}/lab/tree/{notebook_path}?reset&token={lab.token}")
    name = notebook_path.rsplit("/", 1)[-1]
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first.wait_for(
        timeout=LOAD_TIMEOUT_S * 1000)
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).first.wait_for()


def _open(page, lab, notebook_path):
    _load(page, lab, notebook_path)
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

    _wait(kernel_ready, LOAD_TIMEOUT_S, lambda: f"the kernel did not start:\n{lab.log_tail()}")


def _run_all(page, lab, notebook_path):
    def started():
        prompts = page.evaluate(JS_PROMPTS)
        kernel = lab.kernel_of(notebook_path)
        return (any(p != "[ ]:" for p in prompts) or not prompts
                or (kernel is not None and kernel["execution_state"] == "busy"))

    for _attempt in range(3):  # a menu click that did not register: click again
        _menu(page, "Run", "Run All Cells")
        try:
            _wait(started, 30, "Run → Run All Cells started nothing")
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
    _wait(lambda: page.evaluate(JS_WIDGETS_PENDING) == 0, LOAD_TIMEOUT_S,
          "some widgets never rendered (a blank output where a widget should be)")


def _assert_no_problems(page, when):
    problems = page.evaluate(JS_PROBLEMS)
    assert not problems, f"{when}:\n\n" + "\n\n".join(problems)


def _save_and_read(page, lab, notebook_path):
    """Save from the browser (File → Save Notebook), wait until the server has
    written the file, and read it from disk: the saved execution counts say which
    cells ran, hidden solution cells included.

    Not through the REST API: jupyter_server, asked for a notebook while it is
    writing it (atomic writing), takes the half-written file for a broken one, moves
    it aside as .invalid and puts its backup in place, racing the writer; on a busy
    machine the notebook vanished (a 404 on every later read, 09 in a loaded run).
    Autosave is off (LAB_SETTINGS), so this save is the only write."""
    overwrite = page.locator(".jp-Dialog button", has_text="Overwrite")
    answers = []

    def on_response(response):
        url = response.url.split("?")[0]
        if response.request.method == "PUT" and url.endswith(f"/api/contents/{notebook_path}"):
            answers.append(response.status)

    def saved():
        if overwrite.count():  # "the file changed on disk": ours is the one to keep
            overwrite.first.click()
        return answers

    page.on("response", on_response)
    try:
        _menu(page, "File", "Save Notebook")
        _wait(saved, LOAD_TIMEOUT_S, "File → Save Notebook did not save the notebook")
    finally:
        page.remove_listener("response", on_response)
    assert answers[-1] == 200, f"saving the notebook: the server answered HTTP {answers[-1]}"
    return json.loads((lab.root / notebook_path).read_text())


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
    _wait(lambda: "Stop" in button.inner_text(), SLIDER_TIMEOUT_S,
          f"{name}: Train did not turn into Stop")

    def changed_again():
        now = box.evaluate(JS_PICTURE)
        if now != pictures[-1]:
            pictures.append(now)
        return len(pictures) >= 3

    _wait(changed_again, SLIDER_TIMEOUT_S,
          lambda: f"{name}: the picture changed {len(pictures) - 1} time(s) while training; "
                  "expected live updates")
    button.click()  # Stop
    # The Playground turns its button back into Train only when the training has ended,
    # its last redraw sent; the page applies widget updates in the order the kernel sent
    # them. So once Train shows, the picture is final: watch that it stays so.
    _wait(lambda: "Train" in button.inner_text(), SLIDER_TIMEOUT_S,
          f"{name}: Stop did not stop the training")
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


def _screenshot(page, notebook):
    """Save a screenshot of the page; never raises (it runs in a test's finally, where
    an exception would replace the test's own error)."""
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # the Playground if there is one, else the first explorer, else the top
        first = page.locator("[data-trisep-playground]")
        if not first.count():
            first = page.locator('[data-trisep-explorer="0"]')
        if first.count():
            first.first.scroll_into_view_if_needed(timeout=5_000)
        page.screenshot(path=str(SCREENSHOTS / f"{notebook.stem}.png"), timeout=15_000)
    except Exception:  # a screenshot is a by-product; never the reason a test fails
        pass


# --------------------------------------------------------------------------- #
# The tests: the README's page, then one per notebook
# --------------------------------------------------------------------------- #
JS_FILE_BROWSER = """() => Array.from(
    document.querySelectorAll('.jp-FileBrowser .jp-DirListing-content .jp-DirListing-itemText'))
  .map(el => el.textContent.trim())"""


def test_the_readme_command_opens_the_course(lab, tab):
    """The page the README's command opens: notebook 00, with the repository as
    JupyterLab's root (the file browser's root shows README.md and trisep_nn/)."""
    page_file = lab.open_file_page()
    assert page_file, "the server wrote no page for the file on its command line"
    page = tab.page
    notebook_path = "notebooks/00_start_here.ipynb"
    try:
        _load(page, lab, notebook_path, url=page_file.as_uri())
        opened = urllib.parse.urlsplit(page.url).path
        assert opened == f"/lab/tree/{notebook_path}", f"the page opened {page.url}"
        # the file browser shows the notebook's folder; its root (the home icon) is
        # the course folder, where a student finds README.md and trisep_nn/
        page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
        wanted = {"README.md", "trisep_nn", "notebooks", "pyproject.toml"}
        _wait(lambda: wanted <= set(page.evaluate(JS_FILE_BROWSER)), LOAD_TIMEOUT_S,
              lambda: "the file browser does not show the repository's root: it shows "
                      f"{page.evaluate(JS_FILE_BROWSER)}")
        root = {item["name"] for item in lab.api("contents")["content"]}
        assert wanted <= root, f"the server's root is not the repository: {sorted(root)}"
    except Exception as error:
        raise AssertionError(f"{type(error).__name__}: {error}{tab.hint()}") from error
    finally:
        _screenshot(page, Path("readme_open_command"))
        lab.shutdown_sessions(notebook_path)


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


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(notebook, lab, tab):
    notebook_path = notebook.relative_to(ROOT).as_posix()
    try:
        phases = _check_notebook(tab.page, lab, notebook_path)
        _keep_executed(lab, notebook_path)
    except AssertionError as error:
        where = "" if str(error).startswith(notebook.name) else f"{notebook.name}: "
        raise AssertionError(f"{where}{error}{tab.hint()}") from None
    except Exception as error:  # a browser or server failure: the first error, as it was
        raise AssertionError(
            f"{notebook.name}: {type(error).__name__}: {error}{tab.hint()}") from error
    finally:
        _screenshot(tab.page, notebook)
        lab.shutdown_sessions(notebook_path)
    print(f"{notebook.name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))


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
def test_the_harness_catches(fault, lab, tab, monkeypatch):
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
    try:
        with pytest.raises(AssertionError, match=expected):
            _check_notebook(tab.page, lab, notebook_path)
    finally:
        lab.shutdown_sessions(notebook_path)
