"""Known vulnerabilities in what policytag installs: pip-audit over the dependency lock.

``requirements-audit.lock`` pins every distribution that ``pip install -e '.[test]'``
brings in (the runtime dependencies and the test tools). The audit asks PyPI's own
vulnerability data (``pip-audit --vulnerability-service pypi``), the one vulnerability
source CI can reach. A known vulnerability fails the suite; when PyPI cannot answer,
the test is skipped with the reason, so a run that could not audit never looks like a
clean audit.

Regenerate the lock from the current environment after changing dependencies::

    python tests/test_security_audit.py --write
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements-audit.lock"
HEADER = """\
# Every distribution `pip install -e '.[test]'` installs, pinned, for `pip-audit`
# (tests/test_security_audit.py runs it). Regenerate: python tests/test_security_audit.py --write
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_tree() -> dict[str, str]:
    """``{name: version}`` for everything pyproject.toml's dependencies and ``test`` extra pull
    in, as installed here (read from pyproject.toml: an editable install's metadata may be stale)."""
    from packaging.requirements import Requirement

    found: dict[str, str] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = [(r.name, frozenset(r.extras)) for r in map(Requirement, declared()) if not r.marker or r.marker.evaluate()]
    while todo:
        name, wanted = todo.pop()
        if (canonical(name), wanted) in visited:
            continue
        visited.add((canonical(name), wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency this platform does not install
        found[canonical(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in (wanted or {""})):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return dict(sorted(found.items()))


def read_lock() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonical(name)] = version
    return pins


def declared() -> list[str]:
    """The requirement strings pyproject.toml declares (runtime and the ``test`` extra)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        pytest.skip("reading pyproject.toml needs Python 3.11's tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["dependencies"] + project["optional-dependencies"]["test"]


def test_the_lock_pins_every_declared_dependency_within_its_range():
    from packaging.requirements import Requirement

    pins = read_lock()
    for line in declared():
        requirement = Requirement(line)
        name = canonical(requirement.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not locked: python tests/test_security_audit.py --write"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"the lock pins {name}=={pins[name]}, outside {requirement.specifier}: regenerate the lock")


def audit(pins: dict[str, str], tmp_path: Path) -> dict:
    requirements = tmp_path / "audit.txt"
    requirements.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()))
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
               "--vulnerability-service", "pypi", "--format", "json", "--progress-spinner", "off", "--timeout", "20"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit did not finish in 240 s: PyPI's vulnerability data could not be reached; NOT AUDITED")
    if "No module named pip_audit" in done.stderr:
        pytest.fail("pip-audit is not installed: pip install -e '.[test]'")
    try:
        return json.loads(done.stdout)
    except ValueError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pip-audit could not reach PyPI's vulnerability data ({reason}); NOT AUDITED")


def test_no_known_vulnerabilities_in_the_locked_or_installed_dependencies(tmp_path):
    """Audits the lock, plus any version installed here that the lock does not pin (what actually runs)."""
    pins = read_lock()
    installed = installed_tree()
    drift = {name: version for name, version in installed.items() if pins.get(name) != version}
    if drift:
        warnings.warn(f"installed versions differ from requirements-audit.lock: {drift}; both are audited", stacklevel=1)
    report = audit(pins, tmp_path)
    if drift:  # a requirements file names each package once: the drifted versions get a run of their own
        report["dependencies"] += audit(drift, tmp_path)["dependencies"]
    vulnerable = [d for d in report["dependencies"] if d.get("vulns")]
    skipped = [d for d in report["dependencies"] if d.get("skip_reason")]
    checked = len(report["dependencies"]) - len(skipped)
    print(f"\npip-audit (PyPI): {checked} of {len(report['dependencies'])} pinned distributions checked, "
          f"{len(vulnerable)} with known vulnerabilities")
    assert not vulnerable, "known vulnerabilities (upgrade, then regenerate the lock):\n" + "\n".join(
        f"  {d['name']} {d['version']}: " + ", ".join(f"{v['id']} (fixed in {', '.join(v.get('fix_versions') or ['nothing yet'])})"
                                                    for v in d["vulns"]) for d in vulnerable)
    if skipped and checked == 0:
        pytest.skip(f"NOT AUDITED: PyPI's vulnerability data answered for none of the {len(skipped)} locked "
                    f"distributions ({skipped[0]['skip_reason']})")
    if skipped:
        warnings.warn(f"pip-audit could not check {len(skipped)} distributions: "
                      + ", ".join(d["name"] for d in skipped), stacklevel=1)


def write_lock() -> None:
    tree = installed_tree()
    LOCK.write_text(HEADER + "".join(f"{name}=={version}\n" for name, version in tree.items()), encoding="utf-8")
    print(f"wrote {len(tree)} pins to {LOCK}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_security_audit.py --write")
    write_lock()
