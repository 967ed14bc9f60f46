"""The zygote: a process that loads the tagger once, then forks the bot's worker processes.

:class:`~policytag.bot.workers.Pool` starts it as ``python -m policytag.bot.zygote FD
LIMIT``, FD being its end of a socket pair. It loads plugins and models, warms the page
extractor, freezes the heap and says ``R`` (ready); from then on it only forks: for
each ``F`` it reads it forks a worker and sends the bot the worker's pid and socket
(SCM_RIGHTS). So every worker starts with the models in memory (shared copy-on-write,
nothing to load) and is forked from a process with a single thread, never from the
bot, whose other threads may hold a lock at the moment of a fork.

A worker reads jobs from its socket and sends back what it read until the bot closes
the socket. It arms ``alarm()`` for each job, so a worker whose bot is gone still dies
at its limit. The zygote and its workers ignore Ctrl-C (it reaches the whole process
group; the bot decides) and exit when the bot's end of their socket closes, the zygote
only once its workers have.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import signal
import socket
import struct
import sys
import threading
from multiprocessing.connection import Connection

from policytag.tagger import Tagger

from .reading import read, warm_up
from .run import configure_logging

GRACE = 5  # seconds past a job's limit before the worker's own alarm ends it (the bot kills it first)
log = logging.getLogger("policytag.bot.worker")


def serve(conn: Connection, tagger: Tagger, limit: float) -> None:
    """A worker's life: take a job, arm the alarm, read it, send back what was read."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the kernel ends the process, whatever holds the GIL
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the bot closed the socket, or is gone
        signal.alarm(math.ceil(limit) + GRACE)
        done = read(tagger, job)
        signal.alarm(0)
        try:
            conn.send(done)
        except OSError:
            return


def fork_worker(control: socket.socket, tagger: Tagger, limit: float) -> None:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            control.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a plugin's subprocess must be waitable
            serve(Connection(theirs.detach()), tagger, limit)
        except BaseException:
            log.exception("worker %d failed", os.getpid())
            code = 1
        finally:
            os._exit(code)  # nothing inherited is cleaned up twice
    theirs.close()
    socket.send_fds(control, [struct.pack("!i", pid)], [ours.fileno()])
    ours.close()


def main(argv: list[str]) -> None:
    control, limit = socket.socket(fileno=int(argv[0])), float(argv[1])
    configure_logging(quiet=False)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    tagger = Tagger()
    warm_up(tagger)
    for thread in threading.enumerate():  # the warm-up's classifier threads: fork copies only the caller
        if thread is not threading.main_thread():
            thread.join(timeout=5)
    gc.freeze()  # the loaded models stay out of every collection, so their pages stay shared
    try:
        control.sendall(b"R")
        while control.recv(1) == b"F":
            fork_worker(control, tagger, limit)
    except OSError:
        pass  # the bot is gone
    try:  # outlive the workers, so none is left for an init that may not reap it
        while True:
            os.waitpid(-1, 0)  # with SIGCHLD ignored: returns, then fails, once every worker has ended
    except ChildProcessError:
        pass
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
