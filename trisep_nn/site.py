"""The course as a website: ``python -m trisep_nn site --output DIR``.

Every notebook becomes a page (``00_start_here.html`` ...) with its outputs,
built by Sphinx with MyST-NB and the book theme, entirely offline:

* **Executed once.** The browser tests run every notebook in JupyterLab and
  keep the saved, executed copy in ``build/executed/``; a copy whose code
  cells still match the notebook lends its outputs to the page. Any other
  notebook is executed here through jupyter-cache (``build/jupyter_cache/``),
  so a second build costs nothing either.
* **No widget manager, no CDN.** An explorer's output carries a PNG of its
  starting picture next to the widget view (``Explorer._repr_mimebundle_``);
  the page keeps the picture and drops the view. MathJax is served from the
  site itself (the files of the ``sphinx-mathjax-offline`` package).
* **One source with the README.** The landing page is the README's text
  between ``<!-- website:begin -->`` and ``<!-- website:end -->``, with the
  notebooks' links pointed at their pages and the run times measured by the
  test suite (``build/notebook_times.json``), or the budget when there are none.
* **Read like a course.** "Exercise k.n" sections become admonitions;
  solution cells (tag ``solution``) fold into a "Show solution" toggle; every
  figure gets as alt text the sentence that interprets it; each page links
  its notebook for download and, once the repository's address is set in
  ``[project.urls]`` of pyproject.toml, for Binder.

Nothing here is needed to take the course: the tools are in
requirements-dev.txt.
"""

import argparse
import copy
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parents[1]
ROOT = _PACKAGE_PARENT if (_PACKAGE_PARENT / "notebooks").is_dir() else Path.cwd()
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
EXECUTED = BUILD / "executed"  # saved by tests/test_browser.py after Run All
CACHE = BUILD / "jupyter_cache"
WORK = BUILD / "site-work"  # the staged sources, doctrees and manifest.json
TIMES = BUILD / "notebook_times.json"  # written by the test suite
BUDGET = "Each notebook runs top to bottom in under a minute on a 2-core machine."
README_MARKERS = re.compile(r"<!--\s*website:begin.*?-->(.*?)<!--\s*website:end.*?-->", re.S)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PLACEHOLDER_REPOSITORY = "OWNER/REPO"
CELL_TIMEOUT_S = 600


def log(message):
    print(f"site: {message}", flush=True)


# --------------------------------------------------------------------------- #
# The repository's address: one place, [project.urls] in pyproject.toml
# --------------------------------------------------------------------------- #
def repository(pyproject=None):
    """``"owner/name"`` of the course's GitHub repository, or None while unset."""
    path = Path(pyproject or ROOT / "pyproject.toml")
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return None
    try:
        urls = tomllib.loads(path.read_text()).get("project", {}).get("urls", {})
    except (OSError, ValueError):
        return None
    preferred = ("Repository", "Source", "Source Code", "Code", "Homepage")
    ordered = [urls[k] for k in preferred if k in urls] + list(urls.values())
    for url in ordered:
        match = re.match(r"https?://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$", str(url))
        if match and match.group(1).upper() != PLACEHOLDER_REPOSITORY:
            return match.group(1)
    return None


def binder_url(repo, notebook="00_start_here.ipynb"):
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{notebook}"


# --------------------------------------------------------------------------- #
# Executed notebooks: from the browser tests, or executed here through jupyter-cache
# --------------------------------------------------------------------------- #
def _code_sources(nb):
    return [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"]


def graft_outputs(source, executed):
    """The notebook ``source`` with the outputs of ``executed``, or None when the
    executed copy is stale (its code differs) or did not run to the end."""
    if _code_sources(source) != _code_sources(executed):
        return None
    ran = [cell for cell in executed.cells if cell.cell_type == "code"]
    if any(cell.get("execution_count") is None for cell in ran):
        return None
    merged = copy.deepcopy(source)
    for cell, done in zip((c for c in merged.cells if c.cell_type == "code"), ran):
        cell.outputs = copy.deepcopy(done.get("outputs", []))
        cell.execution_count = done.execution_count
    return merged


def executed_notebooks(paths, executed_dir=EXECUTED, cache_dir=CACHE):
    """{path: (executed notebook, where its outputs came from)} for every path."""
    import nbformat

    result, to_run = {}, []
    for path in paths:
        source = nbformat.read(path, as_version=4)
        kept = Path(executed_dir) / path.name
        merged = None
        if kept.exists():
            merged = graft_outputs(source, nbformat.read(kept, as_version=4))
            if merged is None:
                log(f"{kept} is stale (its code differs from the notebook): not used")
        if merged is not None:
            result[path] = (merged, "browser tests")
        else:
            to_run.append(path)
    if to_run:
        for path, nb in _execute_with_cache(to_run, cache_dir).items():
            result[path] = (nb, "jupyter-cache")
    return result


def _execute_with_cache(paths, cache_dir):
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    # like the test suite: one BLAS thread per kernel, so two kernels share two cores
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    cache = get_cache(str(cache_dir))
    uris = [str(Path(p).absolute()) for p in paths]
    for uri in uris:
        cache.add_nb_to_project(uri)
    stale = [r.uri for r in cache.list_unexecuted(filter_uris=uris)]
    if stale:
        log(f"executing {len(stale)} notebook(s) with jupyter-cache in {cache_dir} "
            f"(cached: {len(uris) - len(stale)})")
        start = time.perf_counter()
        # one at a time, as the test suite runs them: some notebooks time their own
        # code and assert on the scaling, which two kernels on two cores would disturb
        executor = load_executor("local-serial", cache)
        outcome = executor.run_and_cache(filter_uris=stale, timeout=CELL_TIMEOUT_S)
        failed = outcome.excepted + outcome.errored
        if failed:  # once more: a busy machine can upset a timing assertion
            log(f"executing again: {', '.join(Path(u).name for u in failed)}")
            outcome = executor.run_and_cache(filter_uris=failed, timeout=CELL_TIMEOUT_S)
            failed = outcome.excepted + outcome.errored
        if failed:
            details = []
            for uri in failed:
                record = cache.get_project_record(uri)
                details.append(f"{Path(uri).name}:\n{(record.traceback or '')[-3000:]}")
            raise RuntimeError("notebooks failed to execute:\n\n" + "\n\n".join(details))
        log(f"executed in {time.perf_counter() - start:.0f} s")
    else:
        log(f"all {len(uris)} notebook(s) found in the jupyter-cache at {cache_dir}")
    return {path: cache.merge_match_into_file(uri)[1] for path, uri in zip(paths, uris)}


# --------------------------------------------------------------------------- #
# Markdown helpers: plain text for alt attributes
# --------------------------------------------------------------------------- #
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε",
    "varepsilon": "ε", "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "pi": "π", "rho": "ρ", "sigma": "σ", "Sigma": "Σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "Phi": "Φ", "omega": "ω", "Omega": "Ω", "xi": "ξ", "chi": "χ", "psi": "ψ", "nabla": "∇",
    "partial": "∂", "infty": "∞", "cdot": "·", "times": "×", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "approx": "≈", "ne": "≠", "neq": "≠", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "sum": "Σ", "prod": "∏", "int": "∫", "sqrt": "√",
    "lVert": "‖", "rVert": "‖", "|": "‖", "pm": "±", "in": "∈", "ll": "≪", "gg": "≫",
    "sim": "~", "propto": "∝", "min": "min", "max": "max", "log": "log", "exp": "exp",
    "ldots": "…", "dots": "…", "cdots": "⋯", "top": "ᵀ",
}


_SUPERSCRIPTS = dict(zip("0123456789T", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ"))


def _plain_math(tex):
    tex = re.sub(r"\\mathbb\{?([RNZCE])\}?", lambda m: "ℝℕℤℂ𝔼"["RNZCE".index(m.group(1))], tex)
    tex = re.sub(r"\\(?:text|mathrm|mathbf|mathit|operatorname|boldsymbol|mathcal)\{([^{}]*)\}",
                 r"\1", tex)
    tex = re.sub(r"\\[tdc]?frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    tex = re.sub(r"\\[tdc]?frac\s*(\w)(\w)", r"\1/\2", tex)
    tex = re.sub(r"\\([A-Za-z]+)\s*|\\(\|)",
                 lambda m: _SYMBOLS.get(m.group(1) or m.group(2), m.group(1) or m.group(2)), tex)
    tex = re.sub(r"\^\{?([0-9T])\}?", lambda m: _SUPERSCRIPTS[m.group(1)], tex)
    tex = re.sub(r"\\[,;:! ]", " ", tex)
    return re.sub(r"\s+", " ", tex.replace("{", "").replace("}", "")).strip()


def plain_text(markdown):
    """Markdown (with LaTeX) as one line of readable text."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: _plain_math(m.group(1)), markdown, flags=re.S)
    text = re.sub(r"\$(.+?)\$", lambda m: _plain_math(m.group(1)), text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their text
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|(?<!\w)_(?=\w)|(?<=\w)_(?!\w))", "", text)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)  # list bullets
    text = re.sub(r"</?[A-Za-z][^<>]*>", "", text)  # HTML tags, not "p < n ... p > n"
    return re.sub(r"\s+", " ", text).strip()


def _blocks(markdown):
    """Paragraph-level blocks of a markdown cell (a list stays with its lead line)."""
    blocks, current = [], []
    for line in markdown.splitlines():
        if not line.strip():
            if current:
                blocks.append("\n".join(current))
            current = []
        elif line.lstrip().startswith("#"):
            if current:
                blocks.append("\n".join(current))
            blocks.append(line)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _first_sentence(text, limit=400, at_least=40):
    """The first sentence, or the first few when it is a lead-in ("Think!")."""
    ends = [m.start() for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(\"'])", text)] + [len(text)]
    sentence = text[: next(end for end in ends if end >= at_least or end == len(text))]
    if len(sentence) > limit:
        sentence = sentence[: limit].rsplit(" ", 1)[0] + " …"
    return sentence


def _has_image(cell):
    return cell.cell_type == "code" and any(
        "image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def interpretation(cells, index):
    """The sentence that says what to see in the figure(s) of ``cells[index]``: the
    markdown that follows the plot, or, when a new section follows at once, the
    markdown that introduced it."""
    for cell in cells[index + 1:]:
        if cell.cell_type == "code":
            if _has_image(cell):
                break
            continue
        blocks = _blocks(cell.source)
        if blocks and not blocks[0].lstrip().startswith("#"):
            return _first_sentence(plain_text(blocks[0]))
        break
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            prose = [b for b in _blocks(cell.source) if not b.lstrip().startswith("#")]
            if prose:
                return _first_sentence(plain_text(prose[-1]))
    return "a figure"


# --------------------------------------------------------------------------- #
# A notebook as a page
# --------------------------------------------------------------------------- #
_EXERCISE = re.compile(r"^(#{1,6})\s+(Exercise\s+\d+\.\d+.*?)\s*$", re.M)


def _exercise_admonitions(markdown):
    """Each "### Exercise k.n ..." section of a markdown cell (up to the next heading
    or the end of the cell) as an admonition titled with the heading."""
    fences = [m.span() for m in re.finditer(r"^(`{3,}|~{3,}).*?^\1", markdown, re.M | re.S)]

    def in_code(at):
        return any(start <= at < end for start, end in fences)

    headings = [m.start() for m in re.finditer(r"^#{1,6}\s", markdown, re.M)
                if not in_code(m.start())]
    pieces, position = [], 0
    for match in _EXERCISE.finditer(markdown):
        if match.start() < position or in_code(match.start()):
            continue
        end = next((at for at in headings if at > match.start()), len(markdown))
        title = match.group(2)
        number = re.search(r"\d+\.\d+", title).group(0).replace(".", "-")
        body = markdown[match.end():end].strip("\n")
        pieces.append(markdown[position:match.start()])
        pieces.append(f"::::{{admonition}} {title}\n:class: exercise\n:name: exercise-{number}\n\n"
                      f"{body}\n::::\n\n")
        position = end
    pieces.append(markdown[position:])
    return "".join(pieces)


def _links_line(name, repo):
    links = [f'<a class="trisep-download" href="notebooks/{name}" download>'
             "Download the notebook</a>"]
    if repo:
        links.append(f'<a class="trisep-binder" href="{binder_url(repo, name)}">'
                     "Launch it on Binder</a>")
    return f'<p class="trisep-notebook-links">{" · ".join(links)}</p>'


def prepare_notebook(nb, name, repo):
    """The executed notebook ``nb`` made into a page; returns (notebook, facts)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # no widget state: no widget manager on the page
    facts = {"explorers": 0, "figures": 0, "exercises": 0, "solutions": 0, "alt": []}
    cells = nb.cells
    alts = {i: interpretation(cells, i) for i, cell in enumerate(cells) if _has_image(cell)}
    for index, cell in enumerate(cells):
        tags = cell.metadata.setdefault("tags", [])
        if cell.cell_type == "markdown":
            facts["exercises"] += len(_EXERCISE.findall(cell.source))
            cell.source = _exercise_admonitions(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        mystnb = cell.metadata.setdefault("mystnb", {})
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            if "image/png" in data:  # an explorer: its starting picture stands in for it
                output["data"] = {"image/png": data["image/png"]}
                if "explorer" not in tags:
                    tags.append("explorer")
                facts["explorers"] += 1
            else:
                output["data"] = {"text/html": '<p class="trisep-widget-note">(interactive '
                                               "controls: run the notebook to use them)</p>"}
        if "solution" in tags:
            tags.append("hide-cell")
            mystnb.update(code_prompt_show="Show solution", code_prompt_hide="Hide solution")
            facts["solutions"] += 1
        if index in alts:
            alt = alts[index]
            mystnb["image"] = {"alt": alt}
            facts["figures"] += sum("image/png" in o.get("data", {}) for o in cell.outputs)
            facts["alt"].append(alt)
    first = cells[0] if cells else None
    if first is not None and first.cell_type == "markdown":
        lines = first.source.splitlines()
        at = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
        lines.insert(at + 1, "\n" + _links_line(name, repo) + "\n")
        first.source = "\n".join(lines)
    return nb, facts


# --------------------------------------------------------------------------- #
# The landing page: the README's own text
# --------------------------------------------------------------------------- #
def measured_times(path=TIMES):
    """{notebook stem: seconds} from the test suite's file, or {} without one."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    if isinstance(raw, dict) and isinstance(raw.get("seconds"), dict):  # the suite's record
        raw = raw["seconds"]
    if isinstance(raw, dict) and isinstance(raw.get("notebooks"), (dict, list)):
        raw = raw["notebooks"]
    if isinstance(raw, list):
        raw = {item.get("notebook") or item.get("name"): item for item in raw}
    times = {}
    for key, value in (raw or {}).items():
        if isinstance(value, dict):
            value = value.get("seconds", value.get("time"))
        if key and isinstance(value, (int, float)):
            times[Path(str(key)).stem] = float(value)
    return times


def _format_seconds(seconds):
    return "under 1 s" if seconds < 1 else f"{seconds:.0f} s"


def _run_time_column(lines, times):
    """The README's notebook table with its run-time column measured, or dropped."""
    table = [i for i, line in enumerate(lines) if line.lstrip().startswith("|")]
    if not table:
        return lines, False
    split = [[c.strip() for c in lines[i].strip().strip("|").split("|")] for i in table]
    column = next((k for k, head in enumerate(split[0]) if re.search(r"run\s*time", head, re.I)),
                  None)
    if column is None and not times:
        return lines, False
    if column is None:  # the README makes no claim of time; the page adds the measured ones
        column = len(split[0])
        for cells in split:
            rule = set("".join(cells)) <= set("-: ")
            cells.append("run time" if cells is split[0] else "---" if rule else "")
    lines = list(lines)
    for i, cells in zip(table, split):
        stem = re.search(r"(\d\d_\w+)\.ipynb", lines[i])
        if cells is split[0] or set(lines[i].replace("|", "").strip()) <= set("-: "):
            pass
        elif times and stem and stem.group(1) in times:
            cells[column] = _format_seconds(times[stem.group(1)])
        elif times:
            cells[column] = "not measured"
        if not times:
            del cells[column]
        lines[i] = "| " + " | ".join(cells) + " |"
    return lines, True


def _rewrite_links(markdown, repo):
    def link(match):
        text, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        notebook = re.match(r"(?:\./)?notebooks/([^/]+\.ipynb)(#.*)?$", target)
        if notebook:
            return f"[{text}]({notebook.group(1)}{notebook.group(2) or ''})"
        if repo:
            return f"[{text}](https://github.com/{repo}/blob/HEAD/{target})"
        return text

    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", link, markdown)


def landing_page(readme_text, notebooks, repo, times):
    """index.md: the README's title and its text between the website markers."""
    region = README_MARKERS.search(readme_text)
    if region is None:
        raise RuntimeError("README.md must mark the website's text with <!-- website:begin --> "
                           "and <!-- website:end -->")
    title = next((line for line in readme_text.splitlines() if line.startswith("# ")),
                 "# Intro to Neural Networks")
    body = region.group(1).strip("\n")
    body = re.sub(r"!\[[^\]]*\]\(https?://[^)]*\)", "", body)  # never an image from outside
    # the README's markers are HTML comments; a line that starts with one would be read as
    # raw HTML, its Markdown left unrendered and a `<placeholder>` in it taken for a tag
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = _rewrite_links(body, repo)
    lines, had_column = _run_time_column(body.splitlines(), times)
    parts = [title, ""]
    if repo:
        parts += [f'<p class="trisep-notebook-links"><a class="trisep-binder" '
                  f'href="{binder_url(repo)}">Launch the course on Binder</a></p>', ""]
    parts += lines
    if times:
        parts += ["", "Run times: measured top to bottom by the test suite for this build, "
                      "on a machine with no GPU."]
    elif had_column or not re.search(r"under a minute|60 s", body):
        parts += ["", BUDGET]
    parts += ["", "```{toctree}", ":hidden:", ":caption: Notebooks", ""]
    parts += [path.stem for path in notebooks] + ["```", ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- #
# The build
# --------------------------------------------------------------------------- #
def stage(notebooks, work, repo, executed_dir=EXECUTED, cache_dir=CACHE, times=None):
    """Write the Sphinx sources into ``work/src``; returns the manifest."""
    import nbformat

    src = Path(work) / "src"
    if src.exists():
        shutil.rmtree(src)
    (src / "_extra" / "notebooks").mkdir(parents=True)
    executed = executed_notebooks(notebooks, executed_dir, cache_dir)
    manifest = {"repository": repo, "notebooks": {}}
    for path in notebooks:
        nb, origin = executed[path]
        page, facts = prepare_notebook(nb, path.name, repo)
        nbformat.write(page, src / path.name)
        shutil.copy2(path, src / "_extra" / "notebooks" / path.name)  # the clean notebook
        manifest["notebooks"][path.stem] = dict(facts, outputs_from=origin)
    times = measured_times() if times is None else times
    (src / "index.md").write_text(
        landing_page((ROOT / "README.md").read_text(), notebooks, repo, times))
    manifest["run_times"] = "measured" if times else "budget"
    return manifest


def build(output, work=WORK, executed_dir=EXECUTED, cache_dir=CACHE, quiet=True):
    """Build the whole site into ``output``; returns the manifest (also saved as
    ``work/manifest.json``)."""
    try:
        import myst_nb  # noqa: F401
        from sphinx.cmd.build import build_main
    except ImportError as error:
        raise SystemExit(f"{error}: the website's tools are in requirements-dev.txt "
                         "(python -m pip install -r requirements-dev.txt)") from None
    start = time.perf_counter()
    output, work = Path(output).resolve(), Path(work).resolve()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no notebooks in {ROOT / 'notebooks'}: build from the course's clone")
    repo = repository()
    manifest = stage(notebooks, work, repo, executed_dir, cache_dir)
    staged = time.perf_counter()
    if output.exists():
        shutil.rmtree(output)
    args = ["-b", "html", "-c", str(DOCS), "-d", str(work / "doctrees"), "-E", "-W",
            "--keep-going", "-j", "auto", "-D", f"html_extra_path={work / 'src' / '_extra'}",
            str(work / "src"), str(output)]
    if quiet:
        args.insert(0, "-q")
    if build_main(args) != 0:
        raise SystemExit("sphinx-build failed (the warnings above say why)")
    manifest["seconds"] = {"stage": round(staged - start, 1),
                           "sphinx": round(time.perf_counter() - staged, 1)}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    size = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
    origins = sorted({n["outputs_from"] for n in manifest["notebooks"].values()})
    log(f"built {output} ({size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s; "
        f"outputs from {' and '.join(origins)}")
    return manifest


def main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m trisep_nn site",
        description="Build the course website (every notebook with its outputs) into a folder.")
    parser.add_argument("--output", required=True, help="folder for the site (replaced)")
    parser.add_argument("--executed", default=str(EXECUTED),
                        help="executed notebooks to reuse (default: %(default)s)")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    build(args.output, executed_dir=args.executed, quiet=not args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
