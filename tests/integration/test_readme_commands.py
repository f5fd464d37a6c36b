"""Every command the README shows works as written, from a fresh clone, and the `gpaccess` command works from any
folder.

The project is installed here the way `pip install -e .` (scripts/setup.sh) installs it, without touching the
shared `.venv`: a virtualenv of its own in a temporary folder, whose site-packages reach `.venv`'s for the
dependencies and this clone for `gpaccess`, with the console script `pyproject.toml` declares
(`[project.scripts]`) written as pip writes it. (pip itself is not run: it would fetch the build backend from a
package index, and no test touches the network beyond 127.0.0.1.)

The README's ```bash blocks are read line by line; each command either runs, in a temporary folder holding the
files it names, against a temporary database (GPACCESS_DB) and a stand-in of NHS England's pages on 127.0.0.1
(tests/nhs_site.py), or is skipped for the reason given in SKIPPED. A command in neither fails the test, so a new
README command must be decided here.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from gpaccess.config import DB_ENV, GPAD_INDEX_ENV, LIST_SIZE_INDEX_ENV
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.templates import EXAMPLE_ROWS
from tests.conftest import PROJECT, REALDATA
from tests.nhs_site import GPAD, LISTS, Site, crosstab_zip, gpad_pages, list_size_pages, serve

OCT25 = REALDATA / "gpad_oct25"
# Command (as the README writes it, up to any comment) -> why a test does not run it
SKIPPED = {
    "scripts/run.sh": "starts a server that runs until stopped; CI runs set-up, and tests/browser runs the app",
    "scripts/test.sh": "the whole suite, this test among it: CI runs it",
    "scripts/test.sh --fast": "the suite again (CI runs the whole of it)",
    "scripts/test.sh -k ingest": "the suite again (CI runs the whole of it)",
    'scripts/test.sh -m "not slow" tests/app': "the suite again (CI runs the whole of it)",
    "source .venv/bin/activate": "shell state: the test puts the installed command on the PATH instead",
    ".venv/bin/python bench/ingest.py": "a benchmark of a national-scale month (minutes; prints timings)",
    ".venv/bin/python bench/demo_build.py": "a benchmark building the national demo (minutes)",
    ".venv/bin/python bench/pages.py --national-months 12": "a benchmark (minutes; prints timings)",
}


def readme_commands() -> list[str]:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def console_scripts() -> dict[str, str]:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["scripts"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A virtualenv with the project installed editable, as pip does it; its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (packages / "shared_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (packages / "__editable__gpaccess.pth").write_text(f"{PROJECT}\n")
    for name, target in console_scripts().items():
        module, function = target.split(":")
        script = venv / "bin" / name
        script.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {function}\n"
            f"if __name__ == '__main__':\n    sys.exit({function}())\n"
        )
        script.chmod(0o755)
    return venv / "bin"


@pytest.fixture(scope="module")
def site_pages(tmp_path_factory) -> Iterator[Site]:
    archive = crosstab_zip(tmp_path_factory.mktemp("site") / "Practice_Level_Crosstab_Oct_25.zip")
    with serve(gpad_pages(archive.read_bytes()) | list_size_pages()) as running:
        yield running


def downloads_folder(folder: Path) -> Path:
    """The files the README's commands name, as a user would have downloaded or filled them in."""
    folder.mkdir()
    crosstab_zip(folder / "Practice_Level_Crosstab_Oct_25.zip")
    for name in ("gp-reg-pat-prac-all.csv", "gp-reg-pat-prac-map.csv"):
        shutil.copy(OCT25 / name, folder / name)
    devon = next(
        line.split(",")[1]
        for line in (OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv").open(
            encoding="utf-8"
        )
        if ",15N," in line
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        ws.append(list(sheet.column_names))
        ws.append([devon if v == "A81001" else v for v in EXAMPLE_ROWS[sheet.name]])
    workbook.save(folder / "programme_tracker.xlsx")
    return folder


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_readme_names_the_console_script_pyproject_declares():
    assert console_scripts() == {"gpaccess": "gpaccess.cli:main"}
    assert any(c.startswith("gpaccess ") for c in readme_commands())


def test_the_console_script_works_from_another_folder(installed, tmp_path):
    env = {**os.environ, "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}"}
    env.pop(DB_ENV, None)
    help_text = run("gpaccess --help", tmp_path, env)
    assert help_text.returncode == 0 and "fetch" in help_text.stdout
    assert shutil.which("gpaccess", path=env["PATH"]) == str(installed / "gpaccess")
    db = tmp_path / "store.duckdb"
    crosstab = OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
    loaded = run(f"gpaccess ingest '{crosstab}' --db '{db}'", tmp_path, env)
    assert loaded.returncode == 0, loaded.stderr
    figures = run(f"gpaccess --db '{db}' figures --icb QJK", tmp_path, env)
    assert figures.returncode == 0 and "1,029,447" in figures.stdout
    assert not (tmp_path / "data").exists()  # nothing written relative to the folder it ran in


def test_every_readme_command_works_as_written(installed, site_pages, tmp_path):
    commands = readme_commands()
    unknown = [c for c in commands if c not in SKIPPED and not c.startswith("gpaccess ")]
    assert not unknown, f"README commands neither run nor skipped here: {unknown}"
    env = {
        **os.environ,
        "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}",
        DB_ENV: str(tmp_path / "readme.duckdb"),
        GPAD_INDEX_ENV: site_pages.page(GPAD),
        LIST_SIZE_INDEX_ENV: site_pages.page(LISTS),
    }
    folder = downloads_folder(tmp_path / "downloads")
    ran = []
    for command in commands:
        if command in SKIPPED:
            continue
        result = run(command, folder, env)
        assert result.returncode == 0, (
            f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
        ran.append(command)
    assert [c.split()[1] for c in ran] == [
        "fetch",
        "fetch",
        "ingest",
        "ingest",
        "figures",
        "export",
    ]
    assert (folder / "board-pack.pptx").stat().st_size > 10_000
