"""The studio in real headless Chromium (Debian's chromium + chromium-driver, driven by
selenium): upload the demo post, ask for a short episode (a minute), follow its build to the verdict, play the episode,
click a number and see the player seek to it, meet the invented-number guard, edit a
point, rebuild, read the new verdict, publish the feed. Real piper and real Whisper.

Screenshots of each screen go to $STUDIO_SHOTS (default: the test's tmp folder); the
README's are made with STUDIO_SHOTS=docs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from .studio_server import running

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "episodes" / "demo.md"
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
BUILD_SECONDS = 600          # a cold short demo build is 12-30 s on two shared cores; a loaded CI is slower

selenium = pytest.importorskip("selenium")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                 reason="chromium and chromium-driver are not installed")]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")      # selenium never looks for a driver online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
                "--window-size=1440,1000", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout: float, what: str):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition, message=what)


def shot(driver, shots: Path, name: str) -> Path:
    shots.mkdir(parents=True, exist_ok=True)
    path = shots / f"studio-{name}.png"
    driver.save_screenshot(str(path))
    return path


def texts(driver, css: str) -> str:
    """The text of every element matching `css`, read at once (the page redraws a running
    build's card at each event, so elements found earlier go stale)."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent).join(' ')", css)


def current_time(driver) -> float:
    return float(driver.execute_script("return document.getElementById('player').currentTime"))


def test_make_hear_check_fix_publish(browser, tmp_path, isolated_cache):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots = Path(os.environ.get("STUDIO_SHOTS") or tmp_path / "shots")
    episodes = tmp_path / "episodes"
    post = tmp_path / "upload" / "demo.md"
    post.parent.mkdir()
    shutil.copy(DEMO, post)
    with running(episodes) as (base, app):
        d = browser
        d.get(base + "/#/make")
        # Make: upload the demo post, offline voice, start the build
        wait_for(d, lambda d: d.find_elements(By.ID, "file-input"), 20, "the make screen")
        d.find_element(By.ID, "file-input").send_keys(str(post))
        assert "demo.md" in d.find_element(By.ID, "chosen").text
        Select(d.find_element(By.ID, "tts-select")).select_by_value("piper")
        Select(d.find_element(By.ID, "lang-select")).select_by_value("en")
        Select(d.find_element(By.ID, "length-select")).select_by_value("short")   # a minute: 15 numbers
        d.find_element(By.ID, "build-btn").click()
        wait_for(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".job"), 20, "the build's card")
        # the card is drawn again at each event: found by its id each time
        job_id = d.execute_script("return document.querySelector('.job').id")

        def job_state(d):
            return d.execute_script("const j = document.getElementById(arguments[0]);"
                                    "return j ? j.dataset.state : null", job_id)
        # live progress: a stage line with its bar while the build runs
        wait_for(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".job .stage .bar"), 120, "a stage in progress")
        labels = texts(d, ".job .stage .label")
        assert "[" in labels and "/6]" in labels, labels
        try:        # the screenshot once a segment is done, when one is before long
            wait_for(d, lambda d: d.execute_script(
                "return [...document.querySelectorAll('.job .stage .bar > i')].some(i => parseFloat(i.style.width) > 0)"),
                90, "a segment done")
        except TimeoutException:
            pass
        shot(d, shots, "make")
        # ... to the verdict
        wait_for(d, lambda d: job_state(d) in ("done", "failed"), BUILD_SECONDS, "the verdict")
        assert job_state(d) == "done", texts(d, f"#{job_id}")
        verdict = d.find_element(By.CSS_SELECTOR, ".job-verdict").text
        assert "VERIFIED" in verdict and "numbers heard" in verdict, verdict
        done = texts(d, ".job .lines li")
        assert "ingest" in done and "condense" in done, done
        built = episodes / "demo"
        assert (built / "verify.json").is_file() and (built / "episode.mp3").is_file()

        # Hear and check
        d.find_element(By.CSS_SELECTOR, ".job a.btn.primary").click()
        wait_for(d, lambda d: d.find_elements(By.ID, "verdict"), 30, "the episode screen")
        assert d.find_element(By.ID, "verdict-text").text in ("VERIFIED", "NOT VERIFIED")
        assert "Bound" in d.find_element(By.ID, "binding").text
        rows = d.find_elements(By.CSS_SELECTOR, "#numbers tbody tr")
        assert len(rows) >= 10
        assert d.find_elements(By.CSS_SELECTOR, "#chapters li")
        assert d.find_elements(By.CSS_SELECTOR, "#diff del, #diff ins, #diff .n-ok")
        # the audio plays: its time advances
        d.execute_script("document.getElementById('player').play()")
        wait_for(d, lambda d: current_time(d) > 1.0, 30, "the player to advance")
        d.execute_script("document.getElementById('player').pause()")
        # a click on a number seeks the player to the time it was heard
        target = max(rows, key=lambda r: float(r.get_attribute("data-start") or 0))
        want = float(target.get_attribute("data-start"))
        assert want > 30
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
        target.click()
        wait_for(d, lambda d: abs(current_time(d) - want) < 2.0, 20, f"the player to seek to {want}")
        assert "playing" in target.get_attribute("class")
        d.execute_script("document.getElementById('player').pause()")
        d.execute_script("window.scrollTo(0, 0)")
        shot(d, shots, "check")

        # Fix: an invented number is refused in the page, by the guard
        d.find_element(By.ID, "edit-1").click()
        box = d.find_element(By.ID, "edit-text-1")
        original = box.get_attribute("value")
        box.clear()
        box.send_keys(original + " Ridership grew 987 percent.")
        d.find_element(By.ID, "save-1").click()
        alert = wait_for(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#guard-1 .alert"), 20, "the guard")[0]
        assert "987" in alert.text and "not in the post" in alert.text.lower(), alert.text
        assert d.find_elements(By.ID, "approve-1")
        assert "987" not in (built / "script.yaml").read_text()
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", alert)
        shot(d, shots, "fix")
        # a real edit: saved, only what changed is rebuilt, and the new verdict is shown
        before = set((isolated_cache).rglob("*"))
        box.clear()
        edited = original + " Cities noticed."
        box.send_keys(edited)
        d.find_element(By.ID, "save-1").click()
        wait_for(d, lambda d: any(j.kind == "rebuild" and j.finished for j in app.state.studio.queue.jobs),
                 BUILD_SECONDS, "the rebuild")
        rebuild = next(j for j in app.state.studio.queue.jobs if j.kind == "rebuild")
        assert rebuild.state == "done", rebuild.error
        lines = " ".join(e.get("text", "") for e in rebuild.events if e["type"] == "line")
        assert "1 new" in lines and "ingest" not in lines, lines
        assert len(set(isolated_cache.rglob("*")) - before) >= 1
        script = yaml.safe_load((built / "script.yaml").read_text())
        assert script["points"][0]["text"] == edited
        wait_for(d, lambda d: "Cities noticed." in d.find_element(By.CSS_SELECTOR, "#point-1 .text").text,
                 30, "the edited point on the page")
        assert d.find_element(By.ID, "verdict-text").text in ("VERIFIED", "NOT VERIFIED")
        assert "Bound" in d.find_element(By.ID, "binding").text
        assert d.find_element(By.ID, "verdict-count").text == \
            f"{rebuild.result['ok']}/{rebuild.result['total']}"

        # Publish: the episode list with its verdict, the feed, the show notes
        d.get(base + "/#/episodes")
        row = wait_for(d, lambda d: d.find_elements(By.ID, "ep-row-demo"), 20, "the episode list")[0]
        assert "VERIFIED" in row.text or "NOT VERIFIED" in row.text
        d.find_element(By.ID, "feed-btn").click()
        wait_for(d, lambda d: d.find_elements(By.ID, "feed-link"), 120, "the feed link")
        assert (episodes / "feed.xml").is_file()
        shot(d, shots, "publish")
        row = d.find_element(By.ID, "ep-row-demo")          # the list is drawn again with the feed
        notes = row.find_element(By.LINK_TEXT, "Show notes").get_attribute("href")
        d.get(notes)
        assert "Why City Bikes" in d.title or "Why City Bikes" in d.page_source
    for name in ("make", "check", "fix", "publish"):
        assert (shots / f"studio-{name}.png").stat().st_size > 10_000
    # the upload was kept beside its episode, inside the episodes folder
    assert (episodes / "demo.md").read_bytes() == DEMO.read_bytes()
