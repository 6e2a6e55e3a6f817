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
