"""The body model's bone lengths beside Human3.6M's training subjects (one panel per bone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from abspose.data.mocap.augment import BONE_GROUPS
from abspose.data.mocap.body import H36M_TRAINING_SUBJECTS_MM, Bodies
from abspose.skeletons import H36M17
from abspose.viz.skeleton import save_figure

__all__ = ["plot_body_lengths"]


def plot_body_lengths(
    bodies: Bodies, path: str | Path, *, rigs: dict[str, dict[str, float]] | None = None
) -> Path:
    """Histograms of sampled bone lengths (women and men stacked) with the five Human3.6M
    training subjects as black ticks and, optionally, ``rigs`` (``{name: {group: mm}}``) as
    dashed lines; plus the stature distribution. Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(BONE_GROUPS)
    fig, axes = plt.subplots(3, 4, figsize=(14, 9))
    panels = [
        ("stature", bodies.stature_mm),
        *((g, bodies.bone_lengths_mm[:, H36M17.index(BONE_GROUPS[g][0])]) for g in groups),
    ]
    for ax, (name, values) in zip(axes.flat, panels, strict=False):
        bins = np.linspace(np.percentile(values, 0.2), np.percentile(values, 99.8), 40)
        parts = [values[bodies.female], values[~bodies.female]]
        ax.hist(
            parts,
            bins=bins,
            stacked=True,
            label=["women", "men"],
            color=["tab:orange", "tab:blue"],
            alpha=0.8,
        )
        if name in H36M_TRAINING_SUBJECTS_MM:
            for k, v in enumerate(H36M_TRAINING_SUBJECTS_MM[name]):
                ax.axvline(v, color="k", lw=1.2, label="H36M S1, S5-S8" if k == 0 else None)
        for rig, lengths in (rigs or {}).items():
            if name in lengths:
                ax.axvline(lengths[name], ls="--", lw=1.2, color="tab:red", label=f"rig {rig}")
        ax.set_title(f"{name} [mm]")
        ax.set_yticks([])
    axes.flat[0].legend(fontsize=7)
    axes.flat[1].legend(fontsize=7)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.suptitle(
        f"body model: {len(bodies.stature_mm)} sampled adults (ANSUR II statures, Human3.6M-17 proportions)"
    )
    return save_figure(fig, path)
