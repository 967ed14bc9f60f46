"""The bot's worker processes: links and texts are read there, each with a time limit.

A thread cannot stop a runaway regex or a C call, and one that holds the GIL stops the
bot from acknowledging anything, so the bot reads nothing itself: each job goes to an
idle worker process (forked from :mod:`policytag.bot.zygote`, models already loaded),
and a worker that has not answered within the limit is killed (SIGKILL) and replaced.
The job's reply then says so in one line. A worker that dies on its own (the OOM
killer, a crash in C) is replaced the same way, and so is a zygote that died.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .config import BotSetupError
from .reading import Job, Read

STARTUP = 120.0  # seconds the zygote may take to load plugins and models
log = logging.getLogger(__name__)


@dataclass
class Worker:
    pid: int
    conn: Connection

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()


class Pool:
    """``size`` worker processes reading jobs, each within ``limit`` seconds.

    Creating the pool starts the zygote, which loads the models while the bot connects
    to Slack; :meth:`start` waits for it and forks the workers.
    """

    def __init__(self, size: int, limit: float) -> None:
        self.size, self.limit = size, limit
        self._idle: queue.SimpleQueue[Worker | None] = queue.SimpleQueue()  # None: a worker still to be forked
        self._lock = threading.Lock()  # one fork request at a time on the zygote's socket
        self._zygote: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._spawn_zygote()

    def _spawn_zygote(self) -> None:
        ours, theirs = socket.socketpair()
        self._zygote = subprocess.Popen(
            [sys.executable, "-m", "policytag.bot.zygote", str(theirs.fileno()), str(self.limit)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        theirs.close()
        ours.settimeout(STARTUP)
        self._control, self._ready = ours, False

    def start(self) -> None:
        """Wait for the zygote to load the models, then fork every worker."""
        try:
            with self._lock:
                self._await_ready()
            for _ in range(self.size):
                self._idle.put(self._fork())
        except OSError as exc:  # ConnectionError, a timeout
            raise BotSetupError(f"the worker processes did not start ({exc}): see the log above") from None

    def _await_ready(self) -> None:
        if not self._ready:
            if self._control.recv(1) != b"R":
                raise ConnectionError("the zygote exited while loading the models")
            self._ready = True

    def _fork(self) -> Worker:
        """A new worker from the zygote; a zygote that has died is started again, once."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    self._await_ready()
                    self._control.sendall(b"F")
                    data, fds, _, _ = socket.recv_fds(self._control, 4, 1)
                    if len(data) == 4 and fds:
                        return Worker(struct.unpack("!i", data)[0], Connection(fds[0]))
                except OSError as exc:
                    log.warning("the zygote process did not fork a worker (%s)", exc)
                if attempt == 1:
                    log.warning("starting the zygote process again")
                    self._stop_zygote()
                    self._spawn_zygote()
        raise ConnectionError("no worker process could be started")

    def read(self, job: Job) -> Read:
        """Read a job in an idle worker (waiting for one if all are busy); never raises."""
        for _ in range(self.size + 1):
            worker = self._idle.get()
            try:
                worker = worker or self._fork()
            except ConnectionError as exc:
                self._idle.put(None)
                log.error("%s", exc)
                return Read(error=f"couldn't read that {job.what}: no worker process could be started")
            try:
                if worker.conn.poll(0):  # an idle worker says nothing: this is its end of file
                    raise EOFError
                worker.conn.send(job)
            except (EOFError, OSError):  # it died while idle (the OOM killer?): another one reads the job
                log.warning("worker %d had died while idle", worker.pid)
                self._replace(worker)
                continue
            try:
                if worker.conn.poll(self.limit):
                    done = worker.conn.recv()
                    self._idle.put(worker)
                    return done
                log.warning("worker %d was still reading a %s after %g s: killed", worker.pid, job.what, self.limit)
                done = Read(error=f"that {job.what} took too long to read")
            except (EOFError, OSError) as exc:
                log.warning("worker %d died while reading a %s (%s)", worker.pid, job.what, exc or type(exc).__name__)
                done = Read(error=f"couldn't read that {job.what}: the process reading it died")
            self._replace(worker)
            return done
        return Read(error=f"couldn't read that {job.what}: every worker process died")

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        try:
            self._idle.put(self._fork())
        except ConnectionError as exc:
            log.error("%s", exc)
            self._idle.put(None)  # the next job tries again

    def _stop_zygote(self, wait: float = 0) -> None:
        """Close its socket; it exits once its workers have, or is killed after ``wait`` seconds."""
        self._control.close()
        try:
            self._zygote.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self._zygote.kill()
            self._zygote.wait()

    def close(self) -> None:
        """Kill the idle workers, then let the zygote go (at a stop, once no job is running)."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.kill()
        with self._lock:
            self._stop_zygote(wait=5)
