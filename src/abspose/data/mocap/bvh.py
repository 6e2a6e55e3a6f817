"""BVH reading: bvhio parses the file; forward kinematics runs vectorized over frames.

bvhio's own forward kinematics walks one frame at a time in Python; here its parsed
per-joint keyframes (local position and rotation quaternion) are stacked into arrays and
chained with batched matrix products. ``tests/data/test_bvh.py`` checks the result against
bvhio's hierarchy FK.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from abspose.errors import DataError

__all__ = ["BvhMotion", "check_bvh_structure", "read_bvh"]


@dataclass(frozen=True)
class BvhMotion:
    """World-space joint transforms of a BVH clip, in the file's units and world frame.

    Attributes:
        joint_names: names of the joints computed (the requested ones and their ancestors).
        positions: ``(F, K, 3)`` joint origins in the world [file units].
        rotations: ``(F, K, 3, 3)`` joint-to-world rotations.
        rest_positions: ``(K, 3)`` joint origins at rest (every channel zero: offsets only,
            every joint-to-world rotation the identity).
        frame_time_s: seconds per frame, from the header.
        all_joint_names: every joint name in the file.
    """

    joint_names: tuple[str, ...]
    positions: NDArray[np.float64]
    rotations: NDArray[np.float64]
    rest_positions: NDArray[np.float64]
    frame_time_s: float
    all_joint_names: tuple[str, ...]

    @property
    def num_frames(self) -> int:
        """F, the number of frames."""
        return int(self.positions.shape[0])

    def index(self, name: str) -> int:
        """Index of a computed joint by name."""
        try:
            return self.joint_names.index(name)
        except ValueError:
            raise DataError(f"joint {name!r} was not computed; available: {list(self.joint_names)}") from None


def _walk(joint: object, parent: str | None, out: dict[str, tuple[object, str | None]]) -> None:
    out[joint.Name] = (joint, parent)  # type: ignore[attr-defined]
    for child in joint.Children:  # type: ignore[attr-defined]
        _walk(child, joint.Name, out)  # type: ignore[attr-defined]


_CHANNELS = {"Xposition", "Yposition", "Zposition", "Xrotation", "Yrotation", "Zrotation"}


def check_bvh_structure(path: Path) -> None:
    """Check a BVH file's header and first motion line before bvhio parses it.

    bvhio loops forever on an empty file or a header cut short, so the structure is checked
    here with a bounded pass over the header's tokens: a HIERARCHY with one ROOT, every joint
    with an OFFSET (3 numbers) and a CHANNELS list, balanced braces, then MOTION, ``Frames: N``,
    ``Frame Time: t`` and a first frame with one number per channel.

    Raises:
        DataError: the file cannot be read, or its structure is not a BVH's (says what is wrong).
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataError(f"{path}: cannot read as BVH ({exc})") from exc

    def bad(why: str) -> DataError:
        return DataError(f"{path}: cannot read as BVH ({why})")

    head, sep, motion = text.partition("MOTION")
    if not sep:
        raise bad("no MOTION section: is the file cut short?" if text.strip() else "the file is empty")
    tokens = head.split()
    if not tokens or tokens[0] != "HIERARCHY":
        raise bad("expected the file to start with HIERARCHY")
    if "ROOT" not in tokens:
        raise bad("no ROOT joint in the HIERARCHY")
    depth, channels, i = 0, 0, 1
    while i < len(tokens):
        token = tokens[i]
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                raise bad("a '}' without its '{' in the HIERARCHY")
        elif token == "OFFSET":
            try:
                [float(v) for v in tokens[i + 1 : i + 4]]
            except ValueError:
                raise bad(f"an OFFSET that is not 3 numbers: {tokens[i + 1 : i + 4]}") from None
            if len(tokens) < i + 4:
                raise bad("the HIERARCHY ends inside an OFFSET")
            i += 3
        elif token == "CHANNELS":
            try:
                count = int(tokens[i + 1])
            except (IndexError, ValueError):
                raise bad("CHANNELS without a channel count") from None
            names = tokens[i + 2 : i + 2 + count]
            if len(names) != count or not set(names) <= _CHANNELS:
                raise bad(f"CHANNELS {count} followed by {names}")
            channels += count
            i += 1 + count
        i += 1
    if depth != 0:
        raise bad(f"the HIERARCHY's braces do not balance ({depth} unclosed: is the header cut short?)")
    if channels == 0:
        raise bad("no CHANNELS in the HIERARCHY")
    lines = iter(motion.splitlines())
    header: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise bad(f"expected 'Frames:' and 'Frame Time:' after MOTION, got {line.strip()[:40]!r}")
        header[key.strip()] = value.strip()
        if key.strip() == "Frame Time":
            break
    try:
        frames = int(header["Frames"])
        float(header["Frame Time"])
    except (KeyError, ValueError):
        raise bad(f"expected 'Frames: N' and 'Frame Time: t' after MOTION, got {header}") from None
    if frames < 1:
        raise DataError(f"{path}: the BVH file has no motion frames")
    first = next((line for line in lines if line.strip()), "")
    if len(first.split()) != channels:
        raise bad(f"the first frame has {len(first.split())} values, the HIERARCHY {channels} channels")


def read_bvh(path: str | Path, joints: Iterable[str] | None = None) -> BvhMotion:
    """Read a BVH file and compute world transforms of ``joints`` (all joints if None).

    Args:
        path: the .bvh file.
        joints: names of the joints needed; their ancestors are computed too.

    Raises:
        DataError: unreadable file, no frames, or a requested joint that the file lacks.
    """
    import bvhio  # local: bvhio pulls in PyGLM, which only data conversion needs

    path = Path(path)
    check_bvh_structure(path)
    try:
        bvh = bvhio.readAsBvh(str(path))
    except (OSError, SyntaxError, ValueError, IndexError) as exc:
        raise DataError(f"{path}: cannot read as BVH ({exc})") from exc
    if bvh.FrameCount < 1:
        raise DataError(f"{path}: the BVH file has no motion frames")
    tree: dict[str, tuple[object, str | None]] = {}
    _walk(bvh.Root, None, tree)
    wanted = list(tree) if joints is None else list(joints)
    missing = [j for j in wanted if j not in tree]
    if missing:
        raise DataError(
            f"{path}: the BVH lacks joints {missing} needed for the H36M-17 mapping; "
            f"it has {sorted(tree)[:12]}... (is this a supported rig?)"
        )
    needed: list[str] = []  # wanted joints and their ancestors, parents first
    for name in wanted:
        chain = []
        node: str | None = name
        while node is not None and node not in needed and node not in chain:
            chain.append(node)
            node = tree[node][1]
        needed.extend(reversed(chain))
    order = [n for n in tree if n in set(needed)]  # file order = parents before children

    F = bvh.FrameCount
    pos = np.empty((F, len(order), 3))
    rot = np.empty((F, len(order), 3, 3))
    rest_pos = np.empty((len(order), 3))
    slot = {n: i for i, n in enumerate(order)}
    for i, name in enumerate(order):
        joint, parent = tree[name]
        keys = joint.Keyframes  # type: ignore[attr-defined]
        local_pos = np.array([(k.Position.x, k.Position.y, k.Position.z) for k in keys])  # (F, 3)
        quat_xyzw = np.array([(k.Rotation.x, k.Rotation.y, k.Rotation.z, k.Rotation.w) for k in keys])
        local_rot = Rotation.from_quat(quat_xyzw).as_matrix()  # (F, 3, 3)
        offset = np.array(joint.Offset.to_list(), dtype=np.float64)  # type: ignore[attr-defined]
        if parent is None:
            pos[:, i], rot[:, i] = local_pos, local_rot
            rest_pos[i] = offset
        else:
            p = slot[parent]
            rot[:, i] = rot[:, p] @ local_rot
            pos[:, i] = pos[:, p] + np.einsum("fij,fj->fi", rot[:, p], local_pos)
            rest_pos[i] = rest_pos[p] + offset
    return BvhMotion(
        joint_names=tuple(order),
        positions=pos,
        rotations=rot,
        rest_positions=rest_pos,
        frame_time_s=float(bvh.FrameTime),
        all_joint_names=tuple(tree),
    )
