"""Installed as users install it: a wheel run from another folder, and a third-party plugin
found through its entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import REPO, SEED_PAGE

EXAMPLE = REPO / "examples" / "policytag-urgency"


def pip(*args, cwd=None):
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def run_installed(target, *args, cwd, input=None):
    """Run policytag with only ``target`` (plus the test env's dependencies) providing plugins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYTAG_")}
    env["PYTHONPATH"] = str(target)
    code = "import sys, policytag.cli; sys.exit(policytag.cli.main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=cwd, input=input, timeout=300)


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory):
    """The project built into a wheel and installed into a folder of its own."""
    wheels = tmp_path_factory.mktemp("wheels")
    pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO))
    [wheel] = wheels.glob("policytag-*.whl")
    target = tmp_path_factory.mktemp("site")
    pip("install", "--no-deps", "--target", str(target), str(wheel))
    return target


def test_the_wheel_carries_models_and_seeds_and_tags_from_elsewhere(wheel_install, tmp_path):
    where = run_installed(wheel_install, "plugins", "--json", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    done = run_installed(wheel_install, "tag", str(SEED_PAGE), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tags = json.loads(done.stdout)["tags"]
    assert tags["region"][0]["label"] == "asia-pacific"
    assert tags["stance"][0]["label"] == "restraint"
    assert {"alliances", "diplomacy"} & {t["label"] for t in tags["topic"]}
    located = subprocess.run(
        [sys.executable, "-c", "import policytag, policytag.models as m; print(policytag.__file__); print(list(m.__path__)[0])"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(wheel_install)}, cwd=tmp_path,
    ).stdout.split()
    assert all(path.startswith(str(wheel_install)) for path in located)
    assert (wheel_install / "policytag" / "models" / "manifest.json").is_file()
    assert list((wheel_install / "policytag" / "seeds").glob("*.jsonl"))
    assert not (wheel_install / "bot").exists() and not (wheel_install / "plugins").exists()


def test_example_plugin_is_found_through_its_entry_point(tmp_path):
    target = tmp_path / "site"
    pip("install", "--no-deps", "--no-build-isolation", "--target", str(target), str(EXAMPLE))
    listing = json.loads(run_installed(target, "plugins", "--json", cwd=tmp_path).stdout)
    [urgency] = [p for p in listing["plugins"] if p["name"] == "urgency"]
    assert urgency["distribution"] == "policytag-urgency 1.0.0"
    assert urgency["classifiers"][0]["labels"] == ["urgent", "pressing", "routine"]
    done = run_installed(target, "tag", "-", "--json", cwd=tmp_path,
                         input="Aid must reach Gaza immediately, the UN said, as famine looms within days.")
    tags = json.loads(done.stdout)["tags"]
    assert tags["urgency"][0]["label"] == "urgent"
    assert {"region", "topic", "stance"} <= set(tags)


def test_example_plugins_own_conformance_tests_pass(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(EXAMPLE)}, cwd=tmp_path, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "13 passed" in done.stdout
