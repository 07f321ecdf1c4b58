from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustpub.project import (
    FileReader,
    ProjectName,
    ProjectNameProblem,
    directory_reader,
    find_project_name,
    project_name_from_option,
    project_name_from_url,
)

ASK = "pass --project NAME"


def reader(files: dict[str, str]) -> FileReader:
    return files.get


def setup_py(body: str) -> dict[str, str]:
    """A repository whose only metadata is a setup.py importing setup on line 1."""
    return {"setup.py": "from setuptools import setup\n" + body}


def test_project_module_does_not_import_libcst() -> None:
    code = "import sys, trustpub.project; print('libcst' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- pyproject.toml, setup.cfg and which one wins ----------------------------------------------

PYPROJECT = '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "from-pyproject"\n'
POETRY = '[tool.poetry]\nname = "from-poetry"\nversion = "1.0"\n'
SETUP_CFG = "[metadata]\nname = from-setup-cfg\nversion = 1.0\n"
SETUP_PY = 'from setuptools import setup\nsetup(name="from-setup-py")\n'

FOUND = [
    pytest.param(
        {"pyproject.toml": PYPROJECT},
        ProjectName("from-pyproject", "pyproject.toml [project].name"),
        id="pyproject-project-name",
    ),
    pytest.param(
        {"pyproject.toml": POETRY},
        ProjectName("from-poetry", "pyproject.toml [tool.poetry].name"),
        id="pyproject-poetry-name",
    ),
    pytest.param(
        {"pyproject.toml": '[project]\nname = "pep621"\n\n' + POETRY},
        ProjectName("pep621", "pyproject.toml [project].name"),
        id="pyproject-project-wins-over-poetry",
    ),
    pytest.param(
        {"setup.cfg": SETUP_CFG},
        ProjectName("from-setup-cfg", "setup.cfg [metadata] name"),
        id="setup-cfg-metadata-name",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname: colon-style\n"},
        ProjectName("colon-style", "setup.cfg [metadata] name"),
        id="setup-cfg-colon-delimiter",
    ),
    pytest.param(
        {"setup.py": SETUP_PY},
        ProjectName("from-setup-py", 'setup.py: setup(name="from-setup-py") at line 2'),
        id="setup-py-only",
    ),
    pytest.param(
        {"pyproject.toml": PYPROJECT, "setup.cfg": SETUP_CFG, "setup.py": SETUP_PY},
        ProjectName("from-pyproject", "pyproject.toml [project].name"),
        id="pyproject-wins-over-setup-cfg-and-setup-py",
    ),
    pytest.param(
        {"setup.cfg": SETUP_CFG, "setup.py": SETUP_PY},
        ProjectName("from-setup-cfg", "setup.cfg [metadata] name"),
        id="setup-cfg-wins-over-setup-py",
    ),
    pytest.param(
        {"pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n', "setup.cfg": SETUP_CFG},
        ProjectName("from-setup-cfg", "setup.cfg [metadata] name"),
        id="pyproject-without-name-falls-through",
    ),
    pytest.param(
        {"pyproject.toml": '[project]\ndynamic = ["name", "version"]\n', "setup.py": SETUP_PY},
        ProjectName("from-setup-py", 'setup.py: setup(name="from-setup-py") at line 2'),
        id="pyproject-dynamic-name-falls-through",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = attr: pkg.NAME\n", "setup.py": SETUP_PY},
        ProjectName("from-setup-py", 'setup.py: setup(name="from-setup-py") at line 2'),
        id="setup-cfg-attr-directive-falls-through",
    ),
    pytest.param(
        {"setup.cfg": "[options]\npackages = find:\n", "setup.py": SETUP_PY},
        ProjectName("from-setup-py", 'setup.py: setup(name="from-setup-py") at line 2'),
        id="setup-cfg-without-metadata-falls-through",
    ),
    pytest.param(
        {"pyproject.toml": "\ufeff" + PYPROJECT},
        ProjectName("from-pyproject", "pyproject.toml [project].name"),
        id="byte-order-mark-ignored",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FOUND)
def test_name_found(files: dict[str, str], expected: ProjectName) -> None:
    assert find_project_name(reader(files)) == expected


# --- setup.py, read without running it ---------------------------------------------------------

SETUP_PY_FOUND = [
    pytest.param(
        setup_py('\nsetup(name="alpha", version="1.0")\n'),
        ProjectName("alpha", 'setup.py: setup(name="alpha") at line 3'),
        id="literal",
    ),
    pytest.param(
        {"setup.py": "import setuptools\nsetuptools.setup(name='beta')\n"},
        ProjectName("beta", "setup.py: setuptools.setup(name='beta') at line 2"),
        id="setuptools-dot-setup",
    ),
    pytest.param(
        {"setup.py": 'import setuptools as st\nst.setup(name="beta-alias")\n'},
        ProjectName("beta-alias", 'setup.py: st.setup(name="beta-alias") at line 2'),
        id="aliased-module-dot-setup",
    ),
    pytest.param(
        {"setup.py": 'from setuptools import setup as s\ns(name="gamma")\n'},
        ProjectName("gamma", 'setup.py: s(name="gamma") at line 2'),
        id="aliased-setup-function",
    ),
    pytest.param(
        {"setup.py": 'import distutils.core\ndistutils.core.setup(name="gamma-d")\n'},
        ProjectName("gamma-d", 'setup.py: distutils.core.setup(name="gamma-d") at line 2'),
        id="distutils-core-setup",
    ),
    pytest.param(
        {
            "setup.py": "try:\n    from setuptools import setup\nexcept ImportError:\n"
            "    from distutils.core import setup\n\nsetup(name='gamma-try')\n"
        },
        ProjectName("gamma-try", "setup.py: setup(name='gamma-try') at line 6"),
        id="setup-imported-in-try",
    ),
    pytest.param(
        setup_py('\nNAME = "delta"\n\nsetup(\n    name=NAME,\n)\n'),
        ProjectName("delta", 'setup.py: setup(name=NAME) at line 5, NAME = "delta" at line 3'),
        id="module-constant",
    ),
    pytest.param(
        setup_py('NAME: str = "epsilon"\nsetup(name=NAME)\n'),
        ProjectName("epsilon", 'setup.py: setup(name=NAME) at line 3, NAME = "epsilon" at line 2'),
        id="annotated-constant",
    ),
    pytest.param(
        setup_py('PACKAGE = DIST = "epsilon-2"\nsetup(name=DIST)\n'),
        ProjectName(
            "epsilon-2", 'setup.py: setup(name=DIST) at line 3, DIST = "epsilon-2" at line 2'
        ),
        id="chained-assignment",
    ),
    pytest.param(
        setup_py('BASE = "zeta"\nNAME = BASE + "-core"\nsetup(name=NAME)\n'),
        ProjectName(
            "zeta-core",
            'setup.py: setup(name=NAME) at line 4, NAME = BASE + "-core" at line 3, '
            'BASE = "zeta" at line 2',
        ),
        id="concatenated-constants",
    ),
    pytest.param(
        setup_py('BASE = "eta"\nsetup(name=f"{BASE}-plugin")\n'),
        ProjectName(
            "eta-plugin",
            'setup.py: setup(name=f"{BASE}-plugin") at line 3, BASE = "eta" at line 2',
        ),
        id="f-string-of-constant",
    ),
    pytest.param(
        setup_py('setup(name="the" "ta")\n'),
        ProjectName("theta", 'setup.py: setup(name="the" "ta") at line 2'),
        id="implicit-string-concatenation",
    ),
    pytest.param(
        setup_py('kwargs = dict(name="iota", version="1.0")\n\nsetup(**kwargs)\n'),
        ProjectName(
            "iota", 'setup.py: setup(**kwargs) at line 4, kwargs has name="iota" at line 2'
        ),
        id="kwargs-dict-call",
    ),
    pytest.param(
        setup_py('ARGS = {"version": "1.0", "name": "kappa"}\nsetup(**ARGS)\n'),
        ProjectName("kappa", 'setup.py: setup(**ARGS) at line 3, ARGS has name="kappa" at line 2'),
        id="kwargs-dict-literal",
    ),
    pytest.param(
        setup_py('setup(**{"name": "lambda-pkg"})\n'),
        ProjectName("lambda-pkg", 'setup.py: setup(**{"name": "lambda-pkg"}) at line 2'),
        id="kwargs-inline-dict",
    ),
    pytest.param(
        setup_py('NAME = "mu"\nsetup(**dict(name=NAME))\n'),
        ProjectName("mu", 'setup.py: setup(**dict(name=NAME)) at line 3, NAME = "mu" at line 2'),
        id="kwargs-inline-dict-call-with-constant",
    ),
    pytest.param(
        setup_py('NAME = "nu"\n\nif __name__ == "__main__":\n    setup(name=NAME)\n'),
        ProjectName("nu", 'setup.py: setup(name=NAME) at line 5, NAME = "nu" at line 2'),
        id="call-under-main-guard",
    ),
    pytest.param(
        setup_py(
            "from setuptools import Extension\n"
            'ext = Extension(name="xi._speedups", sources=["x.c"])\n'
            'setup(name="xi", ext_modules=[ext])\n'
        ),
        ProjectName("xi", 'setup.py: setup(name="xi") at line 4'),
        id="extension-name-is-not-the-project",
    ),
    pytest.param(
        setup_py(
            'import sys\nif sys.platform == "win32":\n    setup(name="omicron")\n'
            'else:\n    setup(name="omicron")\n'
        ),
        ProjectName("omicron", 'setup.py: setup(name="omicron") at line 4'),
        id="two-calls-same-name",
    ),
    pytest.param(
        setup_py('NAME = "pi"\nfor name in ["a"]:\n    pass\nsetup(name=NAME)\n'),
        ProjectName("pi", 'setup.py: setup(name=NAME) at line 5, NAME = "pi" at line 2'),
        id="unrelated-names-do-not-interfere",
    ),
]


@pytest.mark.parametrize(("files", "expected"), SETUP_PY_FOUND)
def test_setup_py_static_forms(files: dict[str, str], expected: ProjectName) -> None:
    assert find_project_name(reader(files)) == expected


def dynamic(line: int, why: str) -> ProjectNameProblem:
    return ProjectNameProblem(
        "setup.py",
        line,
        f"setup.py:{line}: the project name is only known when setup.py runs ({why}); "
        f"trustpub does not run it, so {ASK}",
    )


SETUP_PY_DYNAMIC = [
    pytest.param(
        setup_py("setup(name=get_name())\n"),
        dynamic(2, "a function call `get_name()`"),
        id="function-call",
    ),
    pytest.param(
        setup_py(
            'about = {}\nexec(open("pkg/__about__.py").read(), about)\n'
            'setup(name=about["__title__"])\n'
        ),
        dynamic(4, 'a lookup `about["__title__"]`'),
        id="about-dict-lookup",
    ),
    pytest.param(
        setup_py('import os\nsetup(name=os.environ["PKG_NAME"])\n'),
        dynamic(3, 'a lookup `os.environ["PKG_NAME"]`'),
        id="environment-lookup",
    ),
    pytest.param(
        setup_py('import os\nsetup(name=os.getenv("PKG_NAME", "x"))\n'),
        dynamic(3, 'a function call `os.getenv("PKG_NAME", "x")`'),
        id="environment-getenv",
    ),
    pytest.param(
        setup_py('NAME = open("NAME").read().strip()\nsetup(name=NAME)\n'),
        dynamic(2, 'a function call `open("NAME").read().strip()`'),
        id="constant-read-from-file",
    ),
    pytest.param(
        setup_py("import mypkg\nsetup(name=mypkg.NAME)\n"),
        dynamic(3, "an attribute `mypkg.NAME`"),
        id="attribute-of-imported-module",
    ),
    pytest.param(
        setup_py("from mypkg import NAME\nsetup(name=NAME)\n"),
        dynamic(3, "NAME is imported at line 2"),
        id="imported-name",
    ),
    pytest.param(
        setup_py("setup(name=NAME)\n"),
        dynamic(2, "NAME is not assigned in setup.py"),
        id="unassigned-name",
    ),
    pytest.param(
        setup_py('NAME = "a"\nNAME = "b"\nsetup(name=NAME)\n'),
        dynamic(4, "NAME is set more than once, at lines 2, 3"),
        id="reassigned-name",
    ),
    pytest.param(
        setup_py('NAME = "a"\nNAME += "-b"\nsetup(name=NAME)\n'),
        dynamic(4, "NAME is set more than once, at lines 2, 3"),
        id="augmented-name",
    ),
    pytest.param(
        setup_py('import sys\nif sys.version_info > (3,):\n    NAME = "a"\nsetup(name=NAME)\n'),
        dynamic(5, "NAME is set in a block at line 4"),
        id="name-set-in-block",
    ),
    pytest.param(
        setup_py('NAME, VERSION = "a", "1"\nsetup(name=NAME)\n'),
        dynamic(3, "NAME is unpacked from a sequence at line 2"),
        id="tuple-unpacking",
    ),
    pytest.param(
        setup_py("setup(*args)\n"),
        dynamic(2, "setup() takes arguments from `args`"),
        id="star-args",
    ),
    pytest.param(
        setup_py("kwargs = get_kwargs()\nsetup(**kwargs)\n"),
        dynamic(2, "setup() takes its arguments from a function call `get_kwargs()`"),
        id="kwargs-from-function",
    ),
    pytest.param(
        setup_py('kwargs = dict(version="1", **base)\nsetup(**kwargs)\n'),
        dynamic(2, "the arguments include `base`"),
        id="kwargs-spread-from-elsewhere",
    ),
    pytest.param(
        setup_py('kwargs = dict(version="1")\nkwargs["name"] = "x"\nsetup(**kwargs)\n'),
        dynamic(4, "kwargs is set more than once, at lines 2, 3"),
        id="kwargs-changed-after-creation",
    ),
    pytest.param(
        setup_py('BASE = "x"\nsetup(name=f"{BASE!r}")\n'),
        dynamic(3, 'an f-string this reader does not evaluate `f"{BASE!r}"`'),
        id="f-string-with-conversion",
    ),
    pytest.param(
        setup_py('setup(name="x".upper())\n'),
        dynamic(2, 'a function call `"x".upper()`'),
        id="method-on-literal",
    ),
    pytest.param(
        setup_py('setup(name=b"bytes")\n'),
        dynamic(2, 'an expression `b"bytes"`'),
        id="bytes-literal",
    ),
    pytest.param(
        setup_py("setup(name=None)\n"),
        dynamic(2, "an expression `None`"),
        id="none",
    ),
    pytest.param(
        setup_py('A = B\nB = A\nsetup(name=A + "x")\n'),
        dynamic(2, "the constants refer to each other in a loop"),
        id="constants-in-a-loop",
    ),
]


@pytest.mark.parametrize(("files", "expected"), SETUP_PY_DYNAMIC)
def test_setup_py_dynamic_names_are_not_guessed(
    files: dict[str, str], expected: ProjectNameProblem
) -> None:
    assert find_project_name(reader(files)) == expected


def test_setup_py_calls_with_different_names() -> None:
    files = setup_py(
        'import sys\nif sys.platform == "win32":\n    setup(name="one")\n'
        'else:\n    setup(name="two")\n'
    )
    assert find_project_name(reader(files)) == ProjectNameProblem(
        "setup.py",
        6,
        "setup.py:6: setup() is called with different names ('one' at line 4, 'two' at line 6); "
        + ASK,
    )


# --- invalid files and invalid names -----------------------------------------------------------

INVALID = [
    pytest.param(
        {"pyproject.toml": '[project]\nname = "x"\nversion = 1.0.0\n'},
        ProjectNameProblem(
            "pyproject.toml",
            3,
            "pyproject.toml:3: is not valid TOML (Expected newline or end of document after a "
            "statement); fix it, or " + ASK,
        ),
        id="pyproject-invalid-toml",
    ),
    pytest.param(
        {"pyproject.toml": '[project]\nname = "x"\n[project]\n'},
        ProjectNameProblem(
            "pyproject.toml",
            3,
            "pyproject.toml:3: is not valid TOML (Cannot declare ('project',) twice); "
            "fix it, or " + ASK,
        ),
        id="pyproject-duplicate-table",
    ),
    pytest.param(
        {"pyproject.toml": "[project]\nversion = '1'\nname = 42\n"},
        ProjectNameProblem(
            "pyproject.toml",
            3,
            "pyproject.toml:3: [project].name is not a string; fix it, or " + ASK,
        ),
        id="pyproject-name-not-a-string",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.black]\nline-length = 100\n\n[project]\nname = "my project"\n'},
        ProjectNameProblem(
            "pyproject.toml",
            5,
            "pyproject.toml:5: 'my project' is not a valid project name (letters, digits, "
            "'.', '-' and '_', starting and ending with a letter or digit); fix it, or " + ASK,
        ),
        id="pyproject-invalid-name",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.poetry]\nname = "-dash-"\n'},
        ProjectNameProblem(
            "pyproject.toml",
            2,
            "pyproject.toml:2: '-dash-' is not a valid project name (letters, digits, "
            "'.', '-' and '_', starting and ending with a letter or digit); fix it, or " + ASK,
        ),
        id="poetry-invalid-name",
    ),
    pytest.param(
        {"setup.cfg": "name = orphan\n[metadata]\n"},
        ProjectNameProblem(
            "setup.cfg",
            1,
            "setup.cfg:1: is not a valid INI file (text before the first [section] header); "
            "fix it, or " + ASK,
        ),
        id="setup-cfg-missing-section-header",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = a\nname = b\n"},
        ProjectNameProblem(
            "setup.cfg",
            3,
            "setup.cfg:3: is not a valid INI file (option 'name' appears twice in [metadata]); "
            "fix it, or " + ASK,
        ),
        id="setup-cfg-duplicate-option",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = a\n\n[metadata]\n"},
        ProjectNameProblem(
            "setup.cfg",
            4,
            "setup.cfg:4: is not a valid INI file (section [metadata] appears twice); "
            "fix it, or " + ASK,
        ),
        id="setup-cfg-duplicate-section",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = a\n[options\n"},
        ProjectNameProblem(
            "setup.cfg",
            3,
            "setup.cfg:3: is not a valid INI file (cannot parse '[options\\n'); fix it, or " + ASK,
        ),
        id="setup-cfg-unparsable-line",
    ),
    pytest.param(
        {"setup.cfg": "[options]\nzip_safe = False\n\n[metadata]\nname = bad name!\n"},
        ProjectNameProblem(
            "setup.cfg",
            5,
            "setup.cfg:5: 'bad name!' is not a valid project name (letters, digits, "
            "'.', '-' and '_', starting and ending with a letter or digit); fix it, or " + ASK,
        ),
        id="setup-cfg-invalid-name",
    ),
    pytest.param(
        {"setup.py": "from setuptools import setup\nprint 'building'\nsetup(name='a')\n"},
        ProjectNameProblem(
            "setup.py",
            2,
            "setup.py:2: is not valid Python (Missing parentheses in call to 'print'. "
            "Did you mean print(...)?); trustpub reads setup.py without running it, "
            "so fix it, or " + ASK,
        ),
        id="setup-py-python-2",
    ),
    pytest.param(
        {"setup.py": "from setuptools import setup\n\nsetup(name='a'\n"},
        ProjectNameProblem(
            "setup.py",
            3,
            "setup.py:3: is not valid Python ('(' was never closed); trustpub reads setup.py "
            "without running it, so fix it, or " + ASK,
        ),
        id="setup-py-unclosed-call",
    ),
    pytest.param(
        {"setup.py": "x = " + "[" * 3000 + "]" * 3000 + "\n"},
        ProjectNameProblem(
            "setup.py",
            1,
            "setup.py:1: is not valid Python (too many nested parentheses); trustpub reads "
            "setup.py without running it, so fix it, or " + ASK,
        ),
        id="setup-py-deeply-nested",
    ),
    pytest.param(
        setup_py('setup(name="bad/name")\n'),
        ProjectNameProblem(
            "setup.py",
            2,
            "setup.py:2: 'bad/name' is not a valid project name (letters, digits, "
            "'.', '-' and '_', starting and ending with a letter or digit); fix it, or " + ASK,
        ),
        id="setup-py-invalid-name",
    ),
]


def test_setup_py_libcst_cannot_read() -> None:
    # Valid Python (CPython accepts it) beyond what libcst's parser handles.
    files = {"setup.py": 'x = ""' + ' "a"' * 3000 + "\nsetup(name='a')\n"}
    found = find_project_name(reader(files))
    assert isinstance(found, ProjectNameProblem)
    assert found.path == "setup.py"
    assert found.line is not None  # where libcst gave up, which depends on its version
    assert found.message.startswith(f"setup.py:{found.line}: cannot be read by libcst (")
    assert found.message.endswith("); " + ASK)


@pytest.mark.parametrize(("files", "expected"), INVALID)
def test_invalid_files_are_problems_not_exceptions(
    files: dict[str, str], expected: ProjectNameProblem
) -> None:
    assert find_project_name(reader(files)) == expected


# --- nothing found, and monorepo directories -------------------------------------------------

NOT_FOUND = [
    pytest.param(
        {},
        "",
        ProjectNameProblem(
            ".",
            None,
            "no project name found in the repository root: pyproject.toml not found; "
            "setup.cfg not found; setup.py not found; " + ASK,
        ),
        id="no-files",
    ),
    pytest.param(
        {
            "pyproject.toml": '[project]\ndynamic = ["name"]\n',
            "setup.cfg": "[metadata]\nname = attr: pkg.NAME\n",
            "setup.py": "from setuptools import setup\nsetup()\n",
        },
        "",
        ProjectNameProblem(
            ".",
            None,
            "no project name found in the repository root: "
            "pyproject.toml lists name in [project].dynamic, which is not a name; "
            "setup.cfg [metadata] name is 'attr: pkg.NAME', which only setuptools can resolve; "
            "setup.py has no setup() call with a name; " + ASK,
        ),
        id="every-file-without-a-usable-name",
    ),
    pytest.param(
        {"pyproject.toml": PYPROJECT},
        "packages/core",
        ProjectNameProblem(
            "packages/core",
            None,
            "no project name found in packages/core: packages/core/pyproject.toml not found; "
            "packages/core/setup.cfg not found; packages/core/setup.py not found; "
            "" + ASK,
        ),
        id="root-files-are-not-used-for-a-subdirectory",
    ),
    pytest.param(
        {"pyproject.toml": PYPROJECT},
        "../elsewhere",
        ProjectNameProblem("../elsewhere", None, "../elsewhere: is outside the repository; " + ASK),
        id="directory-outside-the-repository",
    ),
]


@pytest.mark.parametrize(("files", "directory", "expected"), NOT_FOUND)
def test_no_name_found(files: dict[str, str], directory: str, expected: ProjectNameProblem) -> None:
    assert find_project_name(reader(files), directory) == expected


MONOREPO = {
    "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    "packages/core/pyproject.toml": '[project]\nname = "acme-core"\n',
    "packages/cli/setup.cfg": "[metadata]\nname = acme-cli\n",
    "packages/cli/setup.cfg.orig": "[metadata]\nname = stale\n",
    "legacy/setup.py": 'import setuptools\nsetuptools.setup(name="acme-legacy")\n',
}


@pytest.mark.parametrize(
    ("directory", "expected"),
    [
        pytest.param(
            "packages/core",
            ProjectName("acme-core", "packages/core/pyproject.toml [project].name"),
            id="subdirectory-pyproject",
        ),
        pytest.param(
            "./packages/cli/",
            ProjectName("acme-cli", "packages/cli/setup.cfg [metadata] name"),
            id="subdirectory-with-dot-and-trailing-slash",
        ),
        pytest.param(
            "legacy",
            ProjectName(
                "acme-legacy",
                'legacy/setup.py: setuptools.setup(name="acme-legacy") at line 2',
            ),
            id="subdirectory-setup-py",
        ),
    ],
)
def test_monorepo_subdirectory(directory: str, expected: ProjectName) -> None:
    assert find_project_name(reader(MONOREPO), directory) == expected


def test_invalid_file_in_subdirectory_names_the_full_path() -> None:
    files = {"pkg/a/pyproject.toml": "[project\n"}
    assert find_project_name(reader(files), "pkg/a") == ProjectNameProblem(
        "pkg/a/pyproject.toml",
        1,
        "pkg/a/pyproject.toml:1: is not valid TOML (Expected ']' at the end of a table "
        "declaration); fix it, or " + ASK,
    )


# --- normalisation and --project ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        pytest.param("Foo.Bar_baz", "foo-bar-baz", id="dots-underscores-case"),
        pytest.param("requests", "requests", id="already-normal"),
        pytest.param("Zope.Interface", "zope-interface", id="dotted"),
        pytest.param("a__-._b", "a-b", id="runs-collapse-to-one-dash"),
    ],
)
def test_normalized_name(name: str, normalized: str) -> None:
    assert ProjectName(name, "test").normalized == normalized


def test_normalized_name_from_file() -> None:
    found = find_project_name(reader({"setup.cfg": "[metadata]\nname = My_Package.Core\n"}))
    assert isinstance(found, ProjectName)
    assert (found.name, found.normalized) == ("My_Package.Core", "my-package-core")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(" My.Project ", ProjectName("My.Project", "--project"), id="valid-stripped"),
        pytest.param(
            "my project",
            ProjectNameProblem(
                "--project",
                None,
                "--project: 'my project' is not a valid project name (letters, digits, "
                "'.', '-' and '_', starting and ending with a letter or digit); fix it, or " + ASK,
            ),
            id="invalid",
        ),
    ],
)
def test_project_option(value: str, expected: ProjectName | ProjectNameProblem) -> None:
    assert project_name_from_option(value) == expected


# --- a name from the workflow's own URLs -------------------------------------------------------

URLS = [
    pytest.param("      url: https://pypi.org/p/sampleproject\n", "sampleproject", id="p-url"),
    pytest.param("url: https://test.pypi.org/p/Sample_Project\n", "Sample_Project", id="test-pypi"),
    pytest.param(
        "# see https://pypi.org/project/my.pkg/ for releases\n", "my.pkg", id="project-url"
    ),
    pytest.param("url: 'https://pypi.org/p/quoted'\n", "quoted", id="single-quoted"),
    pytest.param(
        "url: https://pypi.org/p/end-of-sentence.\n", "end-of-sentence", id="trailing-dot"
    ),
    pytest.param(
        "url: https://pypi.org/p/same\nurl: https://test.pypi.org/p/SAME\n",
        "same",
        id="pypi-and-testpypi-agree",
    ),
    pytest.param(
        "url: https://pypi.org/p/one\nurl: https://pypi.org/p/two\n", None, id="ambiguous"
    ),
    pytest.param("url: https://pypi.org/p/${{ env.PACKAGE }}\n", None, id="expression-only"),
    pytest.param(
        "url: https://pypi.org/p/pkg-${{ matrix.flavour }}\n", None, id="expression-suffix"
    ),
    pytest.param("url: https://pypi.org/p/<your-pypi-project-name>\n", None, id="placeholder"),
    pytest.param("repository-url: https://test.pypi.org/legacy/\n", None, id="upload-url"),
    pytest.param("url: https://example.org/p/other\n", None, id="other-host"),
    pytest.param("", None, id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), URLS)
def test_project_name_from_url(text: str, expected: str | None) -> None:
    assert project_name_from_url(text) == expected


# --- reading a checkout -----------------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "on-disk"\n', encoding="utf-8")
    (root / "pkg" / "setup.cfg").write_text("[metadata]\nname = in-pkg\n", encoding="utf-8")
    (tmp_path / "secret.toml").write_text("outside\n", encoding="utf-8")
    return root


def test_directory_reader_reads_text(checkout: Path) -> None:
    read = directory_reader(checkout)
    assert read("pyproject.toml") == '[project]\nname = "on-disk"\n'
    assert read("pkg/setup.cfg") == "[metadata]\nname = in-pkg\n"


def test_directory_reader_feeds_find_project_name(checkout: Path) -> None:
    read = directory_reader(checkout)
    assert find_project_name(read) == ProjectName("on-disk", "pyproject.toml [project].name")
    assert find_project_name(read, "pkg") == ProjectName("in-pkg", "pkg/setup.cfg [metadata] name")


def test_directory_reader_replaces_invalid_utf8(checkout: Path) -> None:
    (checkout / "setup.cfg").write_bytes(b"[metadata]\nname = caf\xe9\n")
    assert directory_reader(checkout)("setup.cfg") == "[metadata]\nname = caf\ufffd\n"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("missing.toml", id="missing-file"),
        pytest.param("", id="empty-path"),
        pytest.param(".", id="the-root-itself"),
        pytest.param("pkg", id="a-directory"),
        pytest.param("../secret.toml", id="dot-dot-escape"),
        pytest.param("pkg/../../secret.toml", id="nested-dot-dot-escape"),
        pytest.param("/etc/hostname", id="absolute-path"),
        pytest.param("nul\0byte", id="nul-byte"),
    ],
)
def test_directory_reader_returns_none(checkout: Path, path: str) -> None:
    assert directory_reader(checkout)(path) is None


def test_directory_reader_ignores_directory_named_pyproject_toml(checkout: Path) -> None:
    (checkout / "pyproject.toml").unlink()
    (checkout / "pyproject.toml").mkdir()
    (checkout / "setup.cfg").write_text("[metadata]\nname = fallback\n", encoding="utf-8")
    read = directory_reader(checkout)
    assert read("pyproject.toml") is None
    assert find_project_name(read) == ProjectName("fallback", "setup.cfg [metadata] name")


symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symlinks")


@symlinks
def test_directory_reader_refuses_symlink_out_of_root(checkout: Path) -> None:
    (checkout / "setup.cfg").symlink_to(checkout.parent / "secret.toml")
    (checkout / "escape").symlink_to(checkout.parent, target_is_directory=True)
    read = directory_reader(checkout)
    assert read("setup.cfg") is None
    assert read("escape/secret.toml") is None


@symlinks
def test_directory_reader_follows_symlink_inside_root(checkout: Path) -> None:
    (checkout / "setup.cfg").symlink_to(checkout / "pkg" / "setup.cfg")
    assert directory_reader(checkout)("setup.cfg") == "[metadata]\nname = in-pkg\n"


@symlinks
def test_directory_reader_root_reached_through_symlink(checkout: Path) -> None:
    link = checkout.parent / "link-to-repo"
    link.symlink_to(checkout, target_is_directory=True)
    assert directory_reader(link)("pkg/setup.cfg") == "[metadata]\nname = in-pkg\n"


@symlinks
def test_directory_reader_dangling_symlink(checkout: Path) -> None:
    (checkout / "setup.py").symlink_to(checkout / "nowhere.py")
    assert directory_reader(checkout)("setup.py") is None


# --- never an exception ------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    filename=st.sampled_from(["pyproject.toml", "setup.cfg", "setup.py"]),
    text=st.text(max_size=200),
)
def test_any_file_content_gives_a_result(filename: str, text: str) -> None:
    found = find_project_name(reader({filename: text}))
    assert isinstance(found, ProjectName | ProjectNameProblem)
    if isinstance(found, ProjectNameProblem):
        assert found.message.endswith(ASK)
