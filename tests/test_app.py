"""The app's named endpoints, called with gradio_client against a real server."""

from __future__ import annotations

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from mnist_demo.data import load_samples
from mnist_demo.synthetic import render_photo, render_sketch

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def client(app_url) -> Client:
    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def digit_files(tmp_path_factory):
    """A drawn digit, a photo-like image and an MNIST sample, saved as files, with their labels."""
    images, labels, _ = load_samples()
    folder = tmp_path_factory.mktemp("digits")
    files = {}
    for name, index, render in (
        ("drawn.png", 0, lambda d: render_sketch(d, np.random.default_rng(1), "transparent")),
        ("photo.jpg", 1, lambda d: render_photo(d, np.random.default_rng(2))),
        ("mnist.png", 2, lambda d: d),
    ):
        path = folder / name
        Image.fromarray(render(images[index])).save(path)
        files[name] = (str(path), int(labels[index]))
    return files


def check_prediction(result: dict, label: int) -> None:
    assert result["label"] == label
    assert [entry["digit"] for entry in result["top3"]][0] == label
    probabilities = [entry["probability"] for entry in result["top3"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1.0001
    quality = result["quality"]
    assert 0 <= quality["score"] <= 100 and quality["badge"] in ("Excellent", "Good", "Average", "Poor")
    assert {"contrast", "relative_size", "aspect_ratio"} <= set(quality)


def test_named_endpoints_are_published(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/predict", "/recognize_sketch", "/recognize_webcam", "/recognize_upload", "/recognize_sample"} <= set(endpoints)


@pytest.mark.parametrize(("name", "source"), [("drawn.png", "sketch"), ("photo.jpg", "upload"), ("mnist.png", "mnist")])
@pytest.mark.parametrize("tta", [False, True])
def test_predict_returns_label_top3_and_quality(client, digit_files, name, source, tta):
    path, label = digit_files[name]
    check_prediction(client.predict(handle_file(path), source, tta, api_name="/predict"), label)


def test_ui_endpoints_return_label_gallery_badge(client, digit_files):
    path, label = digit_files["photo.jpg"]
    top, gallery, badge, status = client.predict(handle_file(path), False, False, api_name="/recognize_upload")
    assert top["label"] == str(label)
    assert len(gallery) >= 8 and all(item["caption"] for item in gallery)
    assert "badge" in badge and f"**{label}**" in status

    image, truth, top, gallery, badge, status = client.predict(3, False, api_name="/recognize_sample")
    _, labels, _ = load_samples()
    assert f"true label **{labels[3]}**" in truth and top["label"] in truth


def test_bad_inputs_get_a_clean_error_and_the_server_keeps_answering(client, digit_files, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((200, 200), 255, np.uint8)).save(blank)
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("these are my notes, not a picture")
    for path, message in ((blank, "blank"), (not_an_image, "not a readable image")):
        with pytest.raises(Exception, match=message):
            client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
    # The UI endpoint shows the same problem as a message in the page, not an error.
    *_, status = client.predict(handle_file(str(blank)), False, False, api_name="/recognize_upload")
    assert "blank" in status
    path, label = digit_files["drawn.png"]
    check_prediction(client.predict(handle_file(path), "sketch", False, api_name="/predict"), label)
