"""``abspose evaluate``: score a lifter on a benchmark's frames or on held-out motion capture."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from abspose._console import console
from abspose.cli._app import GroupBy, Root, Split, app, echo_warnings, errors_table
from abspose.cli.media import (
    FlipOpt,
)
from abspose.data.benchmarks import BENCHMARKS
from abspose.errors import AbsPoseError


@app.command()
def evaluate(
    dataset: Annotated[
        str,
        typer.Option(
            help="A dataset .npz from `abspose data cmu` (virtual cameras), or a benchmark: h36m "
            "(VideoPose3D's data_3d_h36m.npz [data_2d_h36m_<detector>.npz]), mmpose-h36m or mmpose-3dhp "
            "(MMPose's npz, with --cameras), 3dhp-test (the folder holding TS1 ... TS6)."
        ),
    ],
    files: Annotated[
        list[Path] | None, typer.Argument(help="The benchmark's files (see --dataset).", show_default=False)
    ] = None,
    cameras: Annotated[
        Path | None, typer.Option(help="MMPose's camera file (.pkl, needs --trust-pickle) or its .json.")
    ] = None,
    trust_pickle: Annotated[
        bool,
        typer.Option("--trust-pickle", help="Read pickle files (they can run code: only ones you trust)."),
    ] = False,
    protocol: Annotated[
        str,
        typer.Option(
            help="Human3.6M test subjects: h36m-p1 (S9, S11), h36m-p2 (S11) or all (every subject: "
            "for a model trained without Human3.6M)."
        ),
    ] = "h36m-p1",
    subjects: Annotated[
        str | None, typer.Option(help="Human3.6M subjects to test on, e.g. S1,S5 (overrides --protocol).")
    ] = None,
    every: Annotated[
        int, typer.Option(help="Every n-th frame of each sequence (64: a common H36M subset).")
    ] = 1,
    universal: Annotated[
        bool, typer.Option(help="3dhp-test: ground truth from univ_annot3 (the literature's 3DPCK skeleton).")
    ] = False,
    by: Annotated[
        GroupBy, typer.Option(help="Benchmarks: rows per group (action / scene), subject or camera.")
    ] = GroupBy.group,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Checkpoint; default: the shipped model for exact 2D (the detector-trained one for h36m "
            "with a data_2d_h36m_<detector>.npz)."
        ),
    ] = None,
    split: Annotated[Split, typer.Option(help="The people to score.")] = Split.test,
    seed: Annotated[int, typer.Option(help="Seed of the virtual cameras.")] = 0,
    focal_min: Annotated[float, typer.Option(help="Smallest focal length drawn [px].")] = 500.0,
    focal_max: Annotated[float, typer.Option(help="Largest focal length drawn [px].")] = 2500.0,
    plot: Annotated[Path | None, typer.Option(help="PNG of errors vs distance, focal, stature.")] = None,
    per_clip: Annotated[bool, typer.Option(help="Print the per-clip table.")] = False,
    root: Annotated[
        Root, typer.Option(help="lifter, or mehta (closed-form root, paper Table 3).")
    ] = Root.lifter,
    known_stature: Annotated[
        bool, typer.Option(help="Give the model each body's true height (size ambiguity removed).")
    ] = False,
    input_errors: Annotated[
        str | None,
        typer.Option(
            help="2D errors on the inputs: errors.npz of `abspose noise pose2sim` (its held-out "
            "frames), an error model .json, or a shipped model name."
        ),
    ] = None,
    flip_test: FlipOpt = False,
) -> None:
    """Score a lifter: on a benchmark's frames, or with ground-truth 2D of held-out CMU subjects
    under virtual cameras."""
    from abspose.api import default_model_path
    from abspose.data import MocapDataset, VirtualCameraConfig, split_subjects
    from abspose.evaluation import evaluate_lifter, plot_evaluation
    from abspose.model import load_lifter

    if dataset in BENCHMARKS:
        from abspose.data.benchmarks import read_benchmark
        from abspose.data.benchmarks._pickle import PickleWarning

        with echo_warnings(PickleWarning):
            frames = read_benchmark(
                dataset,
                files or [],
                cameras=cameras,
                trust_pickle=trust_pickle,
                protocol=protocol,
                universal=universal,
                subjects=subjects,
            )
        if model is None and dataset == "h36m" and files is not None and len(files) == 2:
            model = default_model_path("detector")  # a detector's 2D: the detector-trained model
            console.print(f"2D from {files[1].name}: lifting with the shipped detector model {model.name}")
        _evaluate_benchmark(frames.every(every), model, by.value, plot, flip_test)
        return
    if files:
        raise AbsPoseError(
            f"unexpected files {[str(f) for f in files]}: only the benchmarks {BENCHMARKS} take files"
        )
    if not Path(dataset).is_file():
        raise AbsPoseError(
            f"--dataset {dataset}: expected a dataset .npz from `abspose data cmu` or one of "
            f"{', '.join(BENCHMARKS)}"
        )
    data = MocapDataset.load(dataset).select_subjects(split_subjects(split.value))
    net = load_lifter(model or default_model_path())
    virtual = VirtualCameraConfig(focal_px=(focal_min, focal_max))
    errors = _input_errors(input_errors) if input_errors else None
    ev = evaluate_lifter(
        net,
        data,
        seed=seed,
        cameras=virtual,
        root=root.value,
        known_stature=known_stature,
        input_errors=errors,
        flip_test=flip_test,
    )
    known = (
        (", known stature" if known_stature else "")
        + (", flip test" if flip_test else "")
        + (f", 2D errors: {input_errors}" if errors is not None else "")
    )
    title = f"{split} split, {len(data)} frames, focal {focal_min:g}-{focal_max:g} px, {root} root{known}"
    console.print(errors_table(title, "group", ev.groups, sorted(ev.groups) if per_clip else ["all"]))
    console.print(
        str(
            f"errors in mm, 3DPCK/AUC in %; root depth error "
            f"{100 * ev.relative_depth_error:.1f}% of the distance"
        )
    )
    if plot is not None:
        plot_evaluation(ev, plot, title=f"{split} split, focal {focal_min:g}-{focal_max:g} px")
        console.print(f"wrote {plot}")


def _evaluate_benchmark(frames: Any, model: Path | None, by: str, plot: Path | None, flip_test: bool) -> None:
    from abspose.evaluation import evaluate_frames, plot_evaluation

    if len(frames) == 0:
        raise AbsPoseError(f"{frames.name}: no frames left to evaluate (check --protocol and --every)")
    ev = evaluate_frames(model, frames, by=by, flip_test=flip_test)  # type: ignore[arg-type]
    keys = [*sorted(k for k in ev.groups if k != "all"), "all"]
    flipped = ", flip test" if flip_test else ""
    title = f"{frames.name}: {len(frames)} frames, 2D input from the files{flipped}"
    console.print(errors_table(title, by, ev.groups, keys))
    console.print(
        "errors in mm (MPJPE root-aligned, PA-MPJPE after a similarity fit), 3DPCK@150 mm and AUC in %"
    )
    if plot is not None:
        plot_evaluation(ev, plot, title=f"{frames.name}: {len(frames)} frames")
        console.print(f"wrote {plot}")


def _input_errors(source: str) -> Any:
    """Error vectors (held-out rows of an errors.npz) or an error model, for `evaluate`."""
    from abspose.noise import load_error_model
    from abspose.noise.pose2sim import RealErrors

    if source.endswith(".npz"):
        real = RealErrors.load(source)
        console.print(
            f"{len(real.held_out_complete)} held-out real error vectors (frames >= {real.fit_frames})"
        )
        return real.held_out_complete
    return load_error_model(source)
