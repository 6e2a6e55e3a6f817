"""The paper's numbers (METHOD.md §8) and what each table shows."""

from __future__ import annotations

__all__ = ["PAPER", "TABLES"]

#: The paper's numbers (METHOD.md §8): per table, setting -> metric -> value [mm or %].
PAPER: dict[str, dict[str, dict[str, float]]] = {
    "table1": {
        "baseline (no location, no scale)": {"mpjpe": 44.86, "pa_mpjpe": 29.24, "mrpe": 510.88},
        "+ location": {"mpjpe": 39.04, "pa_mpjpe": 29.09, "mrpe": 368.89},
        "+ scale": {"mpjpe": 44.29, "pa_mpjpe": 28.90, "mrpe": 113.38},
        "+ location & scale": {"mpjpe": 38.38, "pa_mpjpe": 28.78, "mrpe": 98.84},
    },
    "table2": {
        "trained on GT 2D, no location/scale": {"mpjpe": 64.97, "pa_mpjpe": 45.47, "mrpe": 680.38},
        "trained on GT 2D": {"mpjpe": 61.53, "pa_mpjpe": 45.45, "mrpe": 239.35},
        "trained on the detector's 2D": {"mpjpe": 58.90, "pa_mpjpe": 43.54, "mrpe": 209.44},
        "single-Gaussian synthesis": {"mpjpe": 56.01, "pa_mpjpe": 44.78, "mrpe": 164.51},
        "mixture synthesis": {"mpjpe": 53.14, "pa_mpjpe": 42.63, "mrpe": 144.24},
    },
    "table3": {
        "Mehta et al. root (weak perspective)": {
            "mrpe": 163.96, "root_x": 20.42, "root_y": 20.23, "root_z": 157.53,
        },
        "AbsPoseLifter": {"mrpe": 144.24, "root_x": 20.35, "root_y": 20.97, "root_z": 137.03},
    },
    "table4": {"average over actions": {"p1_mpjpe": 52.5, "p2_pa_mpjpe": 39.1}},
    "table5": {
        "trained on 3DHP": {"pck3d": 83.9, "auc": 45.0, "mrpe": 217.4},
        "trained on 3DHP, w/o canonical loss": {"mrpe": 260.8},
        "trained on H36M": {"pck3d": 76.5, "auc": 40.2, "mrpe": 421.3},
        "trained on H36M, w/o canonical loss": {"mrpe": 920.1},
    },
}  # fmt: skip


#: What each table needs (the :class:`Benchmarks` fields) and shows.
TABLES: dict[str, str] = {
    "table1": "h36m: Protocol 1, ground-truth 2D, the normalization's location and scale inputs",
    "table2": "h36m + h36m_detected: Protocol 1 on detected 2D, five ways to train (GT, detector, synthesis)",
    "table3": "h36m + h36m_detected: the root from the lifter vs Mehta et al.'s closed form, X/Y/Z",
    "table4": "h36m + h36m_detected: per action, Protocol 1 MPJPE and Protocol 2 PA-MPJPE",
    "table5": "mpi_test + mpi_train and/or h36m: MPI-INF-3DHP per scene, with and without the canonical loss",
}
