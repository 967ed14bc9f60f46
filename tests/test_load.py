"""Load: the HTTP-mode bot under a burst of signed link events, with Slack retrying 20% of
them and the fake Slack API answering some posts 429 with ``Retry-After``.

Every event must be answered exactly once (none lost, none duplicated), within the
issue's bound of 20 s for the whole burst, with the memory of the bot's processes
(the bot, its zygote and its workers) bounded. The
figures (events, retries, 429s, lost, duplicated, p50/p95/max latency, seconds,
memory) are printed and written to report/reliability-load.json.

Run it alone to see the figures: ``python -m pytest tests/test_load.py -s``.
"""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .articles import article_html
from .fake_slack import FakeSlack
from .servers import RecordingServer, Response
from .test_bot_http import QUIET, Bot, bot_env, message
from .test_reliability import write_figures

EVENTS = 200  # the 'at least 200'
RETRIED = EVENTS // 5  # 20%
THROTTLED = 12  # chat.postMessage calls answered 429 (Retry-After: 1), in two bursts
BOUND = 20.0  # seconds for the whole burst, from the first delivery to the last reply (the bound)
SENDERS = 16  # concurrent deliveries, as Slack sends them


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def processes_mb(pid: int) -> float:
    """The proportional set size of a process and all its descendants (the bot, its zygote and
    workers): memory they share, such as the models, counts once, shared out among them."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            pass
    tree = {pid}
    while more := {child for child, parent in parents.items() if parent in tree} - tree:
        tree |= more
    total = 0.0
    for member in tree:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) / 1024
    return total


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="reads the bot's memory from /proc (Linux)")
def test_a_burst_of_signed_link_events_is_answered_exactly_once(tmp_path):
    routes = {f"/load/{n}": Response(body=article_html(f"Coast guard drills, dispatch {n}").encode()) for n in range(EVENTS)}
    with RecordingServer(routes) as articles, FakeSlack() as slack:
        bot = Bot(bot_env(slack, tmp_path / "bot.sqlite3"), tmp_path / "bot.log").start()
        try:
            figures = burst(bot, slack, articles)
        finally:
            bot.stop()
    write_figures("load", figures)
    print("\nload: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    assert figures["lost"] == 0 and figures["duplicated"] == 0
    assert figures["acks_not_200"] == 0
    assert figures["throttled_429"] >= THROTTLED
    assert figures["seconds"] < BOUND, f"the burst took {figures['seconds']} s"
    assert figures["memory_growth_mb"] < 400, f"the bot grew by {figures['memory_growth_mb']} MB"
    assert "Traceback" not in (tmp_path / "bot.log").read_text()


def burst(bot: Bot, slack: FakeSlack, articles: RecordingServer) -> dict:
    events = [message(f"have you seen <{articles.url(f'/load/{n}')}>") for n in range(EVENTS)]
    rng = random.Random(7)
    retried = set(rng.sample(range(EVENTS), RETRIED))
    # Deliveries in order, each retry a little after its original (some while it is still being answered).
    deliveries = [(n, 0) for n in range(EVENTS)]
    for n in sorted(retried):
        deliveries.insert(min(len(deliveries), deliveries.index((n, 0)) + rng.randint(1, 40)), (n, 1))
    sent_at: dict[int, float] = {}
    acks = []
    lock = threading.Lock()
    baseline = processes_mb(bot.process.pid)
    peak = [baseline]
    sampling = threading.Event()

    def sample():
        while not sampling.wait(0.1):
            peak[0] = max(peak[0], processes_mb(bot.process.pid))

    def deliver(delivery):
        n, retry = delivery
        with lock:
            sent_at.setdefault(n, time.monotonic())
        answer = bot.sender.event(events[n], event_id=f"Ev-load-{n}", retry=retry)
        with lock:
            acks.append(answer)

    threading.Thread(target=sample, daemon=True).start()
    slack.throttle("chat.postMessage", times=THROTTLED // 2, retry_after=1)
    cpu_before, own_before = cpu_seconds(bot.process.pid), sum(os.times()[:2])
    started = time.monotonic()
    with ThreadPoolExecutor(SENDERS) as pool:
        half = len(deliveries) // 2
        list(pool.map(deliver, deliveries[:half]))
        left = slack._throttled.get("chat.postMessage", (0, 0))[0]  # a second burst of 429s, on top of what is left
        slack.throttle("chat.postMessage", times=left + THROTTLED - THROTTLED // 2, retry_after=1)
        list(pool.map(deliver, deliveries[half:]))
    wanted = {e["ts"] for e in events}
    slack.wait_for("chat.postMessage", EVENTS, timeout=BOUND * 3, where=lambda c: c.params.get("thread_ts") in wanted)
    took = time.monotonic() - started
    bot_cpu, test_cpu = cpu_seconds(bot.process.pid) - cpu_before, sum(os.times()[:2]) - own_before
    time.sleep(QUIET)  # anything more would be a duplicate
    sampling.set()
    posts = [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") in wanted]
    by_ts: dict[str, list] = {}
    for post in posts:
        by_ts.setdefault(post.params["thread_ts"], []).append(post)
    counts = [len(by_ts.get(e["ts"], [])) for e in events]
    latencies = [by_ts[e["ts"]][0].at - sent_at[n] for n, e in enumerate(events) if by_ts.get(e["ts"])]
    return {
        "events": EVENTS,
        "deliveries": len(deliveries),
        "retried": RETRIED,
        "throttled_429": len([c for c in slack.calls_to("chat.postMessage", ok=False) if c.status == 429]),
        "answered": sum(1 for c in counts if c),
        "lost": counts.count(0),
        "duplicated": sum(c - 1 for c in counts if c > 1),
        "acks_not_200": sum(1 for a in acks if a.status != 200),
        "slowest_ack_ms": round(max(a.seconds for a in acks) * 1000),
        "seconds": round(took, 1),
        "bot_cpu_s": round(bot_cpu, 1),  # what the bot itself needed; the rest of 2 cores served the test
        "test_cpu_s": round(test_cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "p50_s": round(percentile(latencies, 0.50), 2) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 2) if latencies else None,
        "max_s": round(max(latencies), 2) if latencies else None,
        "memory_before_mb": round(baseline),
        "memory_peak_mb": round(peak[0]),
        "memory_growth_mb": round(peak[0] - baseline),
        "pages_fetched": len([p for p in articles.paths() if p.startswith("/load/")]),
    }
