"""Progress of a long command on stderr: a bar on a terminal, a few quiet lines in a log.

:class:`ProgressLine` is a ``progress(stage, done, total, label)`` callback (see
:data:`atlas.build.Progress`). On a terminal it redraws one line — done / total, rate, time
left — at most ten times a second; elsewhere (CI logs, files) it writes a plain line at every
tenth of the work or every 30 seconds, and one when a stage ends.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressLine:
    """Progress callback writing to ``stream`` (default: stderr)."""

    BAR = 24
    min_interval = 0.1

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None, unit: str = "files") -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(self.stream.isatty()) if tty is None else tty
        self.unit = unit
        self._stage = ""
        self._start = 0.0
        self._first_done = 0
        self._last_draw = 0.0
        self._last_step = -1

    def _reset(self, stage: str, done: int) -> None:
        self._stage, self._start, self._first_done = stage, time.monotonic(), done
        self._last_draw, self._last_step = 0.0, -1

    def line(self, stage: str, done: int, total: int) -> str:
        """The text shown for this state (rate and time left from what was done in this run)."""
        elapsed = max(time.monotonic() - self._start, 1e-9)
        ran = done - self._first_done
        rate = ran / elapsed
        parts = [f"{stage:<8} {done:>{len(str(total))}}/{total} {self.unit}"]
        if total:
            parts.append(f"{100 * done / total:5.1f}%")
        if ran > 0:
            left = (total - done) / rate if rate > 0 else 0.0
            parts.append(f"{rate:.1f}/s")
            parts.append(f"elapsed {_clock(elapsed)}")
            if done < total:
                parts.append(f"left ~{_clock(left)}")
        if self._first_done:
            parts.append(f"({self._first_done} cached)")
        return " · ".join(parts)

    def __call__(self, stage: str, done: int, total: int, label: str) -> None:
        if stage != self._stage:
            self._reset(stage, done)
        now = time.monotonic()
        finished = done >= total
        if self.tty:
            if not finished and now - self._last_draw < self.min_interval:
                return
            self._last_draw = now
            filled = int(self.BAR * done / total) if total else self.BAR
            bar = "█" * filled + "·" * (self.BAR - filled)
            text = f"\r{bar} {self.line(stage, done, total)}  {label[:30]:<30}"
            self.stream.write(text + ("\n" if finished else ""))
        else:
            step = int(10 * done / total) if total else 10
            if not finished and step == self._last_step and now - self._last_draw < 30:
                return
            self._last_step, self._last_draw = step, now
            self.stream.write(self.line(stage, done, total) + "\n")
        self.stream.flush()
