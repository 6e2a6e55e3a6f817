import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from abspose.errors import AbsPoseError
from abspose.pipeline import RootSmoother, Tracker


def _box(cx, cy, w=100.0, h=300.0):
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


@given(st.permutations(range(3)), st.floats(-40, 40), st.floats(-40, 40))
def test_ids_follow_people_whatever_the_detection_order(order, dx, dy):
    tracker = Tracker()
    centres = np.array([[200.0, 300.0], [600.0, 300.0], [1000.0, 320.0]])
    first = tracker.update(np.array([_box(*c) for c in centres]))
    moved = centres + [dx, dy]
    ids = tracker.update(np.array([_box(*moved[k]) for k in order]))
    assert ids.tolist() == [first[k] for k in order]


def test_new_person_gets_a_new_id_and_lost_tracks_end():
    tracker = Tracker(max_missed=2)
    (a,) = tracker.update(np.array([_box(200, 300)]))
    a2, b = tracker.update(np.array([_box(210, 300), _box(900, 300)]))
    assert a2 == a and b != a
    for _ in range(3):  # person b gone for 3 frames > max_missed
        tracker.update(np.array([_box(210, 300)]))
    _, b_again = tracker.update(np.array([_box(210, 300), _box(900, 300)]))
    assert b_again not in (a, b)
    assert len(tracker.update(np.zeros((0, 4)))) == 0


def test_fast_motion_keeps_the_id_when_boxes_no_longer_overlap():
    tracker = Tracker()
    (a,) = tracker.update(np.array([_box(200, 300)]))
    (a2,) = tracker.update(np.array([_box(310, 300)]))  # moved more than its width: IoU 0
    assert a2 == a


def test_root_smoother():
    smooth = RootSmoother(0.5)
    ids = np.array([0, 1])
    assert np.allclose(smooth(ids, np.array([4.0, 8.0])), [4.0, 8.0])  # first frame as is
    out = smooth(ids, np.array([16.0, 8.0]))
    assert np.isclose(out[0], 8.0) and np.isclose(out[1], 8.0)  # geometric mean of 4 and 16
    assert np.allclose(RootSmoother(0.0)(ids, np.array([3.0, 5.0])), [3.0, 5.0])
    with pytest.raises(AbsPoseError, match="smoothing"):
        RootSmoother(1.0)


def test_track_stature_is_the_running_median_of_each_track():
    from abspose.pipeline.tracking import TrackStature

    ts = TrackStature()
    assert ts(np.array([0, 1]), np.array([1700.0, 1500.0])).tolist() == [1700.0, 1500.0]
    assert ts(np.array([1, 0]), np.array([1900.0, 1800.0])).tolist() == [1700.0, 1750.0]
    out = ts(np.array([0, 2]), np.array([np.nan, 1600.0]))  # a NaN frame does not count
    assert out.tolist() == [1750.0, 1600.0]
    assert ts(np.array([0]), np.array([9999.0])).tolist() == [
        1800.0
    ]  # one wild frame: the median moves little


@given(st.lists(st.tuples(st.floats(1000, 2200), st.floats(0.1, 10.0)), min_size=1, max_size=30))
def test_weighted_median_against_a_definition(pairs):
    """Half the weight at or below it, half at or above it; equal weights give np.median."""
    from abspose.pipeline.tracking import weighted_median

    values, weights = (np.array(x) for x in zip(*pairs, strict=True))
    m = weighted_median(values, weights)
    total = weights.sum()
    assert (
        weights[values <= m].sum() >= 0.5 * total - 1e-9 and weights[values >= m].sum() >= 0.5 * total - 1e-9
    )
    assert weighted_median(values, np.ones(len(values))) == pytest.approx(np.median(values))


def test_track_stature_weights_frames_by_how_sure_they_are():
    from abspose.pipeline.tracking import TrackStature

    ts, track = TrackStature(), np.array([3])
    ts(track, np.array([1700.0]), np.array([100.0]))  # a sure frame
    ts(track, np.array([1900.0]), np.array([1.0]))  # two unsure ones
    assert ts(track, np.array([1950.0]), np.array([1.0])).tolist() == [1700.0]
    assert ts(track, np.array([2000.0]), np.array([0.0])).tolist() == [1700.0]  # weight 0: not counted


def test_with_bone_lengths_reaches_the_lengths_and_keeps_directions(rng):
    from abspose.data.mocap.augment import body_lengths_mm
    from abspose.pipeline.tracking import with_bone_lengths

    poses = rng.normal(0.0, 300.0, (3, 17, 3))
    lengths = rng.uniform(50.0, 500.0, (3, 17))
    out = with_bone_lengths(poses, lengths)
    assert np.allclose(body_lengths_mm(out)[:, 1:], lengths[:, 1:])
    assert np.allclose(out[:, 0], poses[:, 0])  # the root stays


def _one_euro_run(filt, signal_mm, dt_s):
    """``(T,)`` one scalar through ``filt`` as track 0's single joint coordinate."""
    ids = np.zeros(1, dtype=np.int64)
    out = [filt(ids, np.full((1, 1, 3), x), t * dt_s)[0, 0, 0] for t, x in enumerate(signal_mm)]
    return np.array(out)


def test_one_euro_keeps_a_still_pose_and_cuts_its_jitter(rng):
    from abspose.pipeline import OneEuroFilter

    still = _one_euro_run(OneEuroFilter(), np.full(50, 1234.5), 1 / 30)
    np.testing.assert_allclose(still, 1234.5)
    noisy = 1000.0 + rng.normal(0, 20.0, 6000)
    out = _one_euro_run(OneEuroFilter(min_cutoff_hz=1.0, beta=0.0), noisy, 1 / 30)
    alpha = 1 / (1 + 30 / (2 * np.pi))  # a 1 Hz first-order low-pass at 30 frames/s
    expected = 20.0 * np.sqrt(alpha / (2 - alpha))  # an exponential average's spread of white noise
    assert out[100:].std() == pytest.approx(expected, rel=0.1)


@given(st.floats(0.2, 5.0), st.floats(100.0, 2000.0), st.sampled_from([1 / 60, 1 / 30, 1 / 10]))
def test_one_euro_lag_on_a_ramp_is_one_over_two_pi_cutoff(cutoff_hz, speed_mm_s, dt_s):
    """Its documented latency: a first-order low-pass trails a ramp by exactly ``tau = 1 / (2 pi
    fc)`` once settled (discrete form: ``(1 - alpha) / alpha * dt = tau``)."""
    from abspose.pipeline import OneEuroFilter

    t = np.arange(int(40 / (cutoff_hz * dt_s)) + 50) * dt_s  # long enough to settle
    out = _one_euro_run(
        OneEuroFilter(min_cutoff_hz=cutoff_hz, beta=0.0, reset_after_s=1.0), speed_mm_s * t, dt_s
    )
    lag_s = (speed_mm_s * t[-1] - out[-1]) / speed_mm_s
    assert lag_s == pytest.approx(1 / (2 * np.pi * cutoff_hz), rel=1e-3)


def test_one_euro_lags_less_when_it_moves_fast_and_reads_no_future(rng):
    from abspose.pipeline import OneEuroFilter

    t = np.arange(90) / 30
    ramp = 1500.0 * t  # 1.5 m/s
    slow = _one_euro_run(OneEuroFilter(beta=0.0), ramp, 1 / 30)
    fast = _one_euro_run(OneEuroFilter(beta=0.01), ramp, 1 / 30)
    assert abs(ramp[-1] - fast[-1]) < 0.5 * abs(ramp[-1] - slow[-1])
    changed = ramp.copy()
    changed[60:] += rng.normal(0, 500, 30)
    np.testing.assert_array_equal(_one_euro_run(OneEuroFilter(beta=0.01), changed, 1 / 30)[:60], fast[:60])


def test_one_euro_restarts_a_track_after_a_gap_and_keeps_tracks_apart():
    from abspose.pipeline import OneEuroFilter

    filt = OneEuroFilter(reset_after_s=0.5)
    two = np.zeros((2, 17, 3))
    filt(np.array([0, 1]), two, 0.0)
    out = filt(np.array([0, 1]), two + np.array([[[100.0]], [[0.0]]]), 1 / 30)
    assert 0 < out[0, 0, 0] < 100 and out[1, 0, 0] == 0  # track 1 did not move
    after_gap = filt(np.array([0]), np.full((1, 17, 3), 500.0), 2.0)
    np.testing.assert_array_equal(after_gap, 500.0)  # not seen for 2 s: starts afresh
    with pytest.raises(AbsPoseError, match="OneEuroFilter"):
        OneEuroFilter(min_cutoff_hz=0.0)
    with pytest.raises(AbsPoseError, match=r"\(P, J, 3\)"):
        filt(np.array([0]), np.zeros((17, 3)), 3.0)


def test_pose_filter_moves_the_root_apart_from_the_pose(walk_cam_mm):
    """A rigid pose carried at 1 m/s: the pose about the pelvis stays exact (its filter sees it
    still), the pelvis trails by ``1 / (2 pi root cutoff)``."""
    from abspose.pipeline import OneEuroFilter, PoseFilter

    filt, ids = PoseFilter(root=OneEuroFilter(min_cutoff_hz=1.5, beta=0.0)), np.array([3])
    pose = walk_cam_mm[0] - walk_cam_mm[0, :1]
    for t in range(300):
        out = filt(ids, (pose + [1000.0 * t / 30, 0.0, 4000.0])[None], t / 30)
    np.testing.assert_allclose(out[0] - out[0, :1], pose, atol=1e-9)
    lag_s = (1000.0 * 299 / 30 - out[0, 0, 0]) / 1000.0
    assert lag_s == pytest.approx(1 / (2 * np.pi * 1.5), rel=1e-3)
