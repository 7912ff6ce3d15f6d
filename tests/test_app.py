"""The app's named endpoints, called with gradio_client against a real server."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from mnist_demo.data import load_samples
from mnist_demo.steps import TILE, sheet_columns
from mnist_demo.synthetic import number_mask, render_photo, render_sketch
from mnist_demo.verdict import Reason

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
    assert result["is_digit"] is True and 0.5 <= result["digit_score"] <= 1.0
    assert [entry["digit"] for entry in result["top3"]][0] == label
    probabilities = [entry["probability"] for entry in result["top3"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1.0001
    quality = result["quality"]
    assert 0 <= quality["score"] <= 100 and quality["badge"] in ("Excellent", "Good", "Average", "Poor")
    assert {"contrast", "relative_size", "aspect_ratio"} <= set(quality)
    x, y, w, h = result["box"]
    assert w > 0 and h > 0 and x >= 0 and y >= 0


def test_named_endpoints_are_published(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/predict", "/recognize_sketch", "/recognize_webcam", "/recognize_upload", "/recognize_sample"} <= set(endpoints)


def test_predict_publishes_its_parameters_and_a_json_schema(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/predict"]
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["image", "source", "tta"]
    assert endpoint["parameters"][1]["type"]["enum"] == ["sketch", "webcam", "upload", "mnist"]
    schema = endpoint["returns"][0]["type"]
    assert {"label", "is_digit", "digit_score", "top3", "quality", "box", "reasons", "warnings"} <= set(schema["properties"])
    assert schema["properties"]["is_digit"]["type"] == "boolean"


def step_names(gallery: list[dict]) -> list[str]:
    """The steps the page's contact sheet shows, from its caption."""
    (sheet,) = gallery
    return sheet["caption"].split(" → ")


@pytest.mark.parametrize(("name", "source"), [("drawn.png", "sketch"), ("photo.jpg", "upload"), ("mnist.png", "mnist")])
@pytest.mark.parametrize("tta", [False, True])
def test_predict_returns_label_top3_and_quality(client, digit_files, name, source, tta):
    path, label = digit_files[name]
    check_prediction(client.predict(handle_file(path), source, tta, api_name="/predict"), label)


def test_ui_endpoints_return_label_gallery_badge(client, digit_files, recognizer):
    path, label = digit_files["photo.jpg"]
    top, gallery, badge, status = client.predict(handle_file(path), False, False, api_name="/recognize_upload")
    assert top["label"] == str(label)
    assert len(gallery) == 1, "the steps come as one contact sheet: one file to fetch"
    assert len(step_names(gallery)) >= 8
    sheet = Image.open(gallery[0]["image"])
    columns = sheet_columns(len(step_names(gallery)))
    rows = -(-len(step_names(gallery)) // columns)
    assert sheet.width > columns * TILE and sheet.height > rows * TILE, "a tile per step"
    assert "badge" in badge and status.startswith(f"Predicted **{label}**")

    images, labels, indices = load_samples()
    expected = recognizer.predict(images[3], source="mnist").label  # in-process, not from the page
    image, truth, top, gallery, badge, status = client.predict(3, False, api_name="/recognize_sample")
    assert f"#{indices[3]} · true label **{labels[3]}** · predicted **{expected}**" in truth
    assert top["label"] == str(expected)


def test_a_sample_index_out_of_range_is_clamped_and_said(client):
    images, labels, indices = load_samples()
    last = len(images) - 1
    image, truth, top, gallery, badge, status = client.predict(500, False, api_name="/recognize_sample")
    assert f"showing #{last}" in truth and f"#{indices[last]} · true label **{labels[last]}**" in truth
    assert top is not None and gallery


def test_bad_inputs_get_a_clean_error_and_the_server_keeps_answering(client, digit_files, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((200, 200), 255, np.uint8)).save(blank)
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("these are my notes, not a picture")
    for path, message in ((blank, Reason.BLANK.message), (not_an_image, "The file is not a readable image")):
        with pytest.raises(AppError) as caught:
            client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
        assert str(caught.value).startswith(message)
    # The UI endpoint shows the same problem as a message in the page, with the steps it got through.
    _, gallery, _, status = client.predict(handle_file(str(blank)), False, False, api_name="/recognize_upload")
    assert status.endswith(Reason.BLANK.message)
    assert step_names(gallery)[0] == "input"
    path, label = digit_files["drawn.png"]
    check_prediction(client.predict(handle_file(path), "sketch", False, api_name="/predict"), label)


def test_something_that_is_not_a_digit_is_said_to_be_so(client, tmp_path):
    """A hand-drawn plus sign: not refused (it is a shape), but not called a digit either."""
    plus = np.full((300, 300), 255, np.uint8)
    cv2.line(plus, (60, 150), (240, 150), 0, 14)
    cv2.line(plus, (150, 60), (150, 240), 0, 14)
    path = tmp_path / "plus.png"
    Image.fromarray(plus).save(path)
    result = client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
    assert result["is_digit"] is False and "not_a_digit" in result["reasons"]
    _, _, _, status = client.predict(handle_file(str(path)), False, False, api_name="/recognize_upload")
    assert "This doesn't look like a digit" in status


def test_the_webcam_endpoint_reads_a_snapshot(client, digit_files):
    """The Webcam tab's endpoint, with a photo as the snapshot a camera would send."""
    path, label = digit_files["photo.jpg"]
    top, gallery, badge, status = client.predict(handle_file(path), False, False, api_name="/recognize_webcam")
    assert top["label"] == str(label) and status.startswith(f"Predicted **{label}**")
    assert step_names(gallery)[-2:] == ["what decided: on the 28x28", "what decided: on the input"]


def test_read_number_returns_the_string_and_each_digit(client, tmp_path):
    images, labels, _ = load_samples()
    rng = np.random.default_rng(0)
    picks = [int(np.flatnonzero(labels == d)[0]) for d in (2, 0, 2, 6)]
    mask = number_mask([images[i] for i in picks], rng, height=100, gaps=[0.4, 0.4, 0.4])
    path = tmp_path / "year.png"
    Image.fromarray(255 - (np.clip(mask, 0, 1) * 255).astype(np.uint8)).save(path)
    result = client.predict(handle_file(str(path)), "upload", False, api_name="/read_number")
    assert result["text"] == "2026"
    assert [d["digit"] for d in result["digits"]] == [2, 0, 2, 6]
    assert all(len(d["box"]) == 4 and d["top3"][0]["digit"] == d["digit"] for d in result["digits"])
    assert 0 < result["confidence"] <= 1


def test_a_canvas_keeps_a_bounded_number_of_the_uploads_no_event_claimed():
    """With a change listener the editor uploads every stroke; most are never claimed by an event."""
    import gradio as gr
    from gradio.components.image_editor import AcceptBlobs

    from app import UNCLAIMED_UPLOADS, on_new_drawing

    canvas = gr.Sketchpad(type="numpy")
    strokes = UNCLAIMED_UPLOADS + 40
    for stroke in range(strokes):  # what the browser sends at each stroke: background, layer, composite
        for kind in ("background", "layer", "composite"):
            data = {"type": kind, "index": 0 if kind == "layer" else None, "file": b"", "id": f"stroke{stroke}"}
            canvas.accept_blobs(AcceptBlobs(data=data, files=[(kind, b"\x89PNG" + bytes(1000))]))
    assert len(canvas.blob_storage) == strokes
    on_new_drawing(lambda editor, tta: ("label", "status"), 2, canvas)(None, False, None)
    assert list(canvas.blob_storage) == [f"stroke{k}" for k in range(40, strokes)], "the newest uploads must stay"


def test_a_canvas_sending_a_drawing_it_was_answered_for_again_is_not_answered_again_even_after_a_clear():
    """The editor re-sends its drawing when its tab is shown again, and on a slow browser that copy
    can reach the server after the Clear that followed it: answered, it would put the old answer back."""
    from types import SimpleNamespace

    import gradio as gr

    from app import on_new_drawing

    answered = []

    def handler(editor, tta):
        answered.append(int(editor["composite"].max()))
        return "label", "status"

    def canvas(value: int) -> dict:
        return {"composite": np.full((8, 8, 4), value, np.uint8)}

    visitor, other_visitor, api_call = (SimpleNamespace(session_hash=name) for name in ("visitor-a", "visitor-b", None))
    changed, button = on_new_drawing(handler, 2), on_new_drawing(handler, 2, always=True)
    assert changed(canvas(7), False, visitor) == ("label", "status") and answered == [7]
    assert changed(canvas(7), False, visitor) == (gr.skip(), gr.skip()) and answered == [7]
    assert changed(canvas(0), False, visitor) == ("label", "status")  # Clear: an empty canvas is always answered
    assert changed(canvas(7), False, visitor) == (gr.skip(), gr.skip())  # the late copy, after the Clear
    assert answered == [7, 0]
    assert changed(canvas(1), False, visitor) == ("label", "status") and answered == [7, 0, 1]  # a new drawing
    assert button(canvas(7), False, visitor) == ("label", "status")  # Recognize answers whatever it is sent
    assert changed(canvas(7), False, other_visitor) == ("label", "status")  # each visitor has a memory of their own
    assert changed(canvas(7), False, api_call) == ("label", "status")  # no session: nothing to remember
    assert answered == [7, 0, 1, 7, 7, 7]


def test_a_slow_event_cannot_undo_what_a_later_one_recorded():
    """Events of one visitor run concurrently: what one records stays recorded, whatever the others do."""
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    import gradio as gr

    from app import on_new_drawing

    release = threading.Event()

    def handler(editor, tta):
        if editor["composite"].max() == 1:  # the first drawing's answer is slow
            release.wait(timeout=10)
        return "label", "status"

    visitor = SimpleNamespace(session_hash="visitor-slow")
    changed = on_new_drawing(handler, 2)
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(changed, {"composite": np.full((8, 8, 4), 1, np.uint8)}, False, visitor)
        assert changed({"composite": np.full((8, 8, 4), 7, np.uint8)}, False, visitor) == ("label", "status")
        release.set()
        assert slow.result(timeout=10) == ("label", "status")
    assert changed({"composite": np.full((8, 8, 4), 7, np.uint8)}, False, visitor) == (gr.skip(), gr.skip())
    assert changed({"composite": np.full((8, 8, 4), 1, np.uint8)}, False, visitor) == (gr.skip(), gr.skip())


def test_the_server_remembers_drawings_for_a_bounded_number_of_canvases(monkeypatch):
    import app

    monkeypatch.setattr(app, "answered_drawings", app.OrderedDict())
    for visitor in range(app.CANVASES_REMEMBERED + 10):
        assert app.claim_drawing((f"v{visitor}", "sketchpad"), "digest")
    assert len(app.answered_drawings) == app.CANVASES_REMEMBERED
    assert ("v0", "sketchpad") not in app.answered_drawings, "the least recently drawn on must go first"
    assert not app.claim_drawing((f"v{app.CANVASES_REMEMBERED + 9}", "sketchpad"), "digest")
