"""``policytag batch``: tag a JSONL or Parquet archive, one result per input line, in input order.

A bad line (not JSON, no text, an unreachable URL, anything that fails while it is
read or tagged) gets a result holding its error and the rest go on. Lines are tagged
in chunks so the shared featurisation runs per chunk. With ``jobs`` > 1 the chunks go
to local worker processes forked once this process has loaded the models; a worker
that dies (the OOM killer, a crash in C) costs no results: its chunks run again in a
fresh one, and a line that kills a worker even when tagged on its own is marked
failed. With ``scheduler`` the chunks go to a Dask cluster through joblib's dask
backend, where each worker process builds one Tagger and loads the models once
(:func:`worker_tagger`). Either way results are written in input order, through
:class:`policytag.outfile.Output` when they go to a file.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from itertools import islice
from typing import IO

from .errors import InputError, PolicytagError, one_line
from .outfile import Output, OutputError
from .schema import Document, ErrorReport, Result

CHUNK = 128
Chunk = list[tuple[int, str]]  # (line number from 1, JSON line)


def _not_json(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity, which no JSON tool writes back


def parse_line(line: str, number: int) -> tuple[object, Document | str]:
    """``(id, Document)`` for a text line, ``(id, url)`` for a URL line; raises InputError."""
    try:
        item = json.loads(line, parse_constant=_not_json)
    except ValueError as exc:
        raise InputError(f"line {number}: not valid JSON ({exc})") from None
    if not isinstance(item, dict):
        raise InputError(f"line {number}: expected an object with \"text\" or \"url\", got {type(item).__name__}")
    ident = item.get("id", number)
    text, url = item.get("text"), item.get("url")
    if isinstance(text, str):
        return ident, Document(text=text, source=str(ident), title=item.get("title") if isinstance(item.get("title"), str) else None)
    if isinstance(url, str):
        return ident, url
    raise InputError(f"line {number}: needs a \"text\" or \"url\" string")


def _identify(line: str, number: int) -> object:
    try:
        item = json.loads(line, parse_constant=_not_json)
        return item.get("id", number) if isinstance(item, dict) else number
    except ValueError:
        return number


def chunked(numbered: Iterable[tuple[int, str]], size: int = CHUNK) -> Iterator[Chunk]:
    """Numbered non-blank lines in chunks of ``size``."""
    numbered = ((n, line) for n, line in numbered if line.strip())
    while chunk := list(islice(numbered, size)):
        yield chunk


def failure(exc: Exception) -> ErrorReport:
    """One line's failure as its error: our own errors as they read, anything else
    (a library's exception, a bug) with its type, never a traceback that ends the run."""
    message = str(exc) if isinstance(exc, PolicytagError) else f"unexpected error: {one_line(exc)}"
    return ErrorReport(plugin="policytag", message=message)


def tag_chunk(chunk: Chunk, tagger) -> list[Result]:
    """One result per line of ``chunk``, in order; lines that cannot be read or tagged hold their error."""
    from .article import fetch_article

    parsed: list[tuple[object, Document | None, ErrorReport | None]] = []
    for number, line in chunk:
        try:
            ident, item = parse_line(line, number)
            # A "url" is fetched, never opened as a local path: a batch may come from anyone.
            parsed.append((ident, fetch_article(item) if isinstance(item, str) else item, None))
        except Exception as exc:
            parsed.append((_identify(line, number), None, failure(exc)))
    documents = [doc for _, doc, _ in parsed if doc is not None]
    tagged = iter(_tag_each_if_need_be(tagger, documents))
    results = []
    for ident, doc, error in parsed:
        result = next(tagged) if doc is not None else Result(errors=[error])
        result.id = ident
        results.append(result)
    return results


def _tag_each_if_need_be(tagger, documents: list[Document]) -> list[Result]:
    """The batch's results; should tagging the batch raise, each document is tagged on
    its own, so only the one that raises gets the error."""
    if not documents:
        return []
    try:
        return tagger.tag_many(documents)
    except Exception:
        results = []
        for document in documents:
            try:
                [result] = tagger.tag_many([document])
            except Exception as exc:
                result = Result(source=document.source, errors=[failure(exc)])
            results.append(result)
        return results


def tag_lines(lines: Iterable[str], tagger) -> Iterator[Result]:
    """Results for JSONL lines, in order, one per non-blank line."""
    for chunk in chunked(enumerate(lines, 1)):
        yield from tag_chunk(chunk, tagger)


_taggers: dict[bool, object] = {}
_taggers_lock = threading.Lock()


def worker_tagger(summarize: bool):
    """This process's Tagger, built with its models loaded exactly once however many
    chunks (or Dask threads) use it: loading the models costs more than tagging a chunk."""
    from .tagger import Tagger

    with _taggers_lock:
        if summarize not in _taggers:
            tagger = Tagger(summarize=summarize)
            tagger.tag_many(["Models load on first use: load them now, under the lock."])
            _taggers[summarize] = tagger
        return _taggers[summarize]


def tag_chunk_json(chunk: Chunk, summarize: bool) -> list[tuple[str, bool]]:
    """What a worker sends back for a chunk: each result as a JSON line, and whether it failed.

    JSON text is cheaper to move between processes than pickled pydantic models.
    """
    return [
        (result.model_dump_json(), bool(result.errors and not result.tags))
        for result in tag_chunk(chunk, worker_tagger(summarize))
    ]


def read_chunks(input_path: str, size: int = CHUNK) -> Iterator[Chunk]:
    """The input's lines in numbered chunks: JSONL (or ``-``), or Parquet rows as JSON lines.

    The file is opened here, so a missing input fails before any output is written.
    """
    return chunked(read_lines(input_path), size)


def read_lines(input_path: str) -> Iterator[tuple[int, str]]:
    """The input's numbered lines (JSONL, ``-``, or Parquet rows as JSON lines), opened now."""
    if is_parquet(input_path):
        return _parquet_lines(_open_parquet(input_path))
    try:
        source = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{input_path}: {exc.strerror or exc}") from None
    return _closing(source, enumerate(source, 1))


def is_parquet(input_path: str) -> bool:
    return input_path.endswith((".parquet", ".pq"))


def count_lines(input_path: str) -> int | None:
    """How many results the input will give (its non-blank lines; Parquet's row count), for
    the progress bar; None for standard input, which can be read only once."""
    if input_path == "-":
        return None
    if is_parquet(input_path):
        return _open_parquet(input_path).metadata.num_rows
    with open(input_path, encoding="utf-8", errors="replace") as handle:  # as read_lines reads it
        return sum(1 for line in handle if line.strip())


def _closing(handle: IO[str], lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    with handle:
        yield from lines


def _open_parquet(path: str):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install 'policytag[scale]'") from None
    try:
        return pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None


def _parquet_lines(archive) -> Iterator[tuple[int, str]]:
    """Each row's ``id``/``text``/``url``/``title`` columns as a JSON line, so Parquet rows
    go through exactly the checks JSONL lines do."""
    columns = [c for c in ("id", "text", "url", "title") if c in archive.schema_arrow.names]
    number = 0
    for batch in archive.iter_batches(batch_size=CHUNK, columns=columns):
        for row in batch.to_pylist():
            number += 1
            yield number, json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False, default=str)


def tagged_json(chunks: Iterable[Chunk], *, summarize: bool = True, jobs: int = 1, scheduler=None) -> Iterator[tuple[str, bool]]:
    """``(JSON result, failed)`` per input line, in input order.

    ``jobs`` > 1 runs chunks on that many local processes; ``scheduler`` (a Dask scheduler
    address such as ``tcp://host:8786``, or a ``distributed.Client``) runs them on a cluster
    through joblib's dask backend.
    """
    if scheduler is not None:
        yield from _on_dask(chunks, summarize, scheduler)
    elif jobs > 1:
        yield from _on_local_workers(chunks, summarize, jobs)
    else:
        for chunk in chunks:
            yield from tag_chunk_json(chunk, summarize)


def _local_pool(jobs: int, summarize: bool):
    """Worker processes forked once this process has loaded the models, so they start warm
    and share the models' memory instead of each importing and loading for seconds; where
    fork is unsafe (macOS, Windows) spawned workers load them on their first chunk."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if sys.platform == "linux":
        worker_tagger(summarize)
        # Python's advice for fork without exec: the models and gazetteer are long-lived,
        # and a collection in a worker would otherwise write to every one of their pages.
        gc.freeze()
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def _on_local_workers(chunks: Iterable[Chunk], summarize: bool, jobs: int) -> Iterator[tuple[str, bool]]:
    """Results in submission order, with at most 2 × ``jobs`` chunks in flight, so a huge
    archive streams through in bounded memory. When a worker dies the pool breaks and
    every chunk in flight fails with it: those chunks run again (see
    :func:`_run_again`) and the rest go on in a fresh pool."""
    chunks = iter(chunks)
    pool = _local_pool(jobs, summarize)
    pending: deque = deque()  # (chunk, future), in input order
    try:
        while True:
            while len(pending) < 2 * jobs and (chunk := next(chunks, None)) is not None:
                pending.append((chunk, _submit(pool, chunk, summarize)))
            if not pending:
                return
            chunk, future = pending[0]
            try:
                results = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                for chunk, future in pending:
                    lost = future.cancelled() or future.exception() is not None
                    yield from _run_again(chunk, summarize) if lost else future.result()
                pending.clear()
                pool = _local_pool(jobs, summarize)
                continue
            pending.popleft()
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool, chunk: Chunk, summarize: bool) -> Future:
    """``pool.submit``, with a pool already broken giving a failed future, not an exception."""
    try:
        return pool.submit(tag_chunk_json, chunk, summarize)
    except BrokenProcessPool as exc:
        failed: Future = Future()
        failed.set_exception(exc)
        return failed


KILLED = "the worker process tagging this line died twice, the second time with this line alone (out of memory?)"


def _run_again(chunk: Chunk, summarize: bool) -> list[tuple[str, bool]]:
    """A chunk whose worker died, run alone in a fresh worker; if that one dies too, each
    of its lines alone, and a line whose worker still dies is marked failed. Only the
    culprit loses its result, and one chance OOM kill costs nothing."""
    try:
        return _alone(chunk, summarize)
    except BrokenProcessPool:
        pass
    results = []
    for number, line in chunk:
        try:
            results += _alone([(number, line)], summarize)
        except BrokenProcessPool:
            result = Result(id=_identify(line, number), errors=[ErrorReport(plugin="policytag", message=KILLED)])
            results.append((result.model_dump_json(), True))
    return results


def _alone(chunk: Chunk, summarize: bool) -> list[tuple[str, bool]]:
    with _local_pool(1, summarize) as solo:
        return solo.submit(tag_chunk_json, chunk, summarize).result()


def _on_dask(chunks: Iterable[Chunk], summarize: bool, scheduler) -> Iterator[tuple[str, bool]]:
    from joblib import Parallel, delayed, parallel_config

    with _dask_client(scheduler) as client, parallel_config(backend="dask", client=client):
        parallel = Parallel(n_jobs=-1, batch_size=1, pre_dispatch="2*n_jobs", return_as="generator")
        for results in parallel(delayed(tag_chunk_json)(chunk, summarize) for chunk in chunks):
            yield from results


def _dask_client(scheduler):
    """A client for ``scheduler``: the given Client, or one connected to an address (closed afterwards)."""
    if not isinstance(scheduler, str):
        return nullcontext(scheduler)
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'policytag[scale]'") from None
    try:
        return Client(scheduler)  # waits up to Dask's distributed.comm.timeouts.connect
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None


def run_batch(input_path: str, output_path: str | None, *, summarize: bool = True, jobs: int = 1, scheduler=None,
              resume: bool = False) -> int:
    """Tag ``input_path`` (JSONL, ``-`` or Parquet) into JSONL at ``output_path`` (stdout
    if None); exit status 1 when some lines failed. See :func:`tagged_json` for ``jobs``
    and ``scheduler``. A file output is written through :class:`Output`; with
    ``resume`` the finished lines of an interrupted run into it are kept and only the
    rest of the input is tagged."""
    if resume and not output_path:
        raise InputError("--resume needs the output file (-o) of the run it finishes")
    output = Output(output_path, input_path) if output_path else None
    lines = read_lines(input_path)  # a missing input fails before the output is touched
    # A bar when stderr is a terminal, unless the results scroll past on that terminal too.
    shown = sys.stderr.isatty() and not (output is None and sys.stdout.isatty())
    total = count_lines(input_path) if shown else None
    if output is None:
        return _write(lines, lambda line: sys.stdout.write(line + "\n"), summarize=summarize, jobs=jobs,
                      scheduler=scheduler, bar=progress_bar(total, 0) if shown else None)
    if not resume and output.partial.exists():
        print(f"policytag: starting over: {output.partial} from an unfinished run is replaced (--resume would keep it)",
              file=sys.stderr)
    output.open(resume=resume)
    if output.kept:
        try:
            lines = _skip_finished(lines, output)
        except InputError:
            output.close()  # another input's results: left as they are
            raise
    try:
        status = _write(lines, output.write, summarize=summarize, jobs=jobs, scheduler=scheduler,
                        bar=progress_bar(total, len(output.kept)) if shown else None,
                        failed=sum(map(_failed, output.kept)))
    except BaseException as exc:
        note = output.abandon()
        if note and not isinstance(exc, OutputError):  # an OutputError says what is kept itself
            print(f"policytag: {note}", file=sys.stderr)
        raise
    output.commit()
    return status


def _failed(result: dict) -> bool:
    return bool(result.get("errors") and not result.get("tags"))


def _skip_finished(lines: Iterator[tuple[int, str]], output: Output) -> Iterator[tuple[int, str]]:
    """The input after the lines whose results the output already holds, once the last
    of those is checked to be the same line (by its id), so that resuming against
    another input fails instead of mixing two archives' results."""
    lines = (numbered for numbered in lines if numbered[1].strip())
    finished = deque(islice(lines, len(output.kept)), maxlen=1)
    last_id = output.kept[-1].get("id")
    if not finished or _identify(finished[0][1], finished[0][0]) != last_id:
        raise InputError(f"{output.partial} does not hold this input's first results (its last id is {last_id!r}); "
                         "delete it to start over")
    return lines


def _write(lines: Iterator[tuple[int, str]], write, *, summarize: bool, jobs: int, scheduler, bar=None,
           failed: int = 0) -> int:
    """Tag ``lines`` and write each result with ``write``, moving ``bar`` on; 1 if any
    line failed (``failed`` of them already did, in the run being resumed)."""
    try:
        for line, bad in tagged_json(chunked(lines), summarize=summarize, jobs=jobs, scheduler=scheduler):
            write(line)
            failed += bad
            if bar is not None:
                if bad:
                    bar.set_postfix_str(f"{failed:,} failed", refresh=False)
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return 1 if failed else 0


def progress_bar(total: int | None, done: int):
    """tqdm's bar on stderr: lines done of the total, the rate and the time left."""
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit=" lines", desc="tagging", file=sys.stderr, dynamic_ncols=True)
