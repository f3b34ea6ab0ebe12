import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from styrning.models import Budgetar, Mandatperiod, Organisation, Roll

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


def _counts():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"styrning", "dokument", "mal", "uppfoljning"}
        and not model._meta.label.split(".")[1].startswith("Historical")
    }


@pytest.mark.django_db
def test_demo_twice_gives_the_same_data():
    call_command("demo", allow_without_debug=True, stdout=io.StringIO())
    first = _counts()

    call_command("demo", allow_without_debug=True, stdout=io.StringIO())

    assert _counts() == first
    assert 40 <= Organisation.objects.filter(typ=Organisation.Typ.ENHET).count() <= 80
    assert 6 <= Organisation.objects.filter(typ=Organisation.Typ.NAMND).count() <= 9
    assert Mandatperiod.objects.count() == 3
    assert Budgetar.objects.filter(ar=2026).get().mandatperiod.start_ar == 2023
    assert sorted(Roll.objects.values_list("roll", flat=True)) == sorted(Roll.Typ.values)
