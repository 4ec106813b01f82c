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


# --- where a chart's parts land, measured in Chromium: nothing may cover a title on a phone, a laptop or a projector


def every_chart() -> dict:
    """One of each figure the pages draw from this module, with long titles and legends where they can have them."""
    import pandas as pd
    from helpers import rule_result

    from seqcore import evaluation as scoring
    from seqcore.evaluation import StepErrors
    from seqcore.forecasting import one_step_predictions

    series = pd.Series(np.arange(1.0, 41.0) + np.sin(np.arange(40)))
    result = rule_result(series, step=1.0, val_fraction=0.2)
    losses = list(np.geomspace(1.0, 1e-3, 60))
    levels = scoring.LossLevels(0.05, 0.08)
    points = [charts.BoardPoint(f"student {i}", 8 + i / 10, 8.2 if i % 2 else None, i % 3 == 0) for i in range(9)]
    runs = [
        {"run": i, "settings": "s", "losses": losses, "config": result.config, "cell": "LSTM", "status": "finished",
         "name": f"run {i} · Units {8 * i}, Window {i}"}
        for i in range(1, 8)
    ]  # fmt: skip
    rules = {"copying the last value": 0.5, "the last value plus the usual step": 0.2}
    return {
        "loss": charts.loss_figure(losses, list(np.asarray(losses) * 2), levels=levels, beats=12, resumed_at=30),
        "live loss": charts.loss_figure(losses[:20], None, total_epochs=500, live=True, levels=levels),
        "series": charts.series_figure(series, "The series: monthly-airline-passengers-from-1949.csv · Passengers"),
        "prediction": charts.prediction_figure(series, one_step_predictions(result), [42.0, 43.0], scoring.trained_range(result), True),
        "question": charts.question_figure([400, 410, 420], 44.0, scoring.trained_range(result)),
        "steps": charts.steps_figure(StepErrors(np.linspace(1, 3, 5), np.linspace(1, 2, 5), 7)),
        "runs": charts.runs_figure(runs),
        "seeds": charts.seeds_figure(np.linspace(0.1, 0.3, 10), "Held-out error of each seed (MAE)", "series units", rules),
        "cells": charts.comparison_figure({"LSTM": np.ones(5), "GRU": np.ones(5) * 2, "SimpleRNN": np.ones(5) * 3}, rules, True),
        "squash": charts.squash_figure([1, 2, 3, 50], 100.0),
        "board": charts.board_predictions_figure(points, "5, 6, 7", 7.0),
        "guesses": charts.guesses_figure(points, "5, 6, 7"),
    }


MEASURE = """([spec, width]) => {
  document.body.innerHTML = '';
  const graph = document.createElement('div');
  graph.style.width = width + 'px';
  document.body.appendChild(graph);
  const layout = { ...spec.layout, width };
  delete layout.template;
  return Plotly.newPlot(graph, spec.data, layout, { displaylogo: false, displayModeBar: true }).then(() => {
    const box = (selector) => {
      const element = graph.querySelector(selector);
      if (!element) return null;
      const r = element.getBoundingClientRect();
      return r.width ? [r.left, r.top, r.right, r.bottom] : null;
    };
    return { title: box('.gtitle'), legend: box('.legend .bg'), modebar: box('.modebar'), xtitle: box('.xtitle') };
  });
}"""


def overlap(a, b) -> bool:
    return bool(a and b) and a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("large", [False, True])
def test_no_toolbar_or_legend_covers_a_title_on_a_phone_a_laptop_or_a_projector(large):
    """Every chart at a phone's width (with the page's narrow-screen style), a laptop's and a projector's: the title lies
    inside the chart, and neither plotly's toolbar nor the legend covers it (nor the legend the x axis's title)."""
    import json
    from pathlib import Path

    import plotly
    import plotly.io as pio
    from live_server import CHROMIUM_ARGS, require_chromium

    from pages.lab.narrow import STYLE

    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    narrow_css = STYLE.split("<style>")[1].split("</style>")[0]
    page_html = f"<html><head><style>{narrow_css}</style><script>{plotly_js}</script></head><body style='margin:0'></body></html>"
    specs = {name: json.loads(pio.to_json(charts.for_screen(figure, large), validate=False)) for name, figure in every_chart().items()}
    widths = [1200, 1700] if large else [358, 760, 1200]  # Large text is for a projector, not a phone
    problems = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1000})
        page.set_content(page_html)
        for width in widths:
            page.set_viewport_size({"width": width + 32, "height": 1000})  # the page's padding: a 390 px phone draws 358 px charts
            for name, spec in specs.items():
                box = page.evaluate(MEASURE, [spec, width])
                where = f"{name} at {width} px"
                assert box["title"], f"{where}: no title drawn"
                if box["title"][0] < 0 or box["title"][2] > width or box["title"][1] < 0:
                    problems.append(f"{where}: the title runs out of the chart {box['title']}")
                for part in ("modebar", "legend"):
                    if overlap(box["title"], box[part]):
                        problems.append(f"{where}: the {part} covers the title")
                if overlap(box["legend"], box["modebar"]):
                    problems.append(f"{where}: the toolbar covers the legend")
                if overlap(box["legend"], box["xtitle"]):
                    problems.append(f"{where}: the legend covers the x axis's title")
        browser.close()
    assert not problems, problems


def test_a_long_title_breaks_after_a_clause_or_before_a_bracket():
    assert charts.title_lines("Loss per epoch (MSE on scaled values)") == ["Loss per epoch (MSE on scaled values)"]
    assert charts.title_lines("Training curve of each run (dotted: stopped early)") == [
        "Training curve of each run",
        "(dotted: stopped early)",
    ]
    assert charts.title_lines("Predicted vs actual, one step ahead; dashed: a forecast") == [
        "Predicted vs actual, one step ahead;",
        "dashed: a forecast",
    ]
    assert charts.title_lines("Your question against what the model trained on") == ["Your question against", "what the model trained on"]
    assert all(len(line) <= charts.TITLE_CHARS for line in charts.title_lines("word " * 40))


def test_a_rule_line_label_on_a_log_axis_sits_beside_its_line():
    # errors of 0.02 beside copying's 8.07 span over two orders of magnitude: a log axis, where plotly reads y as a power
    # of ten; the label of copying's line must sit at 8.07, not at 10^8.07
    fig = charts.seeds_figure(np.array([0.02, 0.03, 0.05]), "errors", "u", {"copying the last value": 8.07, "seasonal naive": 0.0})
    assert fig.layout.yaxis.type == "log"
    label = next(a for a in fig.layout.annotations if a.text.startswith("copying the last value"))
    assert 10**label.y == pytest.approx(8.07)
    assert any(a.text == "seasonal naive: exact (error 0)" for a in fig.layout.annotations)
