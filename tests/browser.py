"""Headless Chromium for the browser tests, the screenshot in docs/ and the report benchmark.

Chromium and ChromeDriver come from Debian (``apt-get install chromium chromium-driver``;
``make test`` installs them where it can). Without them the browser tests skip with
a message, unless ``CORROBORATE_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: the flags our closed network needs: no background connections, no sandbox as root
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1800")


def missing() -> str | None:
    """Why a browser cannot be started here, or ``None``."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for name in ("chromium", "chromedriver"):
        if shutil.which(name) is None:
            return f"{name} is not installed (apt-get install -y chromium chromium-driver)"
    return None


@contextmanager
def chromium(width: int = 1280, height: int = 1800) -> Iterator[Any]:
    """A headless Chromium driven by Selenium, logging the console and the network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in FLAGS:
        options.add_argument(flag if not flag.startswith("--window-size") else f"--window-size={width},{height}")
    profile = tempfile.mkdtemp(prefix="corroborate-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "chromedriver"))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def required() -> bool:
    return os.environ.get("CORROBORATE_REQUIRE_BROWSER", "") not in ("", "0")
