"""The policytag benchmark: ``python bench/run.py`` prints one table of ratios and
whether each target (issues 6 and 14) is met (exit status 1 if one is not). See README.md."""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import processes
import throughput
from corpus import build_corpus, write_jsonl
from timing import interleaved_medians


@dataclass
class Row:
    measure: str
    figure: str
    ratio: str
    target: str
    met: bool | None  # None: reported, no target


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    import sklearn

    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"scikit-learn {sklearn.__version__}, load average {os.getloadavg()[0]:.1f}")


def throughput_rows(texts: list[str], rounds: int) -> list[Row]:
    contenders = throughput.contenders()
    for name, run in contenders.items():  # the first call loads models and fills caches
        warm = run(texts[:100])
        if name in ("tags", "full"):
            throughput.check_results(warm)
    work = {name: partial(run, texts) for name, run in contenders.items()}
    # The contenders share this process: without this, every collection during one's run
    # would also walk the others' vocabularies and models, taxing whoever allocates most.
    gc.collect()
    gc.freeze()
    seconds = interleaved_medians(work, rounds)
    rate = {name: len(texts) / s for name, s in seconds.items()}
    tags_vs_base, tags_vs_floor, full_vs_floor = (
        rate["tags"] / rate["baseline"], rate["tags"] / rate["floor"], rate["full"] / rate["floor"])

    def figure(name):
        return f"{seconds[name]:.2f} s, {rate[name]:.0f} texts/s"

    return [
        Row("floor: CountVectorizer.transform", figure("floor"), "1", "", None),
        Row("user baseline: 3 TF-IDF + LR pipelines", figure("baseline"), f"{rate['baseline'] / rate['floor']:.2f}× floor", "", None),
        Row("policytag tags", figure("tags"), f"{tags_vs_base:.2f}× baseline", "≥ 2.5× baseline", tags_vs_base >= 2.5),
        Row("", "", f"{tags_vs_floor:.2f}× floor", "≥ 0.45× floor", tags_vs_floor >= 0.45),
        Row("policytag full (+ summary, recommendations)", figure("full"), f"{full_vs_floor:.2f}× floor", "≥ 0.2× floor", full_vs_floor >= 0.2),
    ]


def process_rows(corpus_jsonl: Path, work_dir: Path, rounds: int) -> list[Row]:
    cold = processes.cold_start(rounds)
    (tag_s, tag_mb), (import_s, _) = cold["tag"], cold["import"]
    jobs = processes.parallel(corpus_jsonl, work_dir, max(3, rounds // 2))
    speedup = jobs["jobs1"][0] / jobs["jobs2"][0]
    return [
        Row("cold start: policytag tag ARTICLE", f"{tag_s:.2f} s vs {import_s:.2f} s import",
            f"{tag_s / import_s:.2f}× import", "≤ 1.5× import", tag_s / import_s <= 1.5),
        Row("peak RSS of that process", f"{tag_mb:.0f} MB", "", "≤ 250 MB", tag_mb <= 250),
        Row("policytag batch --jobs 2 vs --jobs 1", f"{jobs['jobs2'][0]:.2f} s vs {jobs['jobs1'][0]:.2f} s",
            f"{speedup:.2f}× faster", "≥ 1.6×", speedup >= 1.6),
    ]


def bot_rows(rounds: int) -> list[Row]:
    try:
        import bot_latency
    except ImportError as exc:
        return [Row("bot: signed event → chat.postMessage", f"not measured ({exc})", "", "median ≤ 300 ms", None)]
    times = bot_latency.measure(rounds)
    median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
    return [Row("bot: signed event → chat.postMessage", f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms",
                "", "median ≤ 300 ms", median <= 0.3)]


def render(rows: list[Row]) -> str:
    header = ("measure", "median", "ratio", "target", "met")
    cells = [header, *((r.measure, r.figure, r.ratio, r.target, {True: "yes", False: "NO", None: ""}[r.met]) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c[i].ljust(widths[i]) for i in range(len(header))) + " |" for c in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="texts in the corpus (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per measure, after a warm-up (default 5)")
    parser.add_argument("--only", choices=("throughput", "processes", "bot"), help="run one part of the table")
    args = parser.parse_args(argv)

    busy_before = os.getloadavg()[0]  # before this run adds its own
    texts = build_corpus(args.size)
    words = sorted(len(t.split()) for t in texts)
    print(f"policytag benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {machine()}")
    print(f"corpus: {len(texts)} texts of {words[0]}–{words[-1]} words (median {words[len(words) // 2]}), "
          f"{sum(words) / 1e6:.2f} M words; medians of {args.rounds} rounds after a warm-up\n", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "throughput"):
            rows += throughput_rows(texts, args.rounds)
        if args.only in (None, "processes"):
            rows += process_rows(write_jsonl(texts, Path(tmp) / "corpus.jsonl"), Path(tmp), args.rounds)
        if args.only in (None, "bot"):
            rows += bot_rows(max(args.rounds * 10, 50))
    print(render(rows))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    if busy_before >= 1:
        print(f"other work kept about {busy_before:.0f} of {os.cpu_count()} cores busy when the run began: the parallel "
              "row, which needs both cores free, says more about that work than about policytag")
    return 1 if any(r.met is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
