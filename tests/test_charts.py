"""The live loss chart: refreshed in place, it must show what a freshly built chart would."""

import numpy as np
import pytest

from pages.lab import charts


@pytest.mark.parametrize("validation", [False, True])
def test_a_refreshed_live_chart_equals_a_fresh_one(validation):
    losses = list(np.geomspace(1e-2, 1e-6, 480))
    val_losses = list(np.geomspace(2e-2, 1e-5, 480)) if validation else None
    live = charts.loss_figure(losses[:4], val_losses[:4] if validation else None, 500, live=True)
    charts.refresh_live_loss(live, losses, val_losses)
    fresh = charts.loss_figure(losses, val_losses, 500, live=True)
    assert live.to_json() == fresh.to_json()
    assert len(live.data[0].x) <= charts.LIVE_POINTS + 1 and live.data[0].x[-1] == 480


def test_a_refreshed_live_chart_keeps_the_copying_rules_lines():
    from seqcore.evaluation import LossLevels

    levels = LossLevels(1e-3, None)
    live = charts.loss_figure([1e-2, 5e-3], None, 500, live=True, levels=levels)
    charts.refresh_live_loss(live, [1e-2, 5e-3, 1e-3, 5e-4])
    fresh = charts.loss_figure([1e-2, 5e-3, 1e-3, 5e-4], None, 500, live=True, levels=levels)
    assert live.to_json() == fresh.to_json()
    assert [t.name for t in live.data] == ["training loss", "copying the last value (training)"]
    assert live.layout.shapes[0].y0 == 1e-3
