"""Per-joint error scatter with the fitted Gaussian's 2σ ellipse and γ (like the paper's Fig. 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from abspose.noise.model import ErrorModel
from abspose.viz.skeleton import save_figure

__all__ = ["plot_error_model"]


def plot_error_model(errors: Any, model: ErrorModel, path: str | Path, title: str = "") -> Path:
    """PNG: one panel per joint, ``(N, J, 2)`` errors [σ_pose] (NaN skipped), the model's
    2σ ellipse, its γ and the uniform box."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse, Rectangle

    e = np.asarray(errors, dtype=np.float64)
    cols = 6
    rows = -(-model.num_joints // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.6 * rows), squeeze=False)
    h = model.half_width
    for j, ax in enumerate(axes.flat):
        if j >= model.num_joints:
            ax.axis("off")
            continue
        pts = e[:, j][np.isfinite(e[:, j]).all(-1)]
        ax.scatter(pts[:, 0], pts[:, 1], s=3, alpha=0.4, color="tab:gray")
        mx, my = model.mean[j]
        sx, sy = model.std[j]
        ax.add_patch(Ellipse((mx, my), 4 * sx, 4 * sy, fill=False, color="tab:red", lw=1.5))
        ax.add_patch(Rectangle((-h, -h), 2 * h, 2 * h, fill=False, color="tab:blue", ls="--", lw=0.8))
        ax.set_xlim(-1.3 * h, 1.3 * h)
        ax.set_ylim(1.3 * h, -1.3 * h)  # image y points down
        ax.set_aspect("equal")
        ax.set_title(f"{model.joint_names[j]}  γ={model.gamma[j]:.2f}  n={len(pts)}", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.suptitle(title or "errors / σ_pose: red 2σ ellipse, blue uniform box", fontsize=10)
    return save_figure(fig, path)
