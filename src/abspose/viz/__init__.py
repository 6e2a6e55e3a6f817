"""Plots of poses and error models (matplotlib, headless) and the 3D viewer page (plotly.js)."""

from abspose.viz.body import plot_body_lengths
from abspose.viz.noise import plot_error_model
from abspose.viz.people import draw_overlay, draw_top_down, person_color, save_people_figure
from abspose.viz.scene import SceneRecorder, read_scene
from abspose.viz.skeleton import (
    draw_pose_2d,
    draw_pose_3d,
    save_camera_scene,
    save_camera_scenes,
    save_figure,
    save_pose_grid,
    save_sample_views,
)

__all__ = [
    "SceneRecorder",
    "draw_overlay",
    "draw_pose_2d",
    "draw_pose_3d",
    "draw_top_down",
    "person_color",
    "plot_body_lengths",
    "plot_error_model",
    "read_scene",
    "save_camera_scene",
    "save_camera_scenes",
    "save_figure",
    "save_people_figure",
    "save_pose_grid",
    "save_sample_views",
]
