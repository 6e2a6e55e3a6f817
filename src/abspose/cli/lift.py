"""``abspose lift``: keypoint files in, absolute 3D poses out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import Progress

from abspose._console import console
from abspose.cli._app import app, echo_warnings
from abspose.cli.media import (
    CameraHeightOpt,
    CameraPitchOpt,
    CameraRollOpt,
    FlipOpt,
    FloorOpt,
    floor_options,
    interval_text,
)
from abspose.errors import AbsPoseError


@app.command()
def lift(
    input: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Keypoints: .json (abspose, COCO, OpenPose), .npy, .npz."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Result file, .json or .csv; .npy (from a .npy input) streams in chunks: any size."
        ),
    ] = Path("lifted.json"),
    focal: Annotated[float | None, typer.Option(help="Focal length [px].")] = None,
    principal: Annotated[tuple[float, float] | None, typer.Option(help="Principal point CX CY [px].")] = None,
    image_size: Annotated[tuple[int, int] | None, typer.Option(help="Image WIDTH HEIGHT [px].")] = None,
    layout: Annotated[
        str | None,
        typer.Option(
            help="h36m17, coco17, body25, body25b, mediapipe33, mpii16, h36m32 (default: from the file)."
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Checkpoint (.safetensors, or .onnx run by ONNX Runtime); default: the shipped model."
        ),
    ] = None,
    stature: Annotated[
        float | None, typer.Option(help="Known body height of every person [mm]: removes the size ambiguity.")
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(help="Joints at or below this confidence are missing and filled in from the others."),
    ] = 0.0,
    chunk: Annotated[int, typer.Option(help="Poses per chunk when streaming .npy to .npy.")] = 65536,
    flip_test: FlipOpt = False,
    camera_height: CameraHeightOpt = None,
    camera_pitch: CameraPitchOpt = None,
    camera_roll: CameraRollOpt = None,
    floor: FloorOpt = None,
) -> None:
    """Lift 2D keypoints to absolute 3D joints in the camera frame [mm]."""

    from abspose._files import check_output_path, refuse_overwriting_inputs
    from abspose.api import AbsPoseWarning
    from abspose.api import lift as lift_keypoints
    from abspose.io import read_keypoints, write_result
    from abspose.pipeline import lift_npy

    check_output_path(out, (".json", ".csv", ".npy"), "--out")
    refuse_overwriting_inputs({"--out": out}, [input, model])
    on_floor = floor_options(camera_height, camera_pitch, camera_roll, floor)
    if out.suffix.lower() == ".npy" and any(v is not None for v in on_floor.values()):
        raise AbsPoseError(
            "--camera-height, --camera-pitch, --camera-roll and --floor need --out .json or .csv"
        )
    if out.suffix.lower() == ".npy":
        with echo_warnings(AbsPoseWarning), Progress(console=console) as progress:  # once each
            task = progress.add_task("lifting", total=None)

            def on_chunk(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            n = lift_npy(
                input,
                out,
                chunk=chunk,
                on_chunk=on_chunk,
                focal_px=focal,
                principal_px=principal,
                image_size=image_size,
                layout=layout or "h36m17",
                model=model,
                stature_mm=stature,
                min_confidence=min_confidence,
                flip_test=flip_test,
            )
        console.print(f"wrote {out}: {n} poses, (N, 17, 3) float32 joints in the camera frame [mm]")
        return
    kf = read_keypoints(input)
    if model is None and kf.from_detector and layout is None:
        from abspose.api import default_model_path

        model = default_model_path("detector")  # detector 2D, as the image/video pipeline lifts it
    with echo_warnings(AbsPoseWarning):
        result = lift_keypoints(
            kf.keypoints_px,
            focal_px=focal if focal is not None else kf.focal_px,
            principal_px=principal if principal is not None else kf.principal_px,
            image_size=image_size if image_size is not None else kf.image_size,
            layout=layout or kf.layout or "h36m17",
            confidences=kf.confidences,
            model=model,
            stature_mm=stature,
            min_confidence=min_confidence,
            flip_test=flip_test,
            **on_floor,
        )
    if result.floor is not None:
        console.print(
            f"floor: {result.floor.offset_mm / 1000:.2f} m below the camera, up = "
            f"{np.round(result.floor.up_cam, 3).tolist()} ({result.floor.orientation_source})"
        )
    sources = result.scale_source if result.scale_source is not None else ["prior"] * len(result.root_cam_mm)
    for i, root in enumerate(result.root_cam_mm[:10]):
        filled = [n for n, m in zip(result.joint_names, result.imputed[i], strict=True) if m]
        console.print(
            f"person {i}: pelvis at x = {root[0] / 1000:+.2f} m, y = {root[1] / 1000:+.2f} m, "
            f"z = {root[2] / 1000:.2f} m "
            f"({result.distance_m[i]:.2f} m from the camera{interval_text(result.distance_interval_m[i])}; "
            f"Z/f = {result.canonical_depth[i]:.3f} mm/px; "
            f"scale from {sources[i]})" + (f"; filled in: {', '.join(filled)}" if filled else "")
        )
    if len(result.root_cam_mm) > 10:
        console.print(f"... and {len(result.root_cam_mm) - 10} more people (all in {out})")
    write_result(out, result)
    console.print(f"wrote {out}")
