"""``abspose noise ...`` and ``abspose fit-errors``: measure and fit 2D detector errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from abspose._console import console
from abspose.cli._app import app
from abspose.errors import AbsPoseError

noise_app = typer.Typer(
    help="2D detector errors: measure them, fit error models.", no_args_is_help=True, rich_markup_mode=None
)


def _print_model(model: Any, title: str) -> None:
    table = Table(title=title)
    for col in ("joint", "γ", "μx", "μy", "σx", "σy"):
        table.add_column(col)
    for j, name in enumerate(model.joint_names):
        mx, my = model.mean[j]
        sx, sy = model.std[j]
        table.add_row(name, f"{model.gamma[j]:.3f}", f"{mx:+.3f}", f"{my:+.3f}", f"{sx:.3f}", f"{sy:.3f}")
    console.print(table)


def _fit_and_save(errors: Any, out: Path, provenance: dict[str, Any], plot: Path | None) -> None:
    from abspose.noise import fit_gaussian, fit_mixture
    from abspose.skeletons import H36M17
    from abspose.viz import plot_error_model

    fit = fit_mixture(errors, H36M17.joint_names, provenance={**provenance, "kind": "mixture"})
    gauss = fit_gaussian(errors, H36M17.joint_names, provenance={**provenance, "kind": "gaussian"})
    fit.model.save(out)
    gauss_path = out.with_name(out.stem.removesuffix("_mixture") + "_gaussian.json")
    gauss.save(gauss_path)
    _print_model(fit.model, f"mixture, errors / σ_pose, EM {fit.iterations} iterations")
    console.print(f"wrote {out} (mixture) and {gauss_path} (single Gaussian)")
    if plot is not None:
        plot_error_model(errors, fit.model, plot, title=provenance.get("source", ""))
        console.print(f"wrote {plot}")


@noise_app.command("pose2sim")
def noise_pose2sim(
    source: Annotated[
        Path,
        typer.Option(
            exists=True,
            help="pose2sim 0.3.6 wheel or its Demo folder (OpenPose detections), or pose2sim 0.10.49 "
            "wheel or its Demo_SinglePerson folder (videos: MediaPipe is run on them).",
        ),
    ],
    out_dir: Annotated[Path, typer.Option(help="Folder for the errors, models and plot.")] = Path(
        "pose2sim_errors"
    ),
    fit_frames: Annotated[int, typer.Option(help="Frames [0, N) are fitted, the rest held out.")] = 50,
) -> None:
    """Measure a 2D detector's real errors on Pose2Sim's 4-camera demo (leave-one-view-out) and fit.

    OpenPose: its detections shipped with pose2sim 0.3.6. MediaPipe: run here on the videos of
    pose2sim 0.10.49 (needs `abspose setup-2d`).
    """
    from abspose.noise.pose2sim import is_video_demo, measure_errors, read_pose2sim_demo, read_pose2sim_videos

    if is_video_demo(source):
        from rich.progress import Progress

        from abspose.estimator2d import MediaPipeBackend

        with MediaPipeBackend() as backend, Progress(console=console, transient=True) as progress:
            task = progress.add_task("MediaPipe on 4 videos", total=None)
            capture = read_pose2sim_videos(
                source, backend, on_frame=lambda n: progress.update(task, completed=n)
            )
        what, name, version = (
            "MediaPipe BlazePose (abspose MediaPipeBackend)",
            "mediapipe33_mixture",
            "0.10.49",
        )
    else:
        capture = read_pose2sim_demo(source)
        what, name, version = "OpenPose BODY_25B", "openpose_body25b_mixture", "0.3.6"
    real = measure_errors(capture, fit_frames)
    out_dir.mkdir(parents=True, exist_ok=True)
    real.save(out_dir / "errors.npz")
    fit_rows = real.fit
    complete = np.isfinite(fit_rows).all(-1).any(-1)
    norm = np.linalg.norm(real.errors, axis=-1)
    console.print(
        f"{capture.keypoints_px.shape[0]} views x {capture.keypoints_px.shape[1]} frames; "
        f"{int(complete.sum())} poses with a reference in frames < {fit_frames}, "
        f"{int(np.isfinite(real.held_out).all(-1).any(-1).sum())} held out; "
        f"median joint error {np.nanmedian(norm):.3f} σ_pose"
    )
    provenance = {
        "source": f"pose2sim {version} demo (BSD-3-Clause): {what}, 4 calibrated cameras",
        "method": "leave-one-view-out triangulation, reprojected into the held-out view",
        "frames": f"0-{fit_frames - 1}",
        "command": f"abspose noise pose2sim --source {source.name} --fit-frames {fit_frames}",
    }
    _fit_and_save(fit_rows, out_dir / f"{name}.json", provenance, out_dir / "errors.png")


def fit_errors(
    pred: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Detected keypoints (any `abspose lift` input).")
    ],
    gt: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="True keypoints, same people and order.")
    ],
    out: Annotated[
        Path, typer.Option(help="Error model to write (.json); a _gaussian.json is written beside.")
    ],
    layout: Annotated[
        str | None, typer.Option(help="Layout of both files (default: from the files).")
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="PNG of the errors and the fitted model.")] = None,
) -> None:
    """Fit the Gaussian + uniform error model (and a single Gaussian) to your own detector's errors."""
    from abspose.io import read_keypoints

    p, g = read_keypoints(pred), read_keypoints(gt)
    if p.keypoints_px.shape != g.keypoints_px.shape:
        raise AbsPoseError(
            f"--pred has shape {p.keypoints_px.shape} but --gt {g.keypoints_px.shape}; "
            "expected the same people and joints in both files"
        )
    from abspose.noise import pose_errors

    valid = None if p.confidences is None else p.confidences > 0
    errors = pose_errors(p.keypoints_px, g.keypoints_px, layout or p.layout or "h36m17", valid)
    console.print(f"{len(errors)} poses, {int(np.isfinite(errors).all(-1).sum())} joint errors")
    _fit_and_save(errors, out, {"source": f"{pred.name} vs {gt.name}", "command": "abspose fit-errors"}, plot)


app.add_typer(noise_app, name="noise")
app.command("fit-errors")(fit_errors)
