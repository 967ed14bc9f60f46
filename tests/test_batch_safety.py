"""``policytag batch`` never loses or damages data: a dying worker costs nothing but the
one line that caused it."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal

from policytag import batch
from policytag.batch import KILLED, read_chunks, tagged_json

from .conftest import REPO

SEEDS = sorted((REPO / "seeds").glob("*.jsonl"))


def seed_texts() -> list[str]:
    return [json.loads(line)["text"] for path in SEEDS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_killed_worker_is_replaced_and_only_a_line_that_kills_twice_fails(tmp_path, monkeypatch):
    """As the OOM killer would: SIGKILL, mid-chunk. One line kills its worker the first
    time only (a chance kill), one every time (the culprit)."""
    texts = seed_texts()
    lines = [json.dumps({"id": i, "text": texts[i]}) for i in range(12)]
    lines[3] = json.dumps({"id": 3, "text": texts[3] + " KILL ONCE"})
    lines[8] = json.dumps({"id": 8, "text": texts[8] + " KILL ALWAYS"})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    once = tmp_path / "killed-once"
    real = batch.tag_chunk

    def deadly(chunk, tagger):
        if multiprocessing.parent_process() is not None:  # only ever in a worker
            text = " ".join(line for _, line in chunk)
            if "KILL ALWAYS" in text or ("KILL ONCE" in text and not once.exists()):
                once.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return real(chunk, tagger)

    monkeypatch.setattr(batch, "tag_chunk", deadly)
    pooled = list(tagged_json(read_chunks(str(source), size=2), summarize=False, jobs=2))
    monkeypatch.setattr(batch, "tag_chunk", real)
    alone = list(tagged_json(read_chunks(str(source), size=2), summarize=False))
    assert [json.loads(line)["id"] for line, _ in pooled] == list(range(12))
    culprit = json.loads(pooled[8][0])
    assert culprit["errors"] == [{"plugin": "policytag", "message": KILLED}] and pooled[8][1] is True
    assert pooled[:8] + pooled[9:] == alone[:8] + alone[9:]  # the chance kill and the culprit's neighbours: tagged
    assert once.exists()
