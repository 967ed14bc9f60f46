"""``policytag batch`` never loses or damages data: not the input, not an existing output,
not the work of an interrupted run; a dying worker or a full disk costs nothing but the
one line that caused it. And on a terminal it shows how far it has got."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import pty
import resource
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from policytag import batch
from policytag.batch import KILLED, read_chunks, tagged_json

from .conftest import REPO, run_cli

SEEDS = sorted((REPO / "seeds").glob("*.jsonl"))
PRECIOUS = b'{"id": "an earlier run", "precious": true}\n'


def seed_texts() -> list[str]:
    return [json.loads(line)["text"] for path in SEEDS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def archive(tmp_path, count: int, name: str = "in.jsonl"):
    texts = seed_texts()
    path = tmp_path / name
    path.write_text("".join(json.dumps({"id": f"{name}-{i}", "text": texts[i % len(texts)]}) + "\n" for i in range(count)))
    return path


def cli(*args: str, **kwargs) -> list[str]:
    return [sys.executable, "-m", "policytag.cli", *args]


def env(**extra: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("POLICYTAG_")}, **extra}


def test_the_output_may_not_be_the_input_by_any_name(tmp_path):
    source = archive(tmp_path, 3)
    original = source.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(source)
    os.link(source, tmp_path / "hard.jsonl")
    for output in (source, tmp_path / "link.jsonl", tmp_path / "hard.jsonl"):
        done = run_cli("batch", str(source), "-o", str(output))
        assert done.returncode == 2
        assert done.stderr == f"policytag: the output {output} is the input file: policytag batch never writes over its input\n"
    assert source.read_bytes() == original
    assert not list(tmp_path.glob("*.partial"))


def test_a_run_that_fails_before_tagging_leaves_the_existing_output_as_it_was(tmp_path):
    source, out = archive(tmp_path, 3), tmp_path / "out.jsonl"
    out.write_bytes(PRECIOUS)
    done = run_cli("batch", str(source), "-o", str(out), "--scheduler", "tcp://127.0.0.1:9",
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert done.returncode == 2 and "cannot reach the Dask scheduler" in done.stderr
    assert out.read_bytes() == PRECIOUS and not (tmp_path / "out.jsonl.partial").exists()


def test_an_interrupted_run_keeps_the_output_and_resume_finishes_it(tmp_path):
    source, out, reference = archive(tmp_path, 800), tmp_path / "out.jsonl", tmp_path / "reference.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    out.write_bytes(PRECIOUS)
    out.chmod(0o640)
    # Ctrl-C reaches a process whose SIGINT is the default one, whatever the test runner's is.
    run = subprocess.Popen(cli("batch", str(source), "-o", str(out), "--no-summary"), cwd=REPO, env=env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not (partial.exists() and partial.stat().st_size) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run.poll() is None, "the batch ended before it could be interrupted"
    run.send_signal(signal.SIGINT)  # Ctrl-C, after the first chunk is written and long before the last
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert out.read_bytes() == PRECIOUS
    kept = partial.read_text().splitlines()
    assert 0 < len(kept) < 800 and all(json.loads(line)["id"] == f"in.jsonl-{i}" for i, line in enumerate(kept))
    assert err == (f"policytag: {len(kept):,} finished lines are in {partial}: run the same command with --resume "
                   "to tag the rest\n")

    resumed = run_cli("batch", str(source), "-o", str(out), "--no-summary", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert run_cli("batch", str(source), "-o", str(reference), "--no-summary").returncode == 0
    assert out.read_bytes() == reference.read_bytes() and not partial.exists()
    assert out.stat().st_mode & 0o777 == 0o640  # the replaced file's permissions


def test_resume_refuses_the_partial_output_of_another_input(tmp_path):
    first, other, out = archive(tmp_path, 3, "first.jsonl"), archive(tmp_path, 3, "other.jsonl"), tmp_path / "out.jsonl"
    assert run_cli("batch", str(first), "-o", str(out), "--no-summary").returncode == 0
    (tmp_path / "out.jsonl.partial").write_text("".join(out.read_text().splitlines(keepends=True)[:2]))
    done = run_cli("batch", str(other), "-o", str(out), "--no-summary", "--resume")
    assert done.returncode == 2
    assert done.stderr == (f"policytag: {tmp_path / 'out.jsonl.partial'} does not hold this input's first results "
                           "(its last id is 'first.jsonl-1'); delete it to start over\n")


def test_a_full_disk_never_leaves_half_a_line(tmp_path):
    """The file-size limit makes every write past 40 KB fail, as a full disk would."""
    source, out, reference = archive(tmp_path, 150), tmp_path / "out.jsonl", tmp_path / "reference.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    out.write_bytes(PRECIOUS)

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    done = subprocess.run(cli("batch", str(source), "-o", str(out), "--no-summary"), cwd=REPO, env=env(),
                          capture_output=True, text=True, preexec_fn=small_disk, timeout=300)
    data = partial.read_bytes()
    kept = data.decode().splitlines()
    assert done.returncode == 2
    assert done.stderr == (f"policytag: writing {partial} failed (File too large); its {len(kept):,} complete lines "
                           "are kept: run again with --resume to finish\n")
    assert out.read_bytes() == PRECIOUS
    assert 0 < len(data) <= 40_000 and data.endswith(b"\n") and [json.loads(line)["id"] for line in kept] == [
        f"in.jsonl-{i}" for i in range(len(kept))]

    assert run_cli("batch", str(source), "-o", str(out), "--no-summary", "--resume").returncode == 0
    assert run_cli("batch", str(source), "-o", str(reference), "--no-summary").returncode == 0
    assert out.read_bytes() == reference.read_bytes()


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


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal 100 columns wide; its exit status and what it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    run = subprocess.Popen(cli(*args), cwd=REPO, env=env(), stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    return run.wait(timeout=300), drawn.decode(errors="replace")


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_a_progress_bar_on_a_terminal_and_none_otherwise(tmp_path, kind):
    source = archive(tmp_path, 150)
    source.write_text(source.read_text().replace("\n", "\n\n", 10))  # blank lines give no result, so no count
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
        source = tmp_path / "in.parquet"
        pq.write_table(pa.Table.from_pylist(rows), source)
    status, drawn = on_a_terminal(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--no-summary"])
    assert status == 0, drawn
    final = drawn.replace("\r", "\n").strip().splitlines()[-1]
    assert final.startswith("tagging: 100%") and "150/150 [" in final and " lines/s]" in final, drawn
    assert "<" in final  # elapsed<left
    piped = run_cli("batch", str(source), "-o", str(tmp_path / "piped.jsonl"), "--no-summary")
    assert piped.returncode == 0 and piped.stderr == ""
