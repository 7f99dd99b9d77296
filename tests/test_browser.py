"""report.html as a person sees it: headless Chromium opens the example corpus's report
(real model) and a corpus of hostile text, and we look at what it shows and runs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from html import escape as html_escape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corroborate import Config, Corroborator, write_outputs
from corroborate.report.sheets import event_sheets

from . import browser
from .conftest import EXAMPLE

pytestmark = pytest.mark.model

WHY = browser.missing()
if WHY is not None:
    if browser.required():
        raise RuntimeError(f"browser tests are required here (CORROBORATE_REQUIRE_BROWSER=1) but {WHY}")
    pytest.skip(f"browser tests skipped: {WHY}", allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with browser.chromium() as d:
        yield d


@pytest.fixture(scope="module")
def example(real_embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("example-report")
    config = Config.default().replace(cache_dir=str(tmp_path_factory.mktemp("cache")))
    report = Corroborator(embedder=real_embedder, config=config).fit(EXAMPLE).report()
    write_outputs(report, out)
    return report, out / "report.html"


def _open(driver: Any, path: Path) -> None:
    driver.get_log("browser")
    driver.get_log("performance")                 # forget what earlier pages logged
    driver.get(path.resolve().as_uri())


def _requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _visible(driver: Any, css: str) -> list[Any]:
    # by the filters' classes: sheets off screen are not laid out (content-visibility), so
    # Selenium's is_displayed cannot tell
    return driver.execute_script("return Array.from(document.querySelectorAll(arguments[0]))"
                                 ".filter(e => !e.closest('.hidden'))", css)


def _settle() -> None:
    time.sleep(0.4)                               # the search box waits 120 ms after typing


def test_page_loads_offline_with_no_console_error(driver: Any, example: tuple[Any, Path]) -> None:
    _, html = example
    _open(driver, html)
    assert driver.execute_script("return document.readyState") == "complete"
    problems = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    page = html.resolve().as_uri()
    assert [u for u in _requests(driver) if u != page and not u.startswith("data:")] == []


def test_event_sheets_and_cards_are_in_order(driver: Any, example: tuple[Any, Path]) -> None:
    report, html = example
    _open(driver, html)
    sheets = [e.get_attribute("data-event") for e in driver.find_elements(By.CSS_SELECTOR, "section.sheet")]
    assert sheets == [str(s.event_id) for s in event_sheets(report)]
    first = driver.find_element(By.CSS_SELECTOR, "section.sheet")
    assert "North Korean" in first.find_element(By.TAG_NAME, "h2").text
    ranks = [int(e.text.lstrip("#")) for e in first.find_elements(By.CSS_SELECTOR, "article.card .rank")]
    assert ranks == sorted(ranks) and ranks[0] == 1
    top = first.find_element(By.CSS_SELECTOR, "article.card")
    assert "10,000" in top.find_element(By.CSS_SELECTOR, ".claim").text
    assert "independent" in top.text and "bulletin24.example" in top.text       # the dissent is named
    assert top.find_elements(By.CSS_SELECTOR, "svg.strip circle.dot.dissent")
    figures = first.find_element(By.CSS_SELECTOR, "table.figures").text
    assert "troops" in figures and "10,000" in figures
    # the claims open in context, each with its link
    top.find_element(By.CSS_SELECTOR, "details.all-claims summary").click()
    # the list is built by the page's script on the toggle event, which may land after the click returns
    marks = WebDriverWait(driver, 5).until(lambda _: top.find_elements(By.CSS_SELECTOR, "ol.claims mark"))
    assert len(marks) == report.clusters[0].n_claims and all(m.is_displayed() for m in marks)


def test_search_and_filters_narrow_the_cards(driver: Any, example: tuple[Any, Path]) -> None:
    report, html = example
    _open(driver, html)
    cards = driver.find_elements(By.CSS_SELECTOR, "article.card")
    total = len(cards)
    assert total == sum(1 for c in report.clusters if c.n_sources >= 2 and not c.generic) >= 3
    assert driver.find_element(By.ID, "shown").text.startswith(f"Showing {total} of {total} cards")

    box = driver.find_element(By.ID, "q")
    box.send_keys("Sabrina")
    _settle()
    shown = _visible(driver, "article.card")
    assert 1 <= len(shown) < total
    assert all("sabrina" in e.get_attribute("textContent").lower() for e in shown)
    hidden = [e for e in cards if e not in shown]
    assert all("sabrina" not in e.get_attribute("textContent").lower() for e in hidden)
    assert driver.find_element(By.ID, "shown").text.startswith(f"Showing {len(shown)} of {total} cards")

    driver.find_element(By.ID, "reset").click()
    lowest = driver.find_element(By.ID, "cmin")
    lowest.clear()
    lowest.send_keys("0.7")
    driver.execute_script("document.getElementById('cmin').dispatchEvent(new Event('change'))")
    confident = [float(e.get_attribute("data-conf")) for e in _visible(driver, "article.card")]
    assert len(confident) == sum(1 for c in report.clusters
                                 if c.n_sources >= 2 and not c.generic and c.confidence >= 0.7)
    assert all(p >= 0.7 for p in confident)

    driver.find_element(By.ID, "reset").click()
    Select(driver.find_element(By.ID, "outlet")).select_by_value("rossiya-vestnik.example")
    mine = _visible(driver, "article.card")
    assert all("rossiya-vestnik.example" in e.get_attribute("data-outlets").split("|") for e in mine)
    assert len(mine) < total

    driver.find_element(By.ID, "reset").click()
    assert len(_visible(driver, "article.card")) == total


def test_sources_table_sorts_by_a_click(driver: Any, example: tuple[Any, Path]) -> None:
    _, html = example
    _open(driver, html)
    table = driver.find_element(By.CSS_SELECTOR, "#sources table")
    driver.execute_script("arguments[0].scrollIntoView()", table)
    table.find_elements(By.CSS_SELECTOR, "th button")[1].click()        # articles, most first
    values = [int(r.find_elements(By.TAG_NAME, "td")[1].text) for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def test_screenshot(driver: Any, example: tuple[Any, Path], tmp_path: Path) -> None:
    _, html = example
    _open(driver, html)
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000           # a page, not a blank


# ------------------------------------------------------------------ hostile input

PAYLOADS = [
    "<script>window.__owned = 'script'</script>",
    "<img src=x onerror=\"window.__owned = 'onerror'\">",
    "</textarea><svg onload=\"window.__owned = 'svg'\"></svg>",
    "</script><script>window.__owned = 'break'</script>",
    "\"><b onmouseover=\"window.__owned = 'attr'\">bold</b>",
]


def _hostile_corpus() -> pd.DataFrame:
    rows = []
    for i, source in enumerate(["a.example", "b<script>window.__owned='source'</script>.example",
                                "c\" onmouseover=\"window.__owned='outlet'"]):
        # escaped as a scraped page holds them: the reader strips real tags and decodes
        # entities, so these reach the report as literal markup text
        body = " ".join(f"Police said twelve people were hurt in the warehouse fire "
                        f"{html_escape(p, quote=False)} on Main Street." for p in PAYLOADS)
        rows.append({
            "article_id": f"hostile-{i}", "source": source,
            "title": "Fire {{ 7*7 }} &lt;script&gt;window.__owned='title'&lt;/script&gt;",
            "url": ["javascript:window.__owned='url'", " JaVaScRiPt:alert(1)", "https://ok.example/fire"][i],
            "published_at": f"2024-05-0{i + 1}T10:00:00Z",
            "text": "Twelve people were hurt in a warehouse fire on Main Street, police said. " + body,
        })
    return pd.DataFrame(rows)


def test_hostile_text_is_shown_as_text_and_never_runs(driver: Any, real_embedder,  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
    config = Config.default().replace(cache_dir=str(tmp_path / "cache"))
    report = Corroborator(embedder=real_embedder, config=config).fit(_hostile_corpus()).report()
    assert any(c.n_sources >= 2 for c in report.clusters)
    html = write_outputs(report, tmp_path / "out")["report.html"]
    _open(driver, html)
    for details in driver.find_elements(By.CSS_SELECTOR, "details"):
        driver.execute_script("arguments[0].open = true", details)
    for e in driver.find_elements(By.CSS_SELECTOR, "b, mark, h3, li"):
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", e)
    assert driver.execute_script("return window.__owned === undefined")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text                                          # noqa: B018
    text = driver.execute_script("return document.body.textContent")
    assert "<script>window.__owned = 'script'</script>" in text
    assert "onerror=\"window.__owned = 'onerror'\"" in text and "</textarea>" in text
    assert "Fire {{ 7*7 }}" in text                                          # no template ran on it
    assert "b<script>window.__owned='source'</script>.example" in text
    hrefs = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
    assert not [h for h in hrefs if not h.startswith(("https:", "http:", "file:"))]
    assert "https://ok.example/fire" in hrefs
    scripts = driver.execute_script("return Array.from(document.scripts).map(s => [s.id, s.type])")
    assert scripts == [["claims-data", "application/json"], ["", ""]]          # ours, and only ours
    assert not driver.find_elements(By.CSS_SELECTOR, "img:not([src^='data:']), iframe, object, embed")
    assert [u for u in _requests(driver) if u != html.resolve().as_uri() and not u.startswith("data:")] == []
