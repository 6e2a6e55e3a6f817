"""Plots of poses and error models (matplotlib, headless)."""

from abspose.viz.noise import plot_error_model
from abspose.viz.skeleton import draw_pose_2d, draw_pose_3d, save_camera_scene, save_figure, save_pose_grid

__all__ = [
    "draw_pose_2d",
    "draw_pose_3d",
    "plot_error_model",
    "save_camera_scene",
    "save_figure",
    "save_pose_grid",
]
