from __future__ import annotations

import os
import subprocess
import sys

from anxin.demo.staff import DEMO_LOGINS, DEMO_PASSWORD


def test_it_loads_and_prints_the_logins_from_anxin_demo(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "ANXIN_DEMO_SCALE": "0.02",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "anxin.cli", "demo", "--no-serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var").is_dir()
    for login in DEMO_LOGINS:
        assert f"  {login.username} " in result.stdout
    assert DEMO_PASSWORD in result.stdout
    assert "13800000080" in result.stdout
    assert "桂香家园" in result.stdout
