"""The fixed train / validation / test split of the CMU data, by subject.

A subject (the number before the underscore in the file name) is on one side of the split in
both the daz and the iclone folders. Frame counts at 30 fps (119 clips, 20,185 frames):

=====  ==========================  =======  =====================================
split  subjects                    frames   rigs
=====  ==========================  =======  =====================================
train  1, 2, 5, 7, 10, 12, 14       14,212   daz, iclone
val    3, 8, 9                      1,649    daz, iclone
test   6, 13, 16                    4,324    daz, iclone, cmu_asf (unseen body)
=====  ==========================  =======  =====================================

Subject 16 is the only clip set in the original CMU ASF rig, so the test split holds one body
that no training frame has.
"""

from __future__ import annotations

from abspose.errors import AbsPoseError

__all__ = ["SPLITS", "split_subjects"]

#: Subjects per split: CMU numbers, ReActIdle persons as 1000 + NNN, lab-trial persons 2001...
#: (:data:`abspose.data.mocap.sources.LAB_PEOPLE`). The lab test people include the only real
#: sit-to-stand trials, so sitting is tested on a person no training frame has.
SPLITS: dict[str, tuple[int, ...]] = {
    "train": (
        1,
        2,
        5,
        7,
        10,
        12,
        14,
        1000,
        1001,
        1002,
        1003,
        1004,
        1007,
        1008,
        1009,
        1010,
        1011,
        2003,
        2004,
        2005,
    ),
    "val": (3, 8, 9, 1012, 1013),
    "test": (6, 13, 16, 1014, 1015, 2001, 2002),
}


def split_subjects(split: str) -> tuple[int, ...]:
    """CMU subject numbers of a split (``"train"``, ``"val"`` or ``"test"``)."""
    try:
        return SPLITS[split]
    except KeyError:
        raise AbsPoseError(f"unknown split {split!r}; expected one of {sorted(SPLITS)}") from None
