"""An installed wheel carries the queries/ folder as package data, not only a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_ships_every_query(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("supervision_dash-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"supervision_dash/queries/{path.name}" for path in (ROOT / "queries").iterdir()
                if path.suffix in (".sql", ".py")}
    assert expected and expected <= names
    # the plain pages of an OAuth login (logged off, login error) ship too
    assert {"supervision_dash/templates/logged_off.html",
            "supervision_dash/templates/login_error.html"} <= names

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    found = subprocess.run(
        [sys.executable, "-c", "import importlib.resources as r, supervision_dash as s; "
         "print(s.__file__); print(sorted(p.name for p in "
         "r.files('supervision_dash.queries').iterdir()))"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env={"PYTHONPATH": str(target)})
    module_file, listing = found.stdout.splitlines()
    assert module_file.startswith(str(target))  # the wheel's copy, not the checkout
    assert {name.split("/")[-1] for name in expected} <= set(eval(listing))
