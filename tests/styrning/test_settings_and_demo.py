import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start_django(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_without_secret_key_is_refused():
    result = _start_django({"DJANGO_SETTINGS_MODULE": "styrning.settings"})

    assert result.returncode != 0
    assert "SECRET_KEY saknas" in result.stderr


def test_production_start_with_secret_key_works():
    result = _start_django({"DJANGO_SETTINGS_MODULE": "styrning.settings", "SECRET_KEY": "x" * 50})

    assert result.returncode == 0, result.stderr


def test_debug_start_without_secret_key_works():
    result = _start_django({"DJANGO_SETTINGS_MODULE": "styrning.settings", "DEBUG": "1"})

    assert result.returncode == 0, result.stderr
