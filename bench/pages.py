"""Pages as a phone sees them: Lighthouse 12.2.3 (mobile) with Debian's Chromium, signed in by a real session.

Bytes are Lighthouse's transfer sizes (compressed as sent) and requests its network request count. Lighthouse
lives in bench/node_modules (``npm i -E lighthouse@12.2.3``, done here on first use, in the background from the
start of a run); without npm or Chromium the pages are skipped with a note.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.common import BENCH, log

LIGHTHOUSE_VERSION = "12.2.3"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")


_installing: subprocess.Popen | None = None


def install_in_background() -> None:
    """Start installing Lighthouse if it is missing, so a cold run fetches it while populations build."""
    global _installing  # noqa: PLW0603 - one install per run
    if _installing is None and not _binary().exists() and shutil.which("npm") is not None:
        log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into bench/node_modules (in the background)")
        command = ["npm", "i", "-E", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"]
        _installing = subprocess.Popen(command, cwd=BENCH, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lighthouse() -> Path | None:
    install_in_background()
    if _installing is not None:
        try:
            _installing.wait(timeout=300)
        except subprocess.TimeoutExpired:
            _installing.kill()
    return _binary() if _binary().exists() else None


def _binary() -> Path:
    return BENCH / "node_modules" / ".bin" / "lighthouse"


def audit(url: str, cookie: str, scores: bool = True) -> dict:
    """Scores, transfer bytes and request count of one page; {"skipped": why} when it cannot run."""
    binary = lighthouse()
    if binary is None:
        return {"skipped": "npm or lighthouse unavailable"}
    if not os.path.exists(CHROMIUM):
        return {"skipped": "no /usr/bin/chromium"}
    args = [str(binary), url, "--chrome-flags=--headless=new --no-sandbox --disable-gpu", "--form-factor=mobile",
            "--output=json", "--quiet", f"--extra-headers={json.dumps({'Cookie': cookie})}"]
    if not scores:
        args.append("--only-categories=performance")
    for _attempt in range(2):  # "Please run Lighthouse again": its trace of a load now and then misses the start
        done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False,
                              env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode == 0 and done.stdout.strip():
            break
        if "run Lighthouse again" not in done.stderr:
            break
    if done.returncode != 0 or not done.stdout.strip():
        return {"skipped": f"lighthouse failed: {done.stderr.strip()[-300:]}"}
    report = json.loads(done.stdout)
    audits = report["audits"]
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    found = {"bytes": int(audits["total-byte-weight"]["numericValue"]), "requests": len(requests)}
    if scores:
        found.update({name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES})
    return found
