"""Plots of poses (matplotlib, headless)."""

from abspose.viz.skeleton import draw_pose_2d, draw_pose_3d, save_camera_scene, save_figure, save_pose_grid

__all__ = ["draw_pose_2d", "draw_pose_3d", "save_camera_scene", "save_figure", "save_pose_grid"]
