"""Helpers for the browser tests: a ``streamlit run`` server on 127.0.0.1 and Debian's Chromium.

Used by ``tests/test_browser*.py``; not a test module itself. Nothing here downloads anything:
the browser is Debian's ``/usr/bin/chromium`` (``apt-get install chromium fonts-noto-cjk``), never
a Playwright-managed one (do not run ``playwright install``).

- :func:`skip_reason` says why browser tests cannot run here (no Chromium, no ``playwright``
  package, no vendored map scripts), or ``None``;
- :func:`streamlit_server` starts the app on a free port with ``ATLAS_LAYERS`` set, waits for
  ``/_stcore/health`` and stops the server at the end (its output goes to a log file);
- :func:`launch_chromium` launches the browser with flags that keep it off the network;
- :func:`is_local_url` tells requests to this machine from requests to anywhere else.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from atlas import assets, settings

#: Debian's Chromium (package ``chromium``).
CHROMIUM = Path(os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium"))

#: Flags: no sandbox (containers), no GPU, and no background calls home from the browser itself.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

#: Screenshots and server logs (git-ignored).
ARTIFACTS: Path = settings.PROJECT_ROOT / "test-artifacts"

#: Hosts the page may talk to.
LOCAL_HOSTS = frozenset({"127.0.0.1"})


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python package playwright not installed (pip install playwright; no `playwright install`)"
    missing = assets.missing_assets()
    if missing:
        return f"vendored map scripts missing ({', '.join(map(str, missing[:2]))}); run `make assets`"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_local_url(url: str) -> bool:
    """Whether ``url`` stays on this machine (``data:``/``blob:``/``about:`` URLs never leave it)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname in LOCAL_HOSTS


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def streamlit_server(
    layers_dir: str | Path,
    *,
    name: str = "app",
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run ``streamlit run streamlit_app.py`` on 127.0.0.1 and yield its base URL.

    Parameters
    ----------
    layers_dir
        The atlas the app shows (``ATLAS_LAYERS``).
    name
        Names the log file, ``test-artifacts/streamlit-<name>.log``.
    env
        Extra environment variables for the server (e.g. ``ATLAS_SOURCES``).
    timeout
        Seconds to wait for ``/_stcore/health``.

    Raises
    ------
    RuntimeError
        The server exited or did not answer in time (the message names its log file).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{name}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    full_env = {**os.environ, "ATLAS_LAYERS": str(layers_dir), **(env or {})}
    full_env.pop("TIANDITU_KEY", None)  # the basemap list must not depend on the tester's keys
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            command, cwd=settings.PROJECT_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if proc.poll() is not None:
                    msg = f"streamlit exited with code {proc.returncode} before serving {url}; see {log_path}"
                    raise RuntimeError(msg)
                if time.monotonic() > deadline:
                    msg = f"streamlit did not answer on {url}/_stcore/health within {timeout:.0f} s; see {log_path}"
                    raise RuntimeError(msg)
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def launch_chromium(playwright: Any, **options: Any) -> Any:
    """Launch Debian's Chromium headless through a ``sync_playwright()`` handle."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True, **options
    )


_REPRESENTED = """([theme]) => {
  // features a theme's layer stands for: drawn features, county counts, hatched statements
  const doc = document;
  let n = doc.querySelectorAll(`.atlas-feature.atlas-theme-${theme}`).length;
  doc.querySelectorAll(`.leaflet-marker-pane .atlas-aggregate.atlas-theme-${theme} .atlas-shape`).forEach(e => { n += +e.dataset.count; });
  doc.querySelectorAll(`.atlas-statement.atlas-theme-${theme}`).forEach(e => {
    const m = /atlas-n-(\\d+)/.exec(e.getAttribute("class")); n += m ? +m[1] : 0;
  });
  return n;
}"""


def represented(frame: Any, theme: str) -> int:
    """How many features the drawn map of ``theme`` stands for (see :data:`_REPRESENTED`)."""
    return int(frame.locator("body").evaluate(f"() => ({_REPRESENTED})(['{theme}'])"))
