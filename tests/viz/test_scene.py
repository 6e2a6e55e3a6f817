"""The 3D viewer page: its data, that it needs no network, and a real headless Chromium drawing it."""

import os
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

from abspose.errors import AbsPoseError
from abspose.estimator2d import Poses2D, PrecomputedBackend
from abspose.geometry import Intrinsics, project
from abspose.pipeline import CameraSetup, lift_image
from abspose.viz import SceneRecorder, draw_overlay, person_color, read_scene

WIDTH, HEIGHT = 640, 480


def _frames(counts, overlay=False):
    """Frames of a walking pair seen from a camera 1.6 m above the floor; ``counts[k]`` people
    in frame k (the first ``counts[k]`` of the pair)."""
    from abspose.data import convert_bvh, sample_bvh_path

    walk = convert_bvh(sample_bvh_path()).joints_world_mm * np.array([1.0, -1.0, -1.0])
    cam = Intrinsics.from_focal(700.0, WIDTH, HEIGHT)
    out = []
    for k, n in enumerate(counts):
        t = 3 * k
        pair = (
            walk[[t, t]] - walk[[t, t], :1] + np.array([[[-700.0 + 30 * k, 700, 4000]], [[800.0, 700, 5000]]])
        )
        backend = PrecomputedBackend([Poses2D(project(pair[:n], cam), np.ones((n, 17)), "h36m17")])
        frame = lift_image(
            np.zeros((HEIGHT, WIDTH, 3), np.uint8),
            backend,
            CameraSetup(cam, "focal"),
            index=k,
            time_s=k / 10,
            camera_height_mm=1600.0,
            camera_pitch_deg=0.0,
        )
        image = draw_overlay(np.full((HEIGHT, WIDTH, 3), 40, np.uint8), frame) if overlay else None
        out.append((frame, image))
    return out


def _page(tmp_path, counts, overlay=False, **options):
    scene = SceneRecorder(title="two walkers", fps=10.0, **options)
    frames = _frames(counts, overlay)
    for frame, image in frames:
        scene.add(frame, image)
    return scene.write(tmp_path / "scene.html"), frames


def test_the_page_holds_every_frames_people_in_camera_metres(tmp_path):
    path, frames = _page(tmp_path, [2, 2, 1], overlay=True)
    scene = read_scene(path)
    assert [len(f["people"]) for f in scene["frames"]] == [2, 2, 1]
    assert scene["camera"]["focal_px"] == 700.0 and scene["camera"]["image_size"] == [WIDTH, HEIGHT]
    for record, (frame, _) in zip(scene["frames"], frames, strict=True):
        assert record["floor"]["offset_m"] == pytest.approx(1.6) and record["image"] is not None
        for person, tid, joints in zip(
            record["people"], frame.track_ids, frame.lifted.joints_cam_mm, strict=True
        ):
            np.testing.assert_allclose(person["joints_m"], joints / 1000.0, atol=1e-4)
            assert person["color"] == "#{:02x}{:02x}{:02x}".format(*person_color(tid))
            assert person["label"].startswith(f"#{tid} ") and person["label"].endswith(" m")
    assert len(scene["images"]) == 3 and all(i.startswith("data:image/jpeg;base64,") for i in scene["images"])
    assert scene["bones"][0] == [0, 1]  # pelvis -> r_hip, by index into joint_names


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [
            (tag, k, v) for k, v in attrs if k in ("src", "href") and not (v or "").startswith("data:")
        ]


def test_the_page_loads_nothing_from_anywhere(tmp_path):
    path, _ = _page(tmp_path, [2])
    parser = _Links()
    parser.feed(path.read_text())  # script bodies are not parsed as tags: only the page's own
    assert parser.links == []
    assert "Plotly.react" in path.read_text() and path.stat().st_size > 3_000_000  # plotly.js inlined


def test_overlay_images_are_thinned_evenly_to_the_budget(tmp_path):
    scene = SceneRecorder(total_frames=10, max_images=5)
    kept = [k for k in range(10) if scene.wants_image(k)]
    assert kept == [0, 2, 4, 6, 8]
    path, _ = _page(tmp_path, [1] * 6, overlay=True, total_frames=6, max_images=3)
    images = [f["image"] for f in read_scene(path)["frames"]]
    assert images == [0, None, 1, None, 2, None]  # the page shows the latest image at or before


def test_bad_requests_are_refused(tmp_path, monkeypatch):
    with pytest.raises(AbsPoseError, match="no frame was recorded"):
        SceneRecorder().write(tmp_path / "empty.html")
    scene = SceneRecorder()
    scene.add(_frames([1])[0][0])
    with pytest.raises(AbsPoseError, match=r"an \.html path"):
        scene.write(tmp_path / "scene.png")
    with pytest.raises(AbsPoseError, match="not an abspose scene page"):
        (tmp_path / "other.html").write_text("<html></html>")
        read_scene(tmp_path / "other.html")
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(AbsPoseError, match=r"abspose\[viewer\]"):
        SceneRecorder()


def _chromium():
    found = os.environ.get("ABSPOSE_CHROMIUM") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    if found is None:
        if os.environ.get("ABSPOSE_REQUIRE_BROWSER"):
            pytest.fail("ABSPOSE_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("no Chromium here (Debian: apt-get install chromium; .ci/run installs it)")
    return found


def _browse(tmp_path, url, *args):
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=8000",
    ]  # fmt: skip
    done = subprocess.run([_chromium(), *flags, *args, url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _colour_pixels(png, rgb, tol=40):
    import cv2

    image = cv2.imread(str(png))[..., ::-1].astype(int)
    return int((np.abs(image - np.array(rgb)).max(axis=2) < tol).sum())


def test_headless_chromium_draws_each_frames_people_and_shows_them(tmp_path):
    path, _ = _page(tmp_path, [2, 2, 1])
    scene = read_scene(path)
    for k, record in enumerate(scene["frames"]):
        dom = _browse(tmp_path, f"{path.as_uri()}#frame={k}", "--dump-dom")
        assert f'data-frame="{k}"' in dom, dom[-500:]
        assert f'data-drawn-people="{len(record["people"])}"' in dom  # plotly's own traces, read back
    blue, orange = person_color(0), person_color(1)
    shots = []
    for k in (0, 2):
        png = tmp_path / f"frame{k}.png"
        _browse(tmp_path, f"{path.as_uri()}#frame={k}", "--window-size=1200,800", f"--screenshot={png}")
        shots.append((_colour_pixels(png, blue), _colour_pixels(png, orange)))
    (blue0, orange0), (blue2, orange2) = shots
    assert blue0 > 300 and orange0 > 300, shots  # both skeletons drawn
    assert blue2 > 300 and orange2 < orange0 / 2, shots  # person 1 has left: its skeleton is gone


def test_play_moves_the_3d_scene_and_the_overlay_together(tmp_path):
    path, _ = _page(tmp_path, [2, 2, 1, 1], overlay=True)
    dom = _browse(tmp_path, f"{path.as_uri()}#play", "--dump-dom")  # virtual time: plays to the end
    assert 'data-frame="3"' in dom and 'data-image="3"' in dom and 'data-drawn-people="1"' in dom, dom[-400:]
    assert ">Play<" in dom  # stopped at the last frame
