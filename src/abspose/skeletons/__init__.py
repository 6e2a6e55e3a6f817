"""Joint layouts addressed by name, and conversion of input layouts to Human3.6M-17.

The canonical layout is :data:`H36M17` (root ``pelvis``); every abspose array of 17 joints
is in its order. Inputs in :data:`COCO17`, :data:`BODY25`, :data:`BODY25B`, :data:`MEDIAPIPE33`,
:data:`MPII16` or :data:`H36M32` are converted with :func:`convert_to_h36m17`.
"""

from abspose.skeletons._skeleton import Skeleton
from abspose.skeletons.convert import (
    LAYOUTS,
    ConvertedKeypoints,
    conversion_matrix,
    convert_to_h36m17,
    get_layout,
)
from abspose.skeletons.layouts import BODY25, BODY25B, COCO17, H36M17, H36M32, MEDIAPIPE33, MPII16

__all__ = [
    "BODY25",
    "BODY25B",
    "COCO17",
    "H36M17",
    "H36M32",
    "LAYOUTS",
    "MEDIAPIPE33",
    "MPII16",
    "ConvertedKeypoints",
    "Skeleton",
    "conversion_matrix",
    "convert_to_h36m17",
    "get_layout",
]
