"""A real browser on the running app: draw a digit on the sketchpad, browse the MNIST samples.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright; screenshots go to
test-artifacts/ (or $TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from mnist_demo.data import load_samples

pytestmark = [pytest.mark.server, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@pytest.fixture(scope="module")
def page(app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(app_url)
        yield page
        browser.close()


def draw_seven(page) -> None:
    """Mouse strokes on the canvas: a bar, then a long diagonal down to the left."""
    canvas = page.locator("#sketchpad canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 60, cy - 100)
    page.mouse.down()
    page.mouse.move(cx + 60, cy - 100, steps=15)
    page.mouse.move(cx - 15, cy + 100, steps=25)
    page.mouse.up()


def test_drawing_a_seven_on_the_sketchpad_shows_seven(page):
    # No click on the brush first: the app selects it, as a user expects.
    expect(page.locator('#sketchpad button[aria-label="Brush"]')).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    draw_seven(page)
    page.get_by_role("button", name="Recognize").first.click()
    expect(page.locator("#sketch-label h2")).to_have_text("7", timeout=30_000)
    expect(page.locator("#sketch-status")).to_contain_text("Predicted 7")
    page.screenshot(path=str(ARTIFACTS / "browser_sketchpad.png"), full_page=True)


def test_mnist_tab_shows_a_sample_with_its_prediction(page):
    images, labels, test_indices = load_samples()
    page.get_by_role("tab", name="MNIST samples").click()
    truth = page.locator("#sample-truth")
    expect(truth).to_contain_text("true label", timeout=30_000)  # the first sample, shown on load
    page.get_by_label("Sample (0-").fill("5")
    page.get_by_role("button", name="Show this one").click()
    expect(truth).to_contain_text(f"MNIST test image #{test_indices[5]}", timeout=30_000)
    expect(truth).to_contain_text(f"true label {labels[5]}")
    expect(page.locator("#sample-label h2")).to_have_text(re.compile(r"^[0-9]$"))
    predicted = page.locator("#sample-label h2").inner_text()
    expect(truth).to_contain_text(f"predicted {predicted}")
    page.get_by_role("button", name="Random sample").click()
    expect(truth).to_contain_text(re.compile(r"true label \d · predicted \d"), timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "browser_mnist.png"), full_page=True)
