"""Reproduce the paper's Tables 1-5 on the user's copies of Human3.6M and MPI-INF-3DHP
(see docs/reproduce.md).

A table is a :class:`TablePlan`: the trainings it needs and how it scores them.
:func:`run_plan` trains each (or resumes its checkpoint) with
:func:`~abspose.model.train_lifter` on the benchmark's own frames and cameras, scores the test
frames with :func:`~abspose.evaluation.evaluate_frames`, and :func:`write_table` writes a
markdown table beside the paper's numbers (METHOD.md §8) and a JSON of every number.

Trainings are shared between tables through their checkpoint names in ``out_dir``: Table 1's
"+ location & scale", Table 2's "trained on GT 2D" and Table 5's "trained on H36M" are one
training; Table 2's "mixture synthesis" is also Table 3's lifter and Table 4's Protocol 1.

Where this differs from the paper, by necessity (each note also lands in the table):

* The 2D errors of Tables 2-4 are those of the detector file the user brings (VideoPose3D's
  ``data_2d_h36m_<detector>.npz``), measured on the training subjects; the paper measured its
  own estimator leave-one-subject-out. Error models are fitted to them by EM (Alg. 1).
* Table 5 feeds the annotated 2D of the MPI-INF-3DHP test set (no images here, so no detector).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from abspose.data.frames import H36M_PROTOCOLS, CameraFrames, protocol_split
from abspose.errors import AbsPoseError, DataError
from abspose.model.config import LifterConfig
from abspose.model.train import TrainConfig
from abspose.reproduce.paper import TABLES
from abspose.reproduce.report import TableResult, all_metrics

__all__ = [
    "BASELINE",
    "DIRECT_DEPTH",
    "LOCATION",
    "LOCATION_SCALE",
    "SCALE",
    "Benchmarks",
    "TablePlan",
    "Training",
    "Variant",
    "plan_table",
]


@dataclass(frozen=True)
class Variant:
    """A lifter variant the tables train: which normalization inputs it has (Table 1), and
    whether it regresses the canonical depth or the depth itself (Table 5's "w/o canonical
    loss"). ``slug`` names its checkpoints (existing runs resume by it)."""

    slug: str
    use_location: bool = True
    use_scale: bool = True
    direct: bool = False

    def config(self, width: int) -> LifterConfig:
        """The network of this variant at ``width``."""
        return LifterConfig(
            width=width,
            use_location=self.use_location,
            use_scale=self.use_scale,
            depth_target="direct" if self.direct else "canonical",
        )


BASELINE = Variant("base", use_location=False, use_scale=False)


LOCATION = Variant("loc", use_location=True, use_scale=False)


SCALE = Variant("scale", use_location=False, use_scale=True)


LOCATION_SCALE = Variant("ls")


DIRECT_DEPTH = Variant("ls-direct", direct=True)


#: Table 1's settings: (row name, variant).
_TABLE1 = (
    ("baseline (no location, no scale)", BASELINE),
    ("+ location", LOCATION),
    ("+ scale", SCALE),
    ("+ location & scale", LOCATION_SCALE),
)


@dataclass(frozen=True)
class Benchmarks:
    """The user's data; each table needs some of it (:data:`TABLES`).

    Attributes:
        h36m: Human3.6M with ground-truth 2D (``read_videopose3d(data_3d_h36m.npz)``).
        h36m_detected: the same frames with a detector's 2D
            (``read_videopose3d(data_3d_h36m.npz, data_2d_h36m_<detector>.npz)``).
        mpi_train: MPI-INF-3DHP training frames (``read_mmpose(..., "3dhp")``).
        mpi_test: the MPI-INF-3DHP test set (``read_3dhp_test``).
        detector: the detector's name, for the notes (e.g. ``"cpn_ft_h36m_dbb"``).
    """

    h36m: CameraFrames | None = None
    h36m_detected: CameraFrames | None = None
    mpi_train: CameraFrames | None = None
    mpi_test: CameraFrames | None = None
    detector: str = ""


@dataclass(frozen=True)
class Training:
    """One lifter training a table needs.

    Attributes:
        setting: its row in the table.
        slug: the checkpoint's file name in ``out_dir`` (without ``.safetensors``); equal slugs
            are one training, shared between tables.
        train: the training frames.
        config: the network.
        noise: the 2D error model synthesized onto the inputs (``""``: none), a ``.json`` path.
    """

    setting: str
    slug: str
    train: CameraFrames
    config: LifterConfig
    noise: str = ""


Scorer = Callable[[Mapping[str, Any], Path, TrainConfig], TableResult]


@dataclass(frozen=True)
class TablePlan:
    """A table's trainings, and how its trained models (by slug) become a :class:`TableResult`."""

    name: str
    trainings: tuple[Training, ...]
    score: Scorer = field(repr=False)

    @property
    def unique(self) -> tuple[Training, ...]:
        """The trainings, each shared checkpoint once."""
        seen: dict[str, Training] = {}
        for t in self.trainings:
            seen.setdefault(t.slug, t)
        return tuple(seen.values())


def plan_table(
    name: str,
    data: Benchmarks,
    *,
    width: int = 4096,
    every: int = 1,
    every_3dhp: int = 1,
    out_dir: str | Path,
) -> TablePlan:
    """The trainings and scoring of one table (``"table1"`` ... ``"table5"``, :data:`TABLES`).

    Args:
        name: the table.
        data: the user's benchmarks; the table's needs are checked here.
        width: hidden width (the paper: 4096).
        every: train on every n-th Human3.6M frame (1: all).
        every_3dhp: train on every n-th MPI-INF-3DHP frame (the paper: 5, of the raw videos).
        out_dir: where error models fitted for the table are written (and the checkpoints go).
    """
    out = Path(out_dir)
    if name == "table1":
        return _plan_table1(_need(data, name, "h36m"), width, every)
    if name in ("table2", "table3", "table4"):
        gt, det = _need(data, name, "h36m"), _need(data, name, "h36m_detected")
        return _PLANS[name](gt, det, data.detector, width, every, out)
    if name == "table5":
        return _plan_table5(data, width, every, every_3dhp)
    raise AbsPoseError(f"reproduce: expected one of {sorted(TABLES)}, got {name!r}")


def _need(data: Benchmarks, table: str, what: str) -> CameraFrames:
    frames = getattr(data, what)
    if frames is None or not len(frames):
        raise AbsPoseError(f"{table} needs {what} ({TABLES[table]}); see docs/reproduce.md for the files")
    result: CameraFrames = frames
    return result


def _slug(dataset: str, every: int, source: str, variant: Variant, width: int) -> str:
    return f"{dataset}-every{every}-{source}-{variant.slug}-w{width}"


def _split(frames: CameraFrames, protocol: str, every: int, table: str) -> tuple[CameraFrames, CameraFrames]:
    train, test = protocol_split(frames, protocol)
    train = train.every(every)
    if len(train) < 2 or len(test) == 0:
        subjects = H36M_PROTOCOLS[protocol]
        raise AbsPoseError(
            f"{table}: expected training ({', '.join(subjects[0])}) and test ({', '.join(subjects[1])}) "
            f"frames for {protocol}, got {len(train)} and {len(test)}"
        )
    return train, test


def _optimization(tc: TrainConfig, width: int) -> str:
    return (
        f"width {width}, {tc.epochs} epochs, batch {tc.batch_size}, {tc.optimizer} lr {tc.lr:g} "
        f"(x{tc.lr_drop_factor:g} from epoch {tc.lr_drop_epoch})"
    )


def _fig5(ev: Any, out: Path, table: str, setting: str) -> str:
    """The paper's Fig. 5 for one setting: errors vs distance, focal length, stature; per axis."""
    from abspose.evaluation import plot_evaluation

    return plot_evaluation(ev, out / f"fig5_{table}.png", f"{table}, {setting}").name


def _evaluate_each(
    models: Mapping[str, Any], trainings: Sequence[Training], test: CameraFrames
) -> dict[str, Any]:
    """Setting -> :class:`~abspose.evaluation.Evaluation` of its trained model on ``test``."""
    from abspose.evaluation import evaluate_frames

    return {t.setting: evaluate_frames(models[t.slug], test) for t in trainings}


def _plan_table1(frames: CameraFrames, width: int, every: int) -> TablePlan:
    train, test = _split(frames, "h36m-p1", every, "table1")
    trainings = tuple(
        Training(setting, _slug("h36m-p1", every, "gt", variant, width), train, variant.config(width))
        for setting, variant in _TABLE1
    )

    def score(models: Mapping[str, Any], out: Path, tc: TrainConfig) -> TableResult:
        evs = _evaluate_each(models, trainings, test)
        rows = {setting: all_metrics(ev.groups) for setting, ev in evs.items()}
        figures = (_fig5(evs["+ location & scale"], out, "table1", "+ location & scale"),)
        notes = (
            f"{len(train)} training frames (every {every}), {len(test)} test frames (S9, S11, 4 cameras), "
            "ground-truth 2D",
            _optimization(tc, width),
        )
        return TableResult("table1", rows, notes, figures=figures)

    return TablePlan("table1", trainings, score)


def _detector_errors(gt: CameraFrames, det: CameraFrames) -> Any:
    """``(N, 17, 2)`` detector errors [σ_pose] of matching frames (same order)."""
    from abspose.noise import pose_errors

    same = len(gt) == len(det) and all(
        np.array_equal(getattr(gt, k), getattr(det, k)) for k in ("subject", "action", "camera", "frame")
    )
    if not same:
        raise DataError(
            "h36m and h36m_detected: expected the same frames in the same order (read both from the "
            "same data_3d_h36m.npz, one with the 2D file)"
        )
    return pose_errors(det.keypoints_px, gt.keypoints_px, "h36m17")


def _fit_error_models(
    gt: CameraFrames, det: CameraFrames, detector: str, tag: str, out: Path
) -> tuple[str, str]:
    """Fit a single Gaussian and the mixture to the detector's errors on the training frames;
    write both (JSON) and a plot of the errors; return the two paths."""
    from abspose.noise import fit_gaussian, fit_mixture
    from abspose.skeletons import H36M17
    from abspose.viz import plot_error_model

    errors = _detector_errors(gt, det)
    subjects = sorted(set(gt.subject.tolist()))
    provenance = {
        "detector": detector or "unnamed",
        "frames": len(gt),
        "subjects": subjects,
        "split": "the training subjects' own detections (not leave-one-subject-out)",
    }
    gauss = fit_gaussian(errors, H36M17.joint_names, provenance)
    mixture = fit_mixture(errors, H36M17.joint_names, provenance=provenance).model
    paths = (out / f"errors-{tag}-gaussian.json", out / f"errors-{tag}-mixture.json")
    gauss.save(paths[0])
    mixture.save(paths[1])
    shown = errors[np.random.default_rng(0).permutation(len(errors))[:20_000]]
    plot_error_model(shown, mixture, out / f"errors-{tag}.png", f"{detector or 'detector'} errors, {tag}")
    return str(paths[0]), str(paths[1])


def _detector_trainings(
    gt: CameraFrames, det: CameraFrames, detector: str, protocol: str, width: int, every: int, out: Path
) -> tuple[tuple[Training, ...], CameraFrames]:
    """Table 2's five trainings on a protocol's training subjects, and the detected test frames."""
    train_gt, _ = _split(gt, protocol, every, protocol)
    train_det, test_det = _split(det, protocol, every, protocol)
    gauss, mixture = _fit_error_models(train_gt, train_det, detector, f"{protocol}-every{every}", out)

    def make(setting: str, source: str, variant: Variant, noise: str = "") -> Training:
        frames = train_det if source == "det" else train_gt
        return Training(
            setting, _slug(protocol, every, source, variant, width), frames, variant.config(width), noise
        )

    trainings = (
        make("trained on GT 2D, no location/scale", "gt", BASELINE),
        make("trained on GT 2D", "gt", LOCATION_SCALE),
        make("trained on the detector's 2D", "det", LOCATION_SCALE),
        make("single-Gaussian synthesis", "gauss", LOCATION_SCALE, gauss),
        make("mixture synthesis", "mix", LOCATION_SCALE, mixture),
    )
    return trainings, test_det


def _detector_notes(train: CameraFrames, test: CameraFrames, detector: str, every: int) -> str:
    return (
        f"{len(train)} training frames (every {every}), {len(test)} test frames with {detector or 'the'} "
        "detector's 2D; error models fitted to its errors on the training subjects"
    )


def _plan_table2(
    gt: CameraFrames, det: CameraFrames, detector: str, width: int, every: int, out: Path
) -> TablePlan:
    trainings, test = _detector_trainings(gt, det, detector, "h36m-p1", width, every, out)

    def score(models: Mapping[str, Any], out: Path, tc: TrainConfig) -> TableResult:
        evs = _evaluate_each(models, trainings, test)
        rows = {setting: all_metrics(ev.groups) for setting, ev in evs.items()}
        figures = (_fig5(evs["mixture synthesis"], out, "table2", "mixture synthesis"),)
        notes = (_detector_notes(trainings[0].train, test, detector, every), _optimization(tc, width))
        return TableResult("table2", rows, notes, figures=figures)

    return TablePlan("table2", trainings, score)


def _mehta_roots(frames: CameraFrames, joints_rel_mm: Any, model: str) -> Any:
    """``(N, 3)`` roots by Mehta et al.'s closed form from the frames' 2D and a root-relative
    pose, one camera at a time; NaN where the least squares put the root behind the camera."""
    from abspose.baselines import mehta_root
    from abspose.geometry import Intrinsics

    roots = np.empty((len(frames), 3))
    cams = np.column_stack([frames.focal_px, frames.principal_px])
    unique, inverse = np.unique(cams, axis=0, return_inverse=True)
    for k, (f, cx, cy) in enumerate(unique):
        idx = np.flatnonzero(inverse.reshape(-1) == k)
        K = Intrinsics(float(f), float(f), float(cx), float(cy))
        roots[idx] = mehta_root(
            frames.keypoints_px[idx],
            joints_rel_mm[idx],
            K,
            model=model,  # type: ignore[arg-type]
            invalid="nan",
        )
    return roots


def _plan_table3(
    gt: CameraFrames, det: CameraFrames, detector: str, width: int, every: int, out: Path
) -> TablePlan:
    trainings, test = _detector_trainings(gt, det, detector, "h36m-p1", width, every, out)
    lifter = trainings[-1]  # mixture synthesis, as in Table 2's last row

    def score(models: Mapping[str, Any], out: Path, tc: TrainConfig) -> TableResult:
        from abspose.evaluation import predict_frames
        from abspose.metrics import mrpe
        from abspose.skeletons import H36M17

        pred = predict_frames(models[lifter.slug], test)
        truth = test.joints_cam_mm[:, H36M17.root_index]
        rel = pred.joints_cam_mm - pred.root_cam_mm[:, None]
        rows, dropped = {}, []
        for label, roots in (
            ("Mehta et al. root (weak perspective)", _mehta_roots(test, rel, "weak")),
            ("Mehta et al. root (perspective)", _mehta_roots(test, rel, "perspective")),
            ("AbsPoseLifter", pred.root_cam_mm),
        ):
            ok = np.isfinite(roots).all(-1)
            err = mrpe(roots[ok], truth[ok])
            rows[label] = {"mrpe": err.mrpe, "root_x": err.x, "root_y": err.y, "root_z": err.z}
            if not ok.all():
                dropped.append(f"{label}: {int((~ok).sum())} frames with the root behind the camera left out")
        notes = (
            _detector_notes(lifter.train, test, detector, every),
            "Mehta et al.'s roots from the same detected 2D and the lifter's root-relative pose",
            _optimization(tc, width),
            *dropped,
        )
        return TableResult("table3", rows, notes, columns=("mrpe", "root_x", "root_y", "root_z"))

    return TablePlan("table3", (lifter,), score)


def _plan_table4(
    gt: CameraFrames, det: CameraFrames, detector: str, width: int, every: int, out: Path
) -> TablePlan:
    p1, test1 = _detector_trainings(gt, det, detector, "h36m-p1", width, every, out)
    p2, test2 = _detector_trainings(gt, det, detector, "h36m-p2", width, every, out)

    def score(models: Mapping[str, Any], out: Path, tc: TrainConfig) -> TableResult:
        from abspose.evaluation import evaluate_frames

        by1 = evaluate_frames(models[p1[-1].slug], test1, by="group").groups
        by2 = evaluate_frames(models[p2[-1].slug], test2, by="group").groups
        actions = sorted(a for a in set(by1) | set(by2) if a != "all")
        nan = float("nan")
        rows = {
            a: {
                "p1_mpjpe": by1[a].mpjpe if a in by1 else nan,
                "p2_pa_mpjpe": by2[a].pa_mpjpe if a in by2 else nan,
            }
            for a in actions
        }
        rows["average over actions"] = {
            m: float(np.nanmean([rows[a][m] for a in actions])) for m in ("p1_mpjpe", "p2_pa_mpjpe")
        }
        rows["all frames"] = {"p1_mpjpe": by1["all"].mpjpe, "p2_pa_mpjpe": by2["all"].pa_mpjpe}
        notes = (
            "p1_mpjpe: Protocol 1 (train S1, S5-S8; test S9, S11); p2_pa_mpjpe: Protocol 2 "
            "(train S1, S5-S9; test S11); both trained with mixture synthesis",
            _detector_notes(p1[-1].train, test1, detector, every),
            _optimization(tc, width),
        )
        return TableResult("table4", rows, notes, columns=("p1_mpjpe", "p2_pa_mpjpe"))

    return TablePlan("table4", (p1[-1], p2[-1]), score)


_TABLE5_COLUMNS = ("pck3d", "auc", "mrpe", "mpjpe", "pck3d_GS", "pck3d_noGS", "pck3d_outdoor")


def _plan_table5(data: Benchmarks, width: int, every: int, every_3dhp: int) -> TablePlan:
    test = _need(data, "table5", "mpi_test")
    trainings: list[Training] = []
    if data.mpi_train is not None and len(data.mpi_train):
        train = data.mpi_train.every(every_3dhp)
        for variant, suffix in ((LOCATION_SCALE, ""), (DIRECT_DEPTH, ", w/o canonical loss")):
            slug = _slug("3dhp", every_3dhp, "gt", variant, width)
            trainings.append(Training("trained on 3DHP" + suffix, slug, train, variant.config(width)))
    if data.h36m is not None and len(data.h36m):
        train, _ = _split(data.h36m, "h36m-p1", every, "table5")
        for variant, suffix in ((LOCATION_SCALE, ""), (DIRECT_DEPTH, ", w/o canonical loss")):
            slug = _slug("h36m-p1", every, "gt", variant, width)
            trainings.append(Training("trained on H36M" + suffix, slug, train, variant.config(width)))
    if not trainings:
        raise AbsPoseError("table5 needs training data: mpi_train (MPI-INF-3DHP) and/or h36m (Human3.6M)")

    def score(models: Mapping[str, Any], out: Path, tc: TrainConfig) -> TableResult:
        evs = _evaluate_each(models, trainings, test)
        rows = {}
        for setting, ev in evs.items():
            rows[setting] = all_metrics(ev.groups)
            for group in ("GS", "noGS", "outdoor"):
                for m in ("pck3d", "auc", "mrpe"):
                    rows[setting][f"{m}_{group}"] = (
                        float(getattr(ev.groups[group], m)) if group in ev.groups else float("nan")
                    )
        first = trainings[0]
        figures = (
            _fig5(evs[first.setting], out, "table5", f"MPI-INF-3DHP, {first.setting}"),
            _figure6(models[first.slug], test, out / "fig6_3dhp.png", first.setting),
        )
        sizes = "; ".join(f"{t.setting}: {len(t.train)} frames" for t in trainings[::2])
        notes = (
            f"{len(test)} MPI-INF-3DHP test frames with their annotated 2D (annot2) and real 3D (annot3)",
            f"training: {sizes} (3DHP every {every_3dhp}, H36M Protocol 1 subjects every {every})",
            _optimization(tc, width),
        )
        return TableResult("table5", rows, notes, columns=_TABLE5_COLUMNS, figures=figures)

    return TablePlan("table5", tuple(trainings), score)


def _figure6(model: Any, test: CameraFrames, path: Path, setting: str) -> str:
    """The paper's Fig. 6: one test frame per sequence, its 2D input and the absolute 3D pose
    (estimate solid, truth dashed) in the camera frame."""
    from abspose.evaluation import predict_frames
    from abspose.viz import save_camera_scenes

    picks = []
    for seq in sorted(set(test.subject.tolist())):
        idx = np.flatnonzero(test.subject == seq)
        picks.append(int(idx[len(idx) // 2]))
    shown = test.select(np.asarray(picks))
    pred = predict_frames(model, shown)
    titles = [f"{s} ({g}) frame {f}" for s, g, f in zip(shown.subject, shown.group, shown.frame, strict=True)]
    save_camera_scenes(
        pred.joints_cam_mm,
        shown.joints_cam_mm,
        shown.keypoints_px,
        shown.image_size_px.tolist(),
        path,
        titles,
        f"MPI-INF-3DHP test, {setting}",
    )
    return path.name


_PLANS: dict[str, Callable[..., TablePlan]] = {
    "table2": _plan_table2,
    "table3": _plan_table3,
    "table4": _plan_table4,
}
