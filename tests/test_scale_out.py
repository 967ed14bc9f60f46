"""Batch tagging on a Dask cluster: a LocalCluster of two worker processes writes what
one process writes, for JSONL and Parquet input, and each worker loads the models once."""

from __future__ import annotations

import json

import pytest

from policytag.batch import read_chunks, tagged_json

from .conftest import run_cli
from .test_batch_parallel import archive

distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, worker_dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def artifact_loads() -> dict:
    """In a worker: how often each bundled model was read from disk, and Taggers built."""
    from policytag import batch
    from policytag.plugins.artifacts import _artifact

    info = _artifact.cache_info()
    return {"loads": info.misses, "artifacts": info.currsize, "taggers": len(batch._taggers)}


def test_cluster_output_equals_one_process_and_models_load_once_per_worker(tmp_path, client):
    path, expected = archive(tmp_path, 22)
    chunks = list(read_chunks(str(path), size=2))
    assert len(chunks) > 2 * len(client.scheduler_info()["workers"])  # so some worker tags several chunks
    alone = list(tagged_json(chunks))
    spread = list(tagged_json(chunks, scheduler=client))
    assert spread == alone and len(spread) == expected
    per_worker = client.run(artifact_loads)
    assert len(per_worker) == 2
    worked = [w for w in per_worker.values() if w["taggers"]]
    assert worked, per_worker
    for w in worked:  # every artifact a worker uses was read once, however many chunks it tagged
        assert w["taggers"] == 1 and w["artifacts"] >= 4 and w["loads"] == w["artifacts"], per_worker


def test_cli_scheduler_with_parquet_input_matches_jsonl(tmp_path, client):
    import pyarrow as pa

    rows = [json.loads(line) for line in archive(tmp_path, 10)[0].read_text().splitlines() if line.startswith("{\"")]
    rows.insert(3, {"id": "empty", "text": None, "title": None})  # a row with no text fails alone
    jsonl, parquet = tmp_path / "rows.jsonl", tmp_path / "rows.parquet"
    jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in rows))
    pq.write_table(pa.Table.from_pylist([{"id": r["id"], "text": r.get("text"), "title": r.get("title")} for r in rows]), parquet)

    local = run_cli("batch", str(jsonl), "-o", str(tmp_path / "local.jsonl"))
    remote = run_cli("batch", str(parquet), "-o", str(tmp_path / "remote.jsonl"), "--scheduler", client.scheduler.address)
    assert local.returncode == remote.returncode == 1, local.stderr + remote.stderr
    written = (tmp_path / "remote.jsonl").read_text()
    assert written == (tmp_path / "local.jsonl").read_text()
    assert [json.loads(x)["id"] for x in written.splitlines()][:5] == ["s000", "s001", "s002", "empty", "no-text"]


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    path, _ = archive(tmp_path, 2)
    done = run_cli("batch", str(path), "--scheduler", "tcp://127.0.0.1:9", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert done.returncode == 2 and "Dask scheduler" in done.stderr and "Traceback" not in done.stderr
