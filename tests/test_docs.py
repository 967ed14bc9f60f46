"""The README documents every hook (by its exact signature), command and setting."""

from __future__ import annotations

import inspect
import re

import pytest

from policytag import hookspecs
from policytag.cli import build_parser

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
HOOKS = [f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "policytag_spec")]
SOURCES = [p for d in ("policytag", "plugins", "bot") for p in (REPO / d).rglob("*.py")]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda f: f.__name__)
def test_every_hook_has_a_section_titled_with_its_signature(hook):
    signature = f"{hook.__name__}({', '.join(inspect.signature(hook).parameters)})"
    assert re.search(rf"^#+ `{re.escape(signature)}`$", README, re.MULTILINE), f"no README heading for `{signature}`"


def test_every_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`policytag {name}" in README, name


def test_every_environment_variable_is_documented():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"\b(POLICYTAG_[A-Z_]+|SLACK_[A-Z_]+_(?:TOKEN|SECRET))\b", path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"`{v}`" not in README)
    assert missing == []
