"""The README documents every hook (by its exact signature), command and setting."""

from __future__ import annotations

import inspect
import re
import types

import pytest

from policytag import Document, Tagger, hookspecs
from policytag.cli import build_parser
from policytag.plugin_manager import get_plugin_manager

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


def test_the_summariser_plugin_example_works_as_written():
    source = re.search(r"```python\n(# policytag_lede\.py.*?)```", README, re.DOTALL).group(1)
    lede = types.ModuleType("policytag_lede")
    exec(compile(source, "README: policytag_lede.py", "exec"), lede.__dict__)
    tagger = Tagger(get_plugin_manager(extra=(("lede", lede),)))
    text = ("Tokyo should lift its export curbs on Seoul this spring. Officials met in Osaka on Friday.\n\n"
            "Trade between the two neighbours fell by a fifth last year, customs data show.")
    ours, elsewhere = tagger.tag_many([Document(text=text, site="The Meridian Review"), Document(text=text)])
    assert ours.summary == elsewhere.summary == ["Tokyo should lift its export curbs on Seoul this spring.",
                                                 "Officials met in Osaka on Friday."]
    assert [(r.text, r.actor) for r in ours.recommendations] == [("Tokyo should lift its export curbs on Seoul this spring.", "Tokyo")]
    assert elsewhere.recommendations[0].score < 1.0  # the built-in extractor answered
    assert ours.errors == elsewhere.errors == []
