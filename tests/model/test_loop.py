"""The shared training loop: schedule, seeds, resume checks, and the epoch loop's callbacks."""

import pytest
import torch

from abspose.errors import AbsPoseError
from abspose.model.loop import StepSchedule, changed_settings, epoch_seed, make_optimizer, run_epochs


def test_schedule_and_optimizers():
    s = StepSchedule(1e-3, drop_epoch=2, drop_factor=0.5)
    assert [s.at(e) for e in range(4)] == [1e-3, 1e-3, 5e-4, 5e-4]
    params = [torch.nn.Parameter(torch.zeros(2))]
    assert isinstance(make_optimizer("adam", params, 0.1), torch.optim.Adam)
    assert isinstance(make_optimizer("rmsprop", params, 0.1), torch.optim.RMSprop)
    with pytest.raises(AbsPoseError, match="'adam' or 'rmsprop'"):
        make_optimizer("sgd", params, 0.1)  # type: ignore[arg-type]


def test_changed_settings_ignores_the_free_ones():
    stored = {"lr": 1e-3, "epochs": 10, "seed": 0}
    assert changed_settings(stored, {"lr": 1e-3, "epochs": 30, "seed": 0}, free=("epochs",)) == []
    assert changed_settings(stored, {"lr": 1e-4, "epochs": 30, "seed": 0}, free=("epochs",)) == ["lr"]
    assert changed_settings(stored, {"lr": 1e-3, "epochs": 10}) == ["seed"]  # a setting gone counts


def test_epochs_are_seeded_by_their_number_so_a_resumed_run_draws_the_same():
    def run(start):
        net = torch.nn.Linear(3, 1)
        opt = make_optimizer("adam", net.parameters(), 0.1)
        draws, lrs, saved = {}, {}, []

        def train_epoch(epoch, gen):
            draws[epoch] = (torch.randperm(10, generator=gen).tolist(), float(torch.rand(1)))
            lrs[epoch] = opt.param_groups[0]["lr"]
            return epoch * 10

        seen = []
        out = run_epochs(
            opt, StepSchedule(0.1, 2, 0.1), seed=7, start=start, epochs=4, train_epoch=train_epoch,
            save=lambda e, s: saved.append((e, s)), on_epoch=seen.append,
        )  # fmt: skip
        assert out == seen == [e * 10 for e in range(start, 4)]
        assert saved == [(e, e * 10) for e in range(start, 4)]
        return draws, lrs

    full, lrs = run(0)
    resumed, _ = run(2)
    assert resumed == {e: full[e] for e in (2, 3)}  # the same shuffles and global draws
    assert lrs == {0: 0.1, 1: 0.1, 2: pytest.approx(0.01), 3: pytest.approx(0.01)}
    assert epoch_seed(7, 2) != epoch_seed(7, 3) != epoch_seed(8, 2)
