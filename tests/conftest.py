"""Shared fixtures: the shared seed page, plugin managers with test plugins, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_PAGE = SHARED / "seeds" / "000_7ce1f44099c1afb5.txt"
SAMPLE_ARTICLE = REPO / "examples" / "sample-article.txt"


@pytest.fixture
def seed_page() -> Path:
    if not SEED_PAGE.is_file():
        pytest.fail(f"{SEED_PAGE} is missing: the tests read ../shared beside the repository")
    return SEED_PAGE


@pytest.fixture
def some_seeds(tmp_path) -> Path:
    """A fifth of the shipped seeds (early passages and four marked batches) in a folder
    of their own: for tests about what training does and where it writes, not how well,
    at a fifth of the time."""
    import shutil

    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in ("o1", "t01", "t02", "t03", "t04"):
        shutil.copy(REPO / "seeds" / f"{name}.jsonl", folder)
    return folder


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate (and key) for the host name news.example, made by openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=news.example",
             "-addext", "subjectAltName=DNS:news.example", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate: {exc}")
    return cert, key


@pytest.fixture(scope="module")
def slack():
    """A fake Slack Web API on 127.0.0.1 that records every call (one per test module)."""
    from .fake_slack import FakeSlack

    with FakeSlack() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _no_plugin_env(monkeypatch):
    """Tests start with no plugin switches set, whatever the developer's shell has."""
    for name in ("POLICYTAG_LOAD_PLUGINS", "POLICYTAG_DISABLE_PLUGINS", "POLICYTAG_MODELS", "POLICYTAG_ALLOW_HOSTS"):
        monkeypatch.delenv(name, raising=False)


def run_cli(*args: str, env: dict | None = None, input: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    """Run ``policytag`` in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYTAG_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "policytag.cli", *args],
        capture_output=True, text=True, env=full_env, input=input, cwd=cwd or REPO, timeout=300,
    )
