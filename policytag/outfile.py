"""A batch's output file, written so that no run can damage it.

Lines go to ``OUT.partial`` beside ``OUT`` (same folder, so the same file system) and
the partial file is renamed over ``OUT`` only once every line is in: an interrupted,
failed or killed run leaves ``OUT`` as it was. Each line is written whole or, when the
disk fills up, cut back to the last whole line, so the partial file only ever holds
complete lines, which ``--resume`` keeps. The output may not be the input, by any
name (a symlink or a hard link to it included): the rename would replace it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import InputError, PolicytagError

SUFFIX = ".partial"


class OutputError(PolicytagError):
    """The output could not be written (a full disk, a lost mount); the lines written so
    far are kept in the partial file for ``--resume``."""


def is_same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


class Output:
    """``OUT`` written through ``OUT.partial``; see the module's docstring."""

    def __init__(self, path: str, input_path: str) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + SUFFIX)
        if input_path != "-" and (is_same_file(input_path, path) or is_same_file(input_path, self.partial)):
            raise InputError(f"the output {path} is the input file: policytag batch never writes over its input")
        self._file = None
        self.lines = self.size = 0  # complete lines in the partial file, and their bytes
        self.kept: list[dict] = []  # the finished results kept from an interrupted run

    def open(self, *, resume: bool) -> None:
        """Start the partial file, or with ``resume`` keep the complete lines of an
        interrupted run's (an unfinished last line is dropped)."""
        if resume and self.partial.is_file():
            data = self.partial.read_bytes()
            whole = data[:data.rfind(b"\n") + 1]
            try:
                self.kept = [json.loads(line) for line in whole.splitlines()]
            except ValueError:
                raise InputError(f"{self.partial} is not a batch's output; delete it to start over") from None
            self.lines, self.size = len(self.kept), len(whole)
        try:
            self._file = open(self.partial, "r+b" if self.kept else "wb", buffering=0)
            self._file.truncate(self.size)
            self._file.seek(self.size)
        except OSError as exc:
            raise OutputError(f"cannot write {self.partial}: {exc.strerror or exc}") from None

    def write(self, line: str) -> None:
        """Append one line, whole: a failed write is cut back to the previous line."""
        data = (line + "\n").encode("utf-8")
        try:
            view = memoryview(data)
            while view:
                view = view[self._file.write(view):]
        except OSError as exc:
            self._file.truncate(self.size)  # shrinking a file needs no space
            raise OutputError(
                f"writing {self.partial} failed ({exc.strerror or exc}); its {self.lines:,} complete lines are kept: "
                f"run again with --resume to finish") from None
        self.lines += 1
        self.size += len(data)

    def commit(self) -> None:
        """Make the partial file ``OUT``: flushed to disk, then renamed over it in one step."""
        try:
            os.fsync(self._file.fileno())
            self._file.close()
            mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o666 & ~_umask()
            os.chmod(self.partial, mode)
            os.replace(self.partial, self.path)
        except OSError as exc:
            raise OutputError(f"could not put {self.path} in place ({exc.strerror or exc}); "
                              f"the results are in {self.partial}") from None

    def close(self) -> None:
        self._file.close()

    def abandon(self) -> str | None:
        """Close after a failed or interrupted run: an empty partial file is removed; one
        with lines is kept, and the returned note says how to finish it."""
        self.close()
        if self.lines == 0:
            self.partial.unlink(missing_ok=True)
            return None
        return f"{self.lines:,} finished lines are in {self.partial}: run the same command with --resume to tag the rest"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
