"""The one training loop: the learning-rate schedule, per-epoch seeding, resume checks, and
the epoch loop with its callbacks. The lifter (:func:`abspose.model.train_lifter`), the 2D
estimator (:func:`abspose.estimator2d.train_integral`) and the depth-spread head share it.

Every epoch seeds torch with :func:`epoch_seed`, so epoch ``e`` draws the same shuffles and
dropout masks whether the run started at 0 or resumed at ``e``: a resumed run matches an
uninterrupted one bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import torch

from abspose.errors import AbsPoseError

__all__ = ["StepSchedule", "changed_settings", "epoch_seed", "make_optimizer", "run_epochs", "seed_epoch"]

Stats = TypeVar("Stats")


def epoch_seed(seed: int, epoch: int) -> int:
    """The torch seed of ``epoch`` in a run seeded ``seed`` (distinct for every pair in use).

    >>> epoch_seed(0, 3), epoch_seed(1, 0)
    (3, 1000003)
    """
    return seed * 1_000_003 + epoch


def seed_epoch(seed: int, epoch: int) -> torch.Generator:
    """Seed torch's global generator for ``epoch`` (dropout, augmentation) and return a new
    generator with the same seed (the sample order)."""
    torch.manual_seed(epoch_seed(seed, epoch))
    return torch.Generator().manual_seed(epoch_seed(seed, epoch))


@dataclass(frozen=True)
class StepSchedule:
    """``lr`` until ``drop_epoch``, then ``lr * drop_factor``.

    >>> StepSchedule(1e-3, 20, 0.1).at(19), StepSchedule(1e-3, 20, 0.1).at(20)
    (0.001, 0.0001)
    """

    lr: float
    drop_epoch: int
    drop_factor: float

    def at(self, epoch: int) -> float:
        """The learning rate of ``epoch`` (0-based)."""
        return self.lr * (self.drop_factor if epoch >= self.drop_epoch else 1.0)


def make_optimizer(
    name: Literal["adam", "rmsprop"], parameters: Iterable[torch.nn.Parameter], lr: float
) -> torch.optim.Optimizer:
    """Adam or RMSprop (the paper's) with torch's defaults otherwise."""
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr)
    raise AbsPoseError(f"optimizer: expected 'adam' or 'rmsprop', got {name!r}")


def changed_settings(stored: dict[str, Any], now: dict[str, Any], free: Iterable[str] = ()) -> list[str]:
    """The settings that differ between a checkpoint's run and this one, ignoring ``free``
    (such as ``epochs``: a run may be extended). Empty: the checkpoint may be resumed."""
    skip = set(free)
    keys = (set(stored) | set(now)) - skip
    return sorted(k for k in keys if stored.get(k) != now.get(k))


def run_epochs(
    optimizer: torch.optim.Optimizer,
    schedule: StepSchedule,
    *,
    seed: int,
    start: int,
    epochs: int,
    train_epoch: Callable[[int, torch.Generator], Stats],
    save: Callable[[int, Stats], None] | None = None,
    on_epoch: Callable[[Stats], None] | None = None,
) -> list[Stats]:
    """Epochs ``start .. epochs - 1``: set the learning rate, seed torch (:func:`seed_epoch`),
    ``train_epoch(epoch, generator)``, then ``save(epoch, stats)`` (a checkpoint) and
    ``on_epoch(stats)``. Returns the new epochs' stats."""
    done: list[Stats] = []
    for epoch in range(start, epochs):
        for group in optimizer.param_groups:
            group["lr"] = schedule.at(epoch)
        stats = train_epoch(epoch, seed_epoch(seed, epoch))
        done.append(stats)
        if save is not None:
            save(epoch, stats)
        if on_epoch is not None:
            on_epoch(stats)
    return done
