"""abspose: absolute 3D human pose in camera coordinates from a single 2D pose.

:func:`lift` turns pixel keypoints and intrinsics into camera-frame joints in millimetres.
Subpackages: :mod:`abspose.skeletons`, :mod:`abspose.geometry`, :mod:`abspose.metrics`,
:mod:`abspose.baselines`, :mod:`abspose.data`, :mod:`abspose.model` (imports torch),
:mod:`abspose.io`, :mod:`abspose.viz`. Conventions: camera frame x right, y down,
z forward; 3D in millimetres, 2D in pixels; 17 joints in Human3.6M order.
"""

from abspose._version import __version__
from abspose.api import AbsPoseWarning, LiftResult, lift
from abspose.errors import AbsPoseError, DataError, ShapeError

__all__ = ["AbsPoseError", "AbsPoseWarning", "DataError", "LiftResult", "ShapeError", "__version__", "lift"]
