"""The distribution users `pip install`: the wheel built from the project holds everything
gbdocs needs without the repository (the expectation suites, the jieba user dictionary), under
one import name, and it extracts and validates a sample in an environment of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from harness import ROOT, SAMPLES_DIR

# What a source distribution holds: the wheel is built from these alone (and setuptools' build/
# folder lands in the copy, not in the clone).
SOURCES = ("pyproject.toml", "README.md", "pipeline", "extractors", "schemas", "expectations")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, src / name)
    # offline: the build backend of this environment, not one downloaded for the build
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                            "--quiet", "--wheel-dir", str(out)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (found,) = out.glob("gbdocs-*.whl")
    return found


def test_the_wheel_holds_the_package_data_under_one_import_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    suites = {p.name for p in (ROOT / "expectations").glob("*.json")}
    assert suites and {f"gbdocs/expectations/{s}" for s in suites} <= set(names)
    assert "gbdocs/extractors/data/jieba_user_dict.txt" in names
    assert {"gbdocs/__init__.py", "gbdocs/cli.py", "gbdocs/extractors/pdf.py", "gbdocs/schemas/tables.py"} <= set(names)
    # nothing under the generic names that other distributions use
    assert not [n for n in names if n.split("/")[0] in ("pipeline", "extractors", "schemas", "expectations")]


def test_the_installed_wheel_extracts_and_validates_without_the_repository(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from this environment (a path line in a .pth file: the editable
    # install of the repository that this environment also holds is not loaded by it).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run([python, "-c", "import gbdocs.validate as v; print(v.EXPECTATIONS_DIR)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout  # the installed copy, not the clone
    gbdocs = env_dir / "bin" / "gbdocs"
    out = tmp_path / "out"
    extract = subprocess.run([gbdocs, "extract", SAMPLES_DIR / "EBPBAC25_3.en.pdf", "--out", out, "--quiet"],
                             capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert extract.returncode == 0, extract.stderr
    check = subprocess.run([gbdocs, "validate", out, "--quiet"], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=300)
    assert check.returncode == 0, check.stderr
    api = subprocess.run([python, "-c", "from gbdocs import extract; import sys; "
                          "print(extract(sys.argv[1]).doc_key)", SAMPLES_DIR / "EBPBAC25_3.en.pdf"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert api.returncode == 0 and api.stdout.strip() == "EBPBAC25/3:en", api.stderr
