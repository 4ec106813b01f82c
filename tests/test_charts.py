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
