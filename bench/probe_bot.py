"""Probe the HTTP-mode bot as an attacker would, for about a minute, while Slack's normal traffic flows.

    .venv/bin/python bench/probe_bot.py [--seconds 60] [--job-timeout 10]

``policytag bot --http`` runs as a user starts it, against the tests' fake Slack Web
API and a hostile article server, everything on 127.0.0.1 (``tests/fake_slack.py``,
``tests/servers.py``); the bot may fetch from 127.0.0.1 only. Three senders run at once:

- normal traffic: a signed ``message`` event with a new article link every 0.5 s;
- hostile messages, every 2 s in turn: a paste opening with ``<!channel>``, a page and a
  paste that send the recommendation regex into catastrophic backtracking, a page that
  trickles forever, one that never answers, an 8 MB page, a gzip bomb, a redirect loop,
  a private address, 50 links in one message, text typed as Slack markup;
- hostile bodies, every second in turn: a 150 MB body, a 2 MB chunked one, malformed,
  unsigned, forged, stale and non-UTF-8 bodies, signed ones of the wrong shape, a signed
  slash command replayed three times, headers trickled a byte at a time.

It reports whether every normal event was acknowledged within Slack's 3 s, how many
posts (normal and hostile: each deserves exactly one reply) got none or more than one,
whether any reply could mention anyone, how many jobs were killed at their limit, and
the bot's peak memory: its processes' summed RSS (which counts the models shared by
the workers once per process) and PSS (which shares them out). Exit status 1 if an ack
was late, a reply lost or duplicated, or a mention leaked.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import hmac
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the fakes live with the tests

from tests.articles import PARAGRAPHS, PASTED_TEXT, article_html  # noqa: E402
from tests.fake_slack import FakeSlack, Sender  # noqa: E402
from tests.servers import RecordingServer, Response, redirect  # noqa: E402

SECRET = "probe-signing-secret"
CHANNEL, REPLAY_CHANNEL = "C0PROBE", "C0REPLAY"
ACK_BOUND = 3.0  # Slack's: an event not acknowledged within 3 s is retried
MARKUP = re.compile(r"<[!@#]")
BOMB_TEXT = "The ministers met in Brussels. " + "-".join(["A"] * 200) + " x must act now to stop this."
STOP = threading.Event()  # set at the end: held routes let go


def trickle_forever(request):
    def body():
        yield b"<html><head><title>Slow</title></head><body><p>"
        while not STOP.wait(0.5):
            yield b"word "
    return Response(body=body())


def never_answers(request):
    STOP.wait(300)
    return Response(body=b"too late")


def routes() -> dict:
    gzip_bomb = gzip.compress(b"<p>" + b"A" * (200 * 1024 * 1024), compresslevel=9)
    found = {f"/article/{n}": Response(body=article_html(f"Coast guards, dispatch {n}").encode()) for n in range(400)}
    found.update({
        "/regex.html": Response(body=article_html("Brussels meets", [BOMB_TEXT, *PARAGRAPHS]).encode()),
        "/slow.html": trickle_forever,
        "/never.html": never_answers,
        "/huge.html": Response(body=b"<html><body>" + b"<p>" + b"word " * (8 * 1024 * 1024 // 5) + b"</p></body></html>"),
        "/bomb.html": Response(body=gzip_bomb, headers={"Content-Encoding": "gzip"}),
        "/loop-a": redirect("/loop-b"), "/loop-b": redirect("/loop-a"),
        "/shouting.html": Response(body=article_html("<!channel> Read this now <@U0ADMIN>").encode()),
    })
    found.update({f"/many/{n}": Response(body=article_html(f"One of fifty, {n}").encode()) for n in range(50)})
    return found


class Probe:
    def __init__(self, bot_url: str, slack: FakeSlack, articles: RecordingServer) -> None:
        self.sender = Sender(bot_url, SECRET)
        self.slack, self.articles = slack, articles
        self.ts = itertools.count(1)
        self.lock = threading.Lock()
        self.normal_acks: list[tuple[float, int]] = []  # (seconds, status)
        self.normal_sent: dict[str, float] = {}  # ts -> when sent
        self.hostile_posts: list[str] = []  # ts of hostile messages, each deserving one reply
        self.bodies: dict[str, int] = {}  # what was sent -> how often
        self.statuses: dict[int, int] = {}
        self.replays = 0

    def message(self, text: str) -> dict:
        ts = f"1700000000.{next(self.ts):06d}"
        return {"type": "message", "channel": CHANNEL, "user": "U0PERSON", "text": text, "ts": ts, "event_ts": ts,
                "channel_type": "channel"}

    def normal(self, n: int) -> None:
        event = self.message(f"worth a read <{self.articles.url(f'/article/{n}')}>")
        sent = time.monotonic()
        answer = self.sender.event(event, event_id=f"Ev-normal-{n}")
        with self.lock:
            self.normal_sent[event["ts"]] = sent
            self.normal_acks.append((answer.seconds, answer.status))

    def hostile_message(self, n: int) -> None:
        url = self.articles.url
        kinds = [
            "&lt;!channel&gt; Read this now\n\n" + PASTED_TEXT.replace("&", "&amp;"),
            f"<{url('/regex.html')}>",
            BOMB_TEXT + " " + " ".join(PARAGRAPHS[:1]),
            f"<{url('/slow.html')}>",
            f"<{url('/never.html')}>",
            f"<{url('/huge.html')}>",
            f"<{url('/bomb.html')}>",
            f"<{url('/loop-a')}>",
            f"<http://127.0.0.2:{self.articles.port}/article/1>",
            " ".join(f"<{url(f'/many/{k}')}|link {k}>" for k in range(50)),
            f"<{url('/shouting.html')}> &lt;@U0ADMIN&gt; &lt;#C0SECRET&gt;",
        ]
        event = self.message(kinds[n % len(kinds)])
        self.sender.event(event, event_id=f"Ev-hostile-{n}")
        with self.lock:
            self.hostile_posts.append(event["ts"])

    def hostile_body(self, n: int) -> None:
        kinds = [self.huge_body, self.chunked_body, self.malformed, self.unsigned, self.forged, self.stale,
                 self.not_utf8, self.wrong_shape, self.replayed_command, self.slow_headers, self.garbage]
        kind = kinds[n % len(kinds)]
        status = kind()
        with self.lock:
            self.bodies[kind.__name__] = self.bodies.get(kind.__name__, 0) + 1
            self.statuses[status] = self.statuses.get(status, 0) + 1

    # --- hostile bodies: each returns the status the bot answered (0: none) ---------------

    def raw(self, head: bytes, chunks, pause: float = 0.0) -> int:
        parts = urlsplit(self.sender.url)
        answer = b""
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
                sock.sendall(head)
                for chunk in chunks:
                    sock.settimeout(0.001 if not pause else pause)
                    try:
                        answer += sock.recv(4096)
                        if answer:
                            break
                    except (TimeoutError, BlockingIOError):
                        pass
                    sock.settimeout(10)
                    sock.sendall(chunk)
                sock.settimeout(10)
                while b"\r\n" not in answer:
                    data = sock.recv(4096)
                    if not data:
                        break
                    answer += data
        except OSError:
            pass
        match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        return int(match.group(1)) if match else 0

    def huge_body(self) -> int:
        head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {150 * 1024 * 1024}\r\n\r\n"
        return self.raw(head.encode(), [b" " * 1024 * 1024] * 10)

    def chunked_body(self) -> int:
        head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        chunk = b" " * (256 * 1024)
        return self.raw(head, [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 8 + [b"0\r\n\r\n"])

    def slow_headers(self) -> int:
        head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        return self.raw(head, [b"X-Slow: 1\r\n"] * 10 + [b"Content-Length: 2\r\n\r\n{}"], pause=0.3)

    def malformed(self) -> int:
        return self.sender.post(b'{"type": "event_callback", "event": ', "application/json").status

    def unsigned(self) -> int:
        return self.sender.post(b'{"type": "event_callback"}', "application/json", signature="v0=").status

    def forged(self) -> int:
        return self.sender.post(b'{"type": "event_callback"}', "application/json", signature="v0=" + "f" * 64).status

    def stale(self) -> int:
        return self.sender.post(b'{"type": "event_callback"}', "application/json", timestamp=int(time.time()) - 3600).status

    def not_utf8(self) -> int:
        body, at = b'{"type": "\xff\xfe"}', str(int(time.time()))
        signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{at}:".encode() + body, hashlib.sha256).hexdigest()
        return self.sender.post(body, "application/json", timestamp=int(at), signature=signature).status

    def wrong_shape(self) -> int:
        body = json.dumps({"type": "event_callback", "event_id": "Ev-shape", "event": {"type": "message", "text": 5}})
        return self.sender.post(body.encode(), "application/json").status

    def garbage(self) -> int:
        return self.sender.post(os.urandom(2048), "application/octet-stream", signature="v0=" + "0" * 64).status

    def replayed_command(self) -> int:
        body = urlencode({"team_id": "T0TESTTEAM", "channel_id": REPLAY_CHANNEL, "user_id": "U0PERSON",
                          "command": "/policytag", "text": self.articles.url(f"/article/{300 + self.replays}"),
                          "response_url": "", "trigger_id": f"replay-{self.replays}"}).encode()
        self.replays += 1
        at = int(time.time())
        return [self.sender.post(body, "application/x-www-form-urlencoded", timestamp=at).status for _ in range(3)][0]


def rss_and_pss(pids: list[int]) -> tuple[float, float]:
    rss = pss = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            pass
    return rss, pss


def process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            pass
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sorted(tree)


def every(seconds: float, action, until: float) -> threading.Thread:
    def loop() -> None:
        for n in itertools.count():
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            try:
                action(n)
            except Exception as exc:  # a probe must not stop at the first refusal it provokes
                print(f"{getattr(action, '__name__', 'action')} {n}: {type(exc).__name__}: {exc}", file=sys.stderr)
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))

    thread = threading.Thread(target=loop)
    thread.start()
    return thread


def probe(seconds: float, job_timeout: float) -> dict:
    with RecordingServer(routes()) as articles, FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
        env.update({"SLACK_BOT_TOKEN": "xoxb-probe", "SLACK_SIGNING_SECRET": SECRET, "POLICYTAG_SLACK_API_URL": slack.api_url,
                    "POLICYTAG_ALLOW_HOSTS": "127.0.0.1", "POLICYTAG_DB": str(Path(tmp) / "bot.sqlite3"),
                    "POLICYTAG_JOB_TIMEOUT": str(job_timeout)})
        logs = Path(tmp) / "bot.log"
        with open(logs, "w") as stderr:
            bot = subprocess.Popen([sys.executable, "-m", "policytag.cli", "bot", "--http", "--port", "0"],
                                   env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True)
        line = bot.stdout.readline()
        if "listening on" not in line:
            bot.kill()
            raise SystemExit(f"the bot did not start: {line!r}\n{logs.read_text()[-3000:]}")
        run = Probe(line.split("listening on ", 1)[1].strip(), slack, articles)
        peak = {"rss": 0.0, "pss": 0.0, "parent": 0.0}
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.2):
                rss, pss = rss_and_pss(process_tree(bot.pid))
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                peak["parent"] = max(peak["parent"], rss_and_pss([bot.pid])[0])

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        until = started + seconds
        senders = [every(0.5, run.normal, until), every(2.0, run.hostile_message, until), every(1.0, run.hostile_body, until)]
        for sender in senders:
            sender.join()
        sent_for = time.monotonic() - started
        wanted = set(run.normal_sent) | set(run.hostile_posts)
        deadline = time.monotonic() + job_timeout * 3 + 30  # the last hostile jobs run into their limit
        slack.wait_for("chat.postMessage", len(wanted), timeout=max(0.0, deadline - time.monotonic()),
                       where=lambda c: c.params.get("thread_ts") in wanted)
        time.sleep(1.0)  # anything more would be a duplicate
        sampling.set()
        sampler.join()
        posts = slack.calls_to("chat.postMessage")
        per_post = {ts: [p for p in posts if p.params.get("thread_ts") == ts] for ts in wanted}
        replayed = [p for p in posts if p.params.get("channel") == REPLAY_CHANNEL]
        latencies = sorted(per_post[ts][0].at - sent for ts, sent in run.normal_sent.items() if per_post[ts])
        STOP.set()  # the held pages let go, so the bot's last jobs end
        bot.terminate()
        bot.wait(timeout=60)
        bot.stdout.close()
        log = logs.read_text()
        acks = [seconds for seconds, status in run.normal_acks if status == 200]
        return {
            "seconds sending": round(sent_for),
            "normal events": len(run.normal_acks),
            "normal events acknowledged within 3 s": f"{sum(1 for s in acks if s < ACK_BOUND)} of {len(run.normal_acks)}",
            "slowest normal ack (ms)": round(max(acks, default=0) * 1000),
            "normal replies p50 / p95 / max (s)": " / ".join(f"{latencies[min(len(latencies) - 1, int(q * len(latencies)))]:.2f}"
                                                          for q in (0.5, 0.95, 1.0)) if latencies else "none",
            "hostile messages": len(run.hostile_posts),
            "hostile bodies": sum(run.bodies.values()),
            "statuses for hostile bodies": dict(sorted(run.statuses.items())),
            "replies lost": sum(1 for ts in wanted if not per_post[ts]),
            "replies duplicated": sum(len(p) - 1 for p in per_post.values() if len(p) > 1),
            "replayed commands posted": f"{len(replayed)} for {run.replays} commands sent 3 times each",
            "replies that could mention someone": sum(1 for p in posts if MARKUP.search(
                p.params.get("text", "") + json.dumps(p.params.get("blocks", [])))),
            "jobs killed at their limit": log.count(" s: killed"),
            "refusals logged": log.count("refused a request"),
            "tracebacks in the log": log.count("Traceback"),
            "peak memory, bot's processes (RSS / PSS MB)": f"{peak['rss']:.0f} / {peak['pss']:.0f}",
            "peak memory, the bot process alone (RSS MB)": round(peak["parent"]),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long to send (default 60)")
    parser.add_argument("--job-timeout", type=float, default=10, help="POLICYTAG_JOB_TIMEOUT for the bot (default 10)")
    args = parser.parse_args()
    print(f"probing policytag bot --http for {args.seconds:.0f} s, POLICYTAG_JOB_TIMEOUT={args.job_timeout:g}, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    figures = probe(args.seconds, args.job_timeout)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}")
    ok = (figures["normal events acknowledged within 3 s"] == f"{figures['normal events']} of {figures['normal events']}"
          and figures["replies lost"] == 0 and figures["replies duplicated"] == 0
          and figures["replies that could mention someone"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
