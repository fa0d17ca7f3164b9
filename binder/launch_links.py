"""The course's launch links, generated from its one repository address.

The address lives in one place: ``Repository`` under ``[project.urls]`` in
pyproject.toml. Everything that points at it is generated from it: how to get
the course (a ``git clone`` command) and the Binder badge in the README, and
the Binder link in notebook 00's header. While the address is still the
placeholder ``https://github.com/OWNER/REPO`` there is no badge (it would lead
nowhere); the README says so instead, and how to set it.

    python binder/launch_links.py          # check: exit 1 and say what is out of date
    python binder/launch_links.py --write  # rewrite the generated parts

An instructor who publishes the course sets the address, runs ``--write`` and
commits. The test suite runs the check, so a link can never drift from the
address (tests/test_environment.py).
"""

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "https://github.com/OWNER/REPO"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
# A generated part sits between <!-- launch:NAME --> and <!-- /launch:NAME -->.
BLOCK = re.compile(r"(<!-- launch:(?P<name>[a-z-]+) -->)(?P<body>.*?)(<!-- /launch:(?P=name) -->)",
                   re.S)


def repository(root=ROOT):
    """The repository address from pyproject.toml, without a trailing slash or .git."""
    urls = tomllib.loads((root / "pyproject.toml").read_text())["project"].get("urls", {})
    address = urls.get("Repository", "").strip()
    if not address:
        raise SystemExit("pyproject.toml has no Repository under [project.urls]")
    return re.sub(r"(\.git)?/*$", "", address)


def is_placeholder(address):
    return address == PLACEHOLDER


def binder_url(address):
    """mybinder.org's launch address: JupyterLab with the repository as its root and
    notebook 00 open, as the README's open command does locally."""
    match = re.fullmatch(r"https://github\.com/([^/\s]+)/([^/\s]+)", address)
    if not match:
        raise SystemExit(f"Repository {address!r} is not a https://github.com/<owner>/<name> "
                         "address; Binder links are generated for GitHub repositories only")
    owner, name = match.groups()
    return (f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath="
            + quote(f"lab/tree/{FIRST_NOTEBOOK}", safe="/"))


def readme_blocks(address):
    """The README's generated parts, by name."""
    if is_placeholder(address):
        return {
            "get": (
                "Get the course folder from whoever gave you the course: with git, "
                "`git clone <the course's repository address> trisep-nn && cd trisep-nn`. "
                "(This copy does not name its address yet: see *Run it online* below.)"),
            "binder": (
                "**Run it online (Binder): not set up yet.** This copy of the course still "
                f"carries the placeholder address `{PLACEHOLDER}`, so there is no launch "
                "badge (it would lead nowhere). An instructor who publishes the course on "
                "GitHub sets `Repository` under `[project.urls]` in `pyproject.toml` to the "
                "public address, runs `python binder/launch_links.py --write` (it writes the "
                "clone command and the Binder badge here and the launch link in notebook 00), "
                "and commits; a test checks that every link matches the address."),
        }
    return {
        "get": f"Get the course: `git clone {address}.git trisep-nn && cd trisep-nn`.",
        "binder": (
            f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(address)}) "
            "Or run it online with nothing installed: click the Binder badge (the first "
            "start can take a few minutes)."),
    }


def notebook_block(address):
    if is_placeholder(address):
        return ""
    return f"*Run online, nothing installed*: [Binder]({binder_url(address)})."


def _fill(text, blocks, where):
    found = set()

    def replace(match):
        name = match["name"]
        if name not in blocks:
            raise SystemExit(f"{where}: unknown generated part launch:{name}")
        found.add(name)
        return match.group(1) + blocks[name] + match.group(4)

    filled = BLOCK.sub(replace, text)
    missing = set(blocks) - found
    if missing:
        raise SystemExit(f"{where}: the markers of {sorted(missing)} are missing "
                         "(<!-- launch:NAME --> ... <!-- /launch:NAME -->)")
    return filled


def expected(root=ROOT):
    """{path: the text it should have} for every file with generated parts."""
    address = repository(root)
    readme = root / "README.md"
    notebook_path = root / FIRST_NOTEBOOK
    notebook = json.loads(notebook_path.read_text())
    header = notebook["cells"][0]
    source = _fill("".join(header["source"]), {"notebook": notebook_block(address)},
                   FIRST_NOTEBOOK + " (cell 0)")
    header["source"] = source.splitlines(keepends=True)
    return {
        readme: _fill(readme.read_text(), readme_blocks(address), "README.md"),
        notebook_path: json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
    }


def stray_links(root=ROOT):
    """Launch links written by hand: mybinder.org outside the generated parts."""
    stray = []
    for path in [root / "README.md", *sorted((root / "notebooks").glob("*.ipynb"))]:
        outside = BLOCK.sub("", path.read_text())
        if "mybinder.org" in outside:
            stray.append(str(path.relative_to(root)))
    return stray


def check(root=ROOT):
    """Problems (a list of lines); empty when every link matches the address."""
    problems = [f"{path.relative_to(root)}: its launch links do not match the Repository "
                "address in pyproject.toml: run `python binder/launch_links.py --write`"
                for path, text in expected(root).items() if path.read_text() != text]
    problems += [f"{path}: a mybinder.org link outside the generated parts; launch links "
                 "are generated from pyproject.toml by binder/launch_links.py"
                 for path in stray_links(root)]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the generated parts")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        for path, text in expected(args.root).items():
            if path.read_text() != text:
                path.write_text(text)
                print(f"wrote {path.relative_to(args.root)}")
    problems = check(args.root)
    for problem in problems:
        print(problem)
    address = repository(args.root)
    if not problems:
        print(f"launch links match {address}"
              + (" (the placeholder: no Binder badge yet)" if is_placeholder(address) else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
