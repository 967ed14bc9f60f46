"""No regex in policytag can be made to hang: every compiled pattern in the library and
the bundled plugins runs over adversarial text within a bound.

A pattern with nested quantifiers over the same characters (``([A-Z][\\w-]*)+`` and
its kin) backtracks exponentially or polynomially on a long run of capitalised words
joined by ``-``, ``.``, ``'`` or spaces, and in the bot that holds the GIL: one short
message stopped every other event. The patterns are found by walking the modules, so
a new one is covered without being listed here. They run in a subprocess that the test
kills at its timeout, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys

import pytest

from .conftest import REPO

BOUND = 1.0  # seconds per pattern and input; a linear pattern takes milliseconds here
WORDS = ("A", "Ab", "AB", "U.S", "Iran's")
JOINERS = ("-", ".", "'", "’", " ", "  ", ", ", "; ", " of ", " and the ", "\n", " \n ", "-.", "\u2029 ", "' ")
PARTS = 5000


def adversarial_inputs() -> dict[str, str]:
    """About 10-50 KB each: enough for a quadratic pattern to take seconds."""
    inputs = {
        f"{word!r} joined by {joiner!r}": joiner.join([word] * PARTS) + " x must act now to stop this."
        for word in WORDS for joiner in JOINERS
    }
    inputs["a mixed run"] = "-".join(f"A.B'C D-{i}" for i in range(PARTS)) + " x should act"
    inputs["after a comma"] = "So, " + "-".join(["A"] * PARTS) + " x must act"
    inputs["after 'that'"] = "They said that the " + " ".join(["A"] * PARTS) + " must"
    inputs["spaces after a capital"] = "A" + " " * 50_000 + "x"
    inputs["spaces before a parenthesis"] = " " * 50_000 + "("
    inputs["blank lines without end"] = "\n" + " \n" * 20_000 + "x"
    inputs["newline then spaces"] = "\n" + " " * 50_000
    inputs["dots"] = "." * 50_000
    inputs["host labels"] = "a." * 20_000 + "!"
    inputs["host hyphens"] = "a-" * 20_000 + "!"
    inputs["one long word"] = "a" * 50_000 + "!"
    inputs["brackets"] = "<" * 50_000
    return inputs


def patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern held by a module of policytag, its bundled plugins or its
    bot, directly or first in a tuple of a list."""
    import policytag
    import policytag.bot
    import policytag.plugins

    found = {}
    for package in (policytag, policytag.plugins, policytag.bot):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    found[f"{info.name}.{name}"] = value
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, tuple) and item and isinstance(item[0], re.Pattern):
                            found[f"{info.name}.{name}[{i}]"] = item[0]
    return found


def time_all() -> None:
    """Run in the subprocess: print each (pattern, input) before running it and its time after."""
    import time

    inputs = adversarial_inputs()
    for name, pattern in patterns().items():
        for label, text in inputs.items():
            print(json.dumps({"pattern": name, "input": label}), flush=True)
            started = time.perf_counter()
            pattern.findall(text)
            pattern.search(text)
            print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)


def test_every_pattern_is_found():
    names = set(patterns())
    for expected in ("policytag.plugins.cues.ACTOR",
                     "policytag.cleaning.END_OF_ARTICLE", "policytag.sentences.PARAGRAPH_BREAK",
                     "policytag.plugins.gazetteer.CAPITALISED_RUN",
                     "policytag.fetch.OS_NOISE", "policytag.netpolicy.HOSTNAME", "policytag.bot.console.SLACK_LINK"):
        assert expected in names


def test_every_pattern_runs_on_adversarial_input_within_the_bound():
    program = "from tests.test_regex_bounds import time_all; time_all()"
    try:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO, timeout=60)
        output, finished = done.stdout, True
        assert done.returncode == 0, done.stderr
    except subprocess.TimeoutExpired as expired:
        output, finished = (expired.stdout or b"").decode(), False  # bytes, whatever text=True says
    records = [json.loads(line) for line in output.splitlines()]
    slow, current = [], None
    for record in records:
        if "pattern" in record:
            current = record
        elif record["seconds"] > BOUND:
            slow.append(f"{current['pattern']} on {current['input']}: {record['seconds']:.1f} s")
    if not finished:
        slow.append(f"{current['pattern']} on {current['input']}: still running after the 60 s timeout")
    assert slow == []
    assert len(records) == 2 * len(patterns()) * len(adversarial_inputs())


def test_the_reported_message_is_tagged_promptly():
    """The probe's reproduction: 200 capitalised parts joined by hyphens took minutes."""
    message = ("The ministers met in Brussels on Tuesday to discuss sanctions, aid and the war in Ukraine. "
               + "-".join(["A"] * 200) + " x must act now to stop this.")
    try:
        done = subprocess.run([sys.executable, "-m", "policytag.cli", "tag", "-", "--json"], input=message,
                              capture_output=True, text=True, cwd=REPO, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("tagging the message did not finish within 60 s")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tags"]["region"]
