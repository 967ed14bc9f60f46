"""``policytag batch --jobs N``: the same output as one process, in input order, and a bad
line never stops the batch. (Speed is the benchmark's business: no timings here.)"""

from __future__ import annotations

import json

from policytag.batch import read_chunks, tagged_json

from .conftest import REPO, run_cli

SEEDS = sorted((REPO / "seeds").glob("*.jsonl"))


def seed_lines(count: int) -> list[str]:
    texts = [json.loads(line)["text"] for path in SEEDS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.dumps({"id": f"s{i:03d}", "text": texts[i % len(texts)]}) for i in range(count)]


def archive(tmp_path, count: int):
    """``count`` seed passages with a broken line, a blank line and a line without text among them."""
    lines = seed_lines(count)
    lines[count // 3:count // 3] = ["{not json", "", json.dumps({"id": "no-text", "title": "x"})]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, count + 2


def test_jobs_2_writes_what_jobs_1_writes(tmp_path):
    path, expected = archive(tmp_path, 140)  # more than one chunk of 128 lines
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first = run_cli("batch", str(path), "-o", str(one), "--jobs", "1")
    second = run_cli("batch", str(path), "-o", str(two), "--jobs", "2")
    assert first.returncode == second.returncode == 1, first.stderr + second.stderr  # 1: some lines failed
    assert one.read_bytes() == two.read_bytes()
    results = [json.loads(line) for line in two.read_text(encoding="utf-8").splitlines()]
    assert len(results) == expected
    ids = [r["id"] for r in results]
    assert ids[:46] == [f"s{i:03d}" for i in range(46)] and ids[48:] == [f"s{i:03d}" for i in range(46, 140)]
    assert "not valid JSON" in results[46]["errors"][0]["message"]
    assert results[47]["id"] == "no-text" and "needs a \"text\"" in results[47]["errors"][0]["message"]
    assert all(r["tags"]["region"] and r["summary"] and not r["errors"] for i, r in enumerate(results) if i not in (46, 47))


def test_many_small_chunks_come_back_in_order(tmp_path):
    path, _ = archive(tmp_path, 15)
    alone = list(tagged_json(read_chunks(str(path), size=2), summarize=False))
    pooled = list(tagged_json(read_chunks(str(path), size=2), summarize=False, jobs=2))
    assert pooled == alone
    assert [json.loads(line)["id"] for line, _ in pooled][:6] == ["s000", "s001", "s002", "s003", "s004", 6]
    assert [failed for _, failed in pooled].count(True) == 2


def test_jobs_must_be_a_positive_number(tmp_path):
    path, _ = archive(tmp_path, 3)
    done = run_cli("batch", str(path), "--jobs", "0")
    assert done.returncode == 2 and "at least 1" in done.stderr
