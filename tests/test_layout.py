"""The layout: one name per lesson everywhere, every module reachable, no name
offered twice, no private name used across modules."""

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import trisep_nn
from trisep_nn.lessons import LESSONS, declared_names, notebook_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "trisep_nn"


def test_every_notebook_lesson_folder_and_test_file_share_one_name():
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks == [notebook_name(n) for n in sorted(LESSONS)]
    assert list(LESSONS) == list(range(len(LESSONS))), "lessons are numbered 0, 1, 2, ..."
    folders = sorted(p.name for p in (PACKAGE / "lessons").iterdir()
                     if p.is_dir() and not p.name.startswith("__"))
    assert folders == sorted(LESSONS.values())
    tests = sorted(p.stem for p in (ROOT / "tests" / "lessons").glob("test_*.py"))
    assert tests == sorted(f"test_{name}" for name in LESSONS.values())


@pytest.mark.parametrize("lesson", list(LESSONS.values()))
def test_every_lesson_is_reachable_from_the_package(lesson):
    module = getattr(trisep_nn.lessons, lesson)
    assert module.__name__ == f"trisep_nn.lessons.{lesson}"
    assert module.__doc__, f"lesson {lesson} says in its docstring what it is"


def test_an_unknown_lesson_names_the_lessons():
    with pytest.raises(AttributeError, match="the lessons are: start_here"):
        trisep_nn.lessons.backprop  # noqa: B018


def test_every_toolkit_module_is_reachable_as_an_attribute():
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    for name in modules | {"lessons"}:
        assert getattr(trisep_nn, name).__name__ == f"trisep_nn.{name}", name
    assert set(trisep_nn.__all__) >= modules


@pytest.mark.parametrize("part", ["widgets", "checks"])
def test_no_name_is_offered_by_two_lessons(part):
    owners = {}
    for lesson in LESSONS.values():
        try:
            module = importlib.import_module(f"trisep_nn.lessons.{lesson}.{part}")
        except ModuleNotFoundError:
            continue
        for name in module.__all__:
            owners.setdefault(name, []).append(lesson)
    clashes = {name: lessons for name, lessons in owners.items() if len(lessons) > 1}
    assert not clashes, f"one name, several lessons (the last one wins silently): {clashes}"


def test_the_gathered_names_are_each_lessons_own_and_load_only_that_lesson():
    """``trisep_nn.widgets`` / ``checks`` read each lesson's ``__all__`` from its
    source: the names agree with the imported modules', and using one name imports
    its own lesson only."""
    script = (
        "import sys, importlib\n"
        "from trisep_nn.widgets import sawtooth_explorer\n"
        "from trisep_nn.checks import check_tent, check_array\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('trisep_nn.lessons.')\n"
        "                and m.endswith(('.widgets', '.checks')))\n"
        "assert {'trisep_nn.lessons.depth.checks', 'trisep_nn.lessons.depth.widgets'} <= set("
        "loaded), loaded\n"
        "assert len(loaded) <= 3, loaded  # depth's, and the helper its explorer borrows\n"
        "assert 'gradient_explorer' in dir(sys.modules['trisep_nn.widgets'])  # tab completion\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
    for part in ("widgets", "checks"):
        gathered = importlib.import_module(f"trisep_nn.{part}")
        for lesson in LESSONS.values():
            path = PACKAGE / "lessons" / lesson / f"{part}.py"
            if not path.exists():
                continue
            module = importlib.import_module(f"trisep_nn.lessons.{lesson}.{part}")
            assert declared_names(path) == module.__all__, path
            for name in module.__all__:
                assert name in gathered.__all__ and getattr(gathered, name) is getattr(module, name)
    with pytest.raises(ImportError, match="no_such_explorer"):
        from trisep_nn.widgets import no_such_explorer  # noqa: F401


def test_declared_names_reads_only_the_all_list(tmp_path):
    module = tmp_path / "lesson_part.py"
    module.write_text('"""Explorers."""\nimport numpy as np\n\nHELP = ["not", "this"]\n'
                      '__all__ = [\n    "one_explorer",  # a comment\n    "two",\n]\n'
                      '__all__ += ["later"]\n\n\ndef one_explorer():\n    return [1]\n')
    assert declared_names(module) == ["one_explorer", "two"]
    module.write_text('"""No list here."""\n__all__ = tuple(["a"])\n')
    with pytest.raises(ValueError, match=r"assigns no __all__ = \[\.\.\.\] list"):
        declared_names(module)


def test_every_check_names_its_exercise_and_is_called_in_it():
    """A check's docstring starts "Exercise N.k:" and the notebook calls it in the section
    under the heading "## Exercise N.k" (or ###; so renumbering exercises cannot leave the
    docstrings behind)."""
    wrong = []
    for number, lesson in LESSONS.items():
        path = PACKAGE / "lessons" / lesson / "checks.py"
        if not path.exists():
            continue
        cells = json.loads((ROOT / "notebooks" / notebook_name(number)).read_text())["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells)
        sections = dict(re.findall(r"##+ Exercise (\d+\.\d+)(.*?)(?=##+ Exercise|\Z)", text,
                                   re.S))
        module = importlib.import_module(f"trisep_nn.lessons.{lesson}.checks")
        for name in (name for name in module.__all__ if name.startswith("check_")):
            said = re.match(r"\s*Exercise (\d+\.\d+)", getattr(module, name).__doc__ or "")
            if not said or not said.group(1).startswith(f"{number}."):
                wrong.append(f"{name}: its docstring does not start 'Exercise {number}.k:'")
            elif f"{name}(" not in sections.get(said.group(1), ""):
                wrong.append(f"{name}: not called under 'Exercise {said.group(1)}' of "
                             f"{notebook_name(number)}")
    assert not wrong, "\n".join(wrong)


def test_every_notebook_sets_up_in_its_first_code_cell_with_one_pass_figures():
    """The first code cell imports, calls ``plots.inline_figures()`` (figures drawn once,
    not twice: a third of Run All's time was figure display) and seeds a generator."""
    wrong = []
    for number in LESSONS:
        cells = json.loads((ROOT / "notebooks" / notebook_name(number)).read_text())["cells"]
        source = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
        for needed in ("plots.inline_figures()", "np.random.default_rng(0)"):
            if needed not in source:
                wrong.append(f"{notebook_name(number)}: its setup cell does not call {needed}")
    assert not wrong, "\n".join(wrong)


def _private_imports(path):
    """Names starting with one underscore that `path` imports from another module."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if re.match(r"_[^_]", alias.name):
                    yield f"from {'.' * node.level}{node.module or ''} import {alias.name}"


def test_no_module_imports_a_private_name_of_another():
    found = {str(p.relative_to(ROOT)): list(_private_imports(p))
             for p in sorted(PACKAGE.rglob("*.py"))}
    found = {path: names for path, names in found.items() if names}
    assert not found, f"give these a public name, or keep them in their module: {found}"


def test_contributing_maps_every_notebook_to_its_lesson_folder():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for number, lesson in LESSONS.items():
        assert f"| {number:02d} | `{lesson}/` |" in text, f"CONTRIBUTING.md has no row for {lesson}"


def _function_lengths(path):
    """(name, lines from def to its end, docstring included) of every function."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.end_lineno - node.lineno + 1


def test_no_function_is_longer_than_60_lines():
    """A function a student reads in one sitting, in the toolkit and in the lessons
    (the toolkit's plotting functions excepted)."""
    long = {f"{path.relative_to(PACKAGE)}:{name}": n for path in sorted(PACKAGE.rglob("*.py"))
            if path.name != "plots.py" for name, n in _function_lengths(path) if n > 60}
    assert not long, f"split these: {long}"


def test_the_engine_core_file_reads_in_one_sitting():
    lines = len((PACKAGE / "tensor.py").read_text().splitlines())
    assert lines <= 400, f"tensor.py has {lines} lines; the derivative rules belong in ops.py"
