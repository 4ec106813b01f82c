"""The dashboard driven headless with Streamlit's AppTest: every page, training, bad input, uploads."""

import base64
import json

import numpy as np
import pytest
from helpers import unwritable_database
from streamlit.testing.v1 import AppTest

import seqcore

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
PREDICTION = "Predicted vs actual, one step ahead; dashed: a forecast"
PAGES = ["pages/train.py", "pages/data.py", "pages/compare.py", "pages/learn.py"]


def values(array) -> np.ndarray:
    """Plotly's JSON holds arrays as lists or as base64 typed arrays ({dtype, bdata})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


def figures(at) -> dict:
    """Plotly figures on screen, by title (a long title's lines joined again); charts that stay mounted
    (pages/lab/steady.py) among them."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    for chart in at.get("bidi_component"):
        if chart.proto.component_name == "lab_steady_chart":
            data = json.loads(chart.proto.json)
            specs.append(json.loads(data) if isinstance(data, str) else data)
    return {spec["layout"].get("title", {}).get("text", "").replace(" <br>", " "): spec for spec in specs}


def runs_colours() -> dict:
    from pages.lab import charts

    return charts.CELL_COLOURS


def errors(at) -> str:
    return " | ".join(e.value for e in at.error)


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120).run()


def train(at, **settings):
    for key, value in settings.items():
        widget = at.sidebar.number_input(key=key) if key in ("epochs", "units", "window", "scale", "seed") else None
        (widget or at.sidebar.selectbox(key=key)).set_value(value)
    at.run()
    at.button(key="train").click().run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_without_exceptions(app, page):
    at = app.switch_page(page).run()
    assert not at.exception
    assert not at.error
    assert at.title


def test_train_page_is_the_default_and_changing_a_widget_does_not_train(app):
    assert app.title[0].value.startswith("Train")
    app.sidebar.number_input(key="epochs").set_value(10).run()
    assert not app.session_state["runs"] and not any("Loss per epoch" in t for t in figures(app))


def test_training_draws_one_loss_point_per_epoch_and_a_prediction(app):
    at = train(app, epochs=25)
    assert not at.exception and not at.error
    charts = figures(at)
    loss = charts["Loss per epoch (MSE on scaled values)"]
    assert len(values(loss["data"][0]["y"])) == 25
    assert PREDICTION in charts
    names = [trace["name"] for trace in charts[PREDICTION]["data"]]
    assert names == ["actual", "copying the last value", "predicted (trained on)", "forecast"]
    assert at.session_state["predict_input"] == "5, 6, 7"


def test_defaults_reproduce_the_notebook(app):
    at = app
    at.button(key="train").click().run()
    metric = next(m for m in at.metric if m.label.startswith("Next value after [5, 6, 7]"))
    assert abs(float(metric.value) - 8.0) < 0.1


def test_results_stay_and_say_they_are_stale_when_settings_change(app):
    at = train(app, epochs=15)
    at.sidebar.number_input(key="units").set_value(12).run()
    assert any("From earlier settings" in m.value and "units 30 → 12" in m.value for m in at.markdown)
    assert "Loss per epoch (MSE on scaled values)" in figures(at)
    assert len(at.session_state["runs"]) == 1


def test_a_long_series_holds_data_out_and_judges_the_model_on_it(app):
    app.sidebar.selectbox(key="data_source").set_value("sine").run()
    assert app.session_state["val_fraction"] == 0.2  # 117 windows: enough to hold a fifth out
    at = train(app, epochs=10)
    prediction = figures(at)[PREDICTION]
    assert [t["name"] for t in prediction["data"]][:4] == [
        "actual",
        "copying the last value",
        "predicted (trained on)",
        "predicted (held out)",
    ]
    loss = figures(at)["Loss per epoch (MSE on scaled values)"]
    assert [t["name"] for t in loss["data"]] == [
        "training loss",
        "held-out loss",
        "copying the last value (training)",
        "copying the last value (held-out)",
    ]
    big = [m.label for m in at.metric]
    assert "Average miss, LSTM (held out)" in big and "Average miss, copying (held out)" in big
    verdict = at.get("markdown")
    assert any("On the 23 values it never trained on, the LSTM is off by" in m.value for m in verdict)


def test_the_notebook_ramp_holds_nothing_out_and_says_its_errors_flatter_it(app):
    assert app.session_state["val_fraction"] == 0
    at = train(app, epochs=10)
    assert "Average miss, LSTM (trained on)" in [m.label for m in at.metric]
    assert any("none are held out, so this flatters it" in m.value for m in at.markdown)


def test_choosing_a_series_sets_a_scaling_fitted_on_its_training_part(app):
    from seqcore.scaling import fit_scaling

    app.sidebar.selectbox(key="data_source").set_value("nile").run()
    fit = fit_scaling(seqcore.get_dataset("nile"), 3, 0.2)
    assert (app.session_state["scale"], app.session_state["offset"], app.session_state["val_fraction"]) == (fit.scale, fit.offset, 0.2)
    assert not app.error
    app.sidebar.selectbox(key="data_source").set_value("ramp").run()
    assert (app.session_state["scale"], app.session_state["offset"], app.session_state["val_fraction"]) == (100, 0, 0)


def test_the_fit_button_spreads_the_training_values(app):
    app.sidebar.selectbox(key="data_source").set_value("random_walk").run()
    app.sidebar.number_input(key="scale").set_value(1000).run()
    app.sidebar.number_input(key="offset").set_value(0).run()
    assert any("the network can hardly tell them apart" in w.value for w in app.warning)
    app.sidebar.button(key="fit_scaling").click().run()
    assert app.session_state["offset"] != 0 and app.session_state["scale"] < 1000
    assert not any("hardly tell them apart" in w.value for w in app.warning)


def test_a_window_beyond_what_the_model_saw_gets_a_note_in_one_click(app):
    at = train(app, epochs=10)
    assert not any("never seen" in w.value for w in at.warning)
    at.button(key="unseen_button").click().run()
    assert at.session_state["predict_input"] == "50, 60, 70"
    note = next(w.value.replace("\\", "") for w in at.warning if "never seen values above 7" in w.value)
    prediction = next(m.value for m in at.metric if m.label == "Next value after [50, 60, 70]")
    assert f"continuing the window's own steps would give 80.00, the model says {prediction}" in note
    question = figures(at)["Your question against what the model trained on"]
    assert values(question["data"][1]["y"])[0] == pytest.approx(float(prediction), abs=0.01)
    bands = [a["text"] for a in question["layout"]["annotations"]]
    assert "values it trained on (1 to 7)" in bands and "never seen in training (above 7)" in bands


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"window": 7}, "**Window**: window is 7 but the series has only 7 values"),
        ({"scale": 0.01}, "**Scale**: scale 0\\.01 is too small for this series"),
    ],
)
def test_bad_settings_show_an_error_naming_the_widget_and_keep_results(app, settings, words):
    at = train(app, epochs=10)
    for key, value in settings.items():
        at.sidebar.number_input(key=key).set_value(value)
    at.run()
    assert words in errors(at)
    assert not at.exception
    assert at.button(key="train").disabled
    assert "Loss per epoch (MSE on scaled values)" in figures(at)  # the earlier run is still shown


def test_a_bad_prediction_input_says_how_to_fix_it(app):
    at = train(app, epochs=10)
    at.text_input(key="predict_input").set_value("5, six").run()
    assert "value 2, 'six', is not a finite number" in errors(at).replace("\\", "")
    at.text_input(key="predict_input").set_value("5").run()
    assert "give at least 3" in errors(at)
    at.text_input(key="predict_input").set_value("1, 2, 3").run()
    assert not at.error and any(m.label.startswith("Next value after [1, 2, 3]") for m in at.metric)


def upload(at, name: str, content: bytes):
    at.sidebar.selectbox(key="data_source").set_value("upload").run()
    at.sidebar.get("file_uploader")[0].set_value((name, content, "text/csv"))
    return at.run()


def test_uploading_a_good_csv_trains_on_it(app):
    rows = "".join(f"{1900 + i},{100 + 3 * i}\n" for i in range(30))
    at = upload(app, "flow.csv", f"year,flow\n{rows}".encode())
    assert not at.error, errors(at)
    assert (at.session_state["offset"], at.session_state["scale"], at.session_state["val_fraction"]) == (136, 50, 0.2)
    assert any(
        "using column 'flow'" in c.value.replace("\\", "") and "'year' on the time axis" in c.value.replace("\\", "") for c in at.caption
    )
    at.sidebar.number_input(key="epochs").set_value(10).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    prediction = figures(at)[PREDICTION]
    assert len(values(prediction["data"][0]["y"])) == 30
    assert values(prediction["data"][0]["x"])[0] == 1900 and prediction["layout"]["xaxis"]["title"]["text"] == "year"
    assert any("years it never trained on" in m.value for m in at.markdown)


def test_a_monthly_csv_with_a_trend_gets_its_season_and_the_classical_forecasters_beside_the_lstm(app):
    from pages.lab import classical_jobs

    rng = np.random.default_rng(3)
    steps = np.arange(150)
    flow = 200 + 0.8 * steps + 15 * np.sin(2 * np.pi * steps / 12) + 4 * rng.standard_normal(150)
    rows = "".join(f"{2000 + i // 12}-{i % 12 + 1:02d},{v:.2f}\n" for i, v in enumerate(flow))
    at = upload(app, "monthly.csv", f"month,sales\n{rows}".encode())
    at = train(at, epochs=30)
    assert not at.exception and not at.error, errors(at)
    result = at.session_state["result"]
    # the fit runs in a background process: the page says so, then shows the forecasters once it is done
    classical_jobs.fit(result.series, result.config.window, result.n_train, 12).result()
    at.run()
    table = at.table[0].value
    assert table.loc["seasonal naive", "what it does"] == "the value one period (12 steps) earlier"
    fitted = [name for name in table.index if name.startswith(("ETS", "Holt-Winters", "ARIMA"))]
    assert any(n.startswith("ARIMA") for n in fitted) and any(not n.startswith("ARIMA") for n in fitted)
    assert set(fitted) <= {t["name"] for t in figures(at)[PREDICTION]["data"]}
    best = min(fitted, key=lambda name: float(table.loc[name, "MAE, held out"]))
    verdict = next(m.value.replace("\\", "") for m in at.markdown if "never trained on" in m.value)
    assert f"The classical forecaster {best} does" in verdict


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "the file is empty"),
        (b"v\n1\n2\nabc\n", "line 4, column 'v' holds 'abc'"),
        (b"\x89PNG\x00\x00binary", "looks binary"),
    ],
)
def test_uploading_a_bad_csv_shows_what_is_wrong_and_keeps_results(app, content, words):
    at = train(app, epochs=10)
    at = upload(at, "bad.csv", content)
    assert words in errors(at).replace("\\", "")
    assert not at.exception
    assert "Loss per epoch (MSE on scaled values)" in figures(at)


def test_settings_survive_a_page_switch(app):
    app.sidebar.number_input(key="units").set_value(17).run()
    at = app.switch_page("pages/data.py").run()
    at = at.switch_page("pages/train.py").run()
    assert at.sidebar.number_input(key="units").value == 17


def test_data_page_shows_windows_raw_beside_scaled(app):
    at = app.switch_page("pages/data.py").run()
    assert any("(4, 3, 1)" in m.value for m in at.markdown)
    table = at.dataframe[1].value
    assert table["input window"].tolist()[0] == "1, 2, 3" and table["scaled window"].tolist()[0] == "0.01, 0.02, 0.03"
    assert table["target"].tolist() == [4, 5, 6, 7]


def test_compare_page_lists_runs_and_runs_the_cell_experiment(app):
    at = train(app, epochs=10)
    at = at.switch_page("pages/compare.py").run()
    assert len(at.dataframe[0].value) == 1
    at.button(key="experiment_button").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert table["settings"].str.split("(").str[0].tolist() == ["LSTM", "LSTM", "GRU", "SimpleRNN"]
    verdict = next(m.value.replace("\\", "") for m in at.markdown if "Median error over 5 seeds" in m.value.replace("\\", ""))
    assert "copying the last value" in verdict
    spread = figures(at)["Training error of each cell, one dot per seed (lower is better)"]
    assert [t["name"] for t in spread["data"]] == ["LSTM", "GRU", "SimpleRNN"] and all(len(values(t["y"])) == 5 for t in spread["data"])
    runs = figures(at)["Training curve of each run (dotted: stopped early)"]
    assert [t["name"].split(" · ")[1] for t in runs["data"]] == ["Cell LSTM", "Cell LSTM", "Cell GRU", "Cell SimpleRNN"]
    assert "window 3" in runs["data"][2]["hovertemplate"]
    colours = runs_colours()  # only the cell differs between these runs: each cell keeps its own colour
    assert [t["line"]["color"] for t in runs["data"]] == [colours["LSTM"], colours["LSTM"], colours["GRU"], colours["SimpleRNN"]]
    at.toggle(key="log_scale").set_value(False).run()
    assert figures(at)["Training curve of each run (dotted: stopped early)"]["layout"]["yaxis"].get("type") != "log"
    at.toggle(key="series_units").set_value(True).run()
    curve = figures(at)["Training curve of each run (dotted: stopped early)"]["data"][0]
    loss = at.session_state["runs"][0]["losses"][-1]
    assert values(curve["y"])[-1] == pytest.approx(np.sqrt(loss) * 100)


def test_learn_page_gives_keras_code_for_the_current_settings(app):
    app.sidebar.number_input(key="units").set_value(12).run()
    at = app.switch_page("pages/learn.py").run()
    code = at.code[0].value
    assert "keras.layers.LSTM(12, activation='tanh')" in code and "series = np.array([1, 2, 3, 4, 5, 6, 7])" in code
    assert any("4," in m.value or "weights to learn" in m.value for m in at.markdown)


def reopen(workspace: str, page: str = "pages/train.py") -> AppTest:
    """A new browser tab on the same workspace URL (as after a reload or a server restart)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = workspace
    at.run()
    return at.switch_page(page).run() if page != "pages/train.py" else at


def test_runs_come_back_when_the_workspace_url_is_reopened(app):
    at = train(app, epochs=12)
    workspace = at.query_params["ws"][0] if isinstance(at.query_params["ws"], list) else at.query_params["ws"]
    assert workspace == at.session_state["workspace"] and len(workspace) >= 20
    again = reopen(workspace)
    assert not again.exception
    assert len(again.session_state["runs"]) == 1
    assert "Loss per epoch (MSE on scaled values)" in figures(again)  # the latest result is restored whole
    assert any(m.label.startswith("Next value after [5, 6, 7]") for m in again.metric)
    other = AppTest.from_file(APP, default_timeout=120).run()  # a fresh visitor gets an empty workspace
    assert other.session_state["workspace"] != workspace and not other.session_state["runs"]


def test_delete_a_run_and_clear_the_workspace(app):
    at = train(app, epochs=5)
    at.button(key="train").click().run()
    at = at.switch_page("pages/compare.py").run()
    assert len(at.dataframe[0].value) == 2
    first = at.session_state["runs"][0]["run"]
    at.selectbox(key="delete_choice").set_value(first)
    at.button(key="delete_run").click().run()
    assert [r["run"] for r in at.session_state["runs"]] != [] and first not in [r["run"] for r in at.session_state["runs"]]
    assert len(reopen(at.session_state["workspace"]).session_state["runs"]) == 1
    at.checkbox(key="clear_confirm").check().run()
    at.button(key="clear_workspace").click().run()
    assert not at.exception and not at.session_state["runs"]
    assert not reopen(at.session_state["workspace"]).session_state["runs"]


def test_an_unwritable_database_keeps_the_app_working(tmp_path, monkeypatch):
    with unwritable_database(tmp_path, monkeypatch):
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert any("The run database cannot be used now" in w.value for w in at.warning)
        at = train(at, epochs=5)
        assert not at.exception and not at.error and len(at.session_state["runs"]) == 1


def test_an_upload_is_parsed_once_whatever_is_changed_after_it(app, monkeypatch):
    import seqcore.data

    calls = []
    read_table = seqcore.data.read_table
    monkeypatch.setattr(seqcore.data, "read_table", lambda data: calls.append(len(data)) or read_table(data))
    rows = "".join(f"{i},{10 + i},{100 - i}\n" for i in range(30))
    at = upload(app, "two.csv", f"step,up,down\n{rows}".encode())
    at.sidebar.selectbox(key="column").set_value("up").run()
    at.sidebar.number_input(key="epochs").set_value(5).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error, errors(at)
    assert at.session_state["result"].series.tolist()[:2] == [10, 11]
    assert len(calls) == 1


def test_a_full_workspace_says_the_run_was_not_saved_and_points_to_where_old_runs_are_deleted(app, monkeypatch):
    import seqcore.store

    monkeypatch.setattr(seqcore.store, "MAX_RUNS", 1)
    at = train(app, epochs=5)
    assert not any("not saved" in w.value for w in at.warning)
    at.button(key="train").click().run()
    warnings = [w.value for w in at.warning]
    assert any("was not saved, so it stays in this tab only" in w and "the most it may" in w for w in warnings), warnings
    assert len(at.session_state.runs) == 2 and at.session_state.runs[-1]["full"]
    assert not at.exception


def test_ten_seeds_show_their_spread_beside_copying_the_last_value(app):
    at = train(app)
    at.button(key="seeds_button").click().run()
    assert not at.exception and not at.error, errors(at)
    spread = at.session_state["seed_spread"]
    assert len(spread.errors) == 10 and len(set(np.round(spread.predictions, 6))) == 10
    assert 7.9 < spread.predictions.min() <= spread.predictions.max() < 8.1
    chart = figures(at)["Next value after [5, 6, 7] of each seed"]
    assert len(values(chart["data"][0]["y"])) == 10
    errors_chart = figures(at)["Training error of each seed (MAE)"]
    assert any("copying the last value: 1" in shape["text"] for shape in errors_chart["layout"]["annotations"])
    assert any("Over **10 seeds**" in m.value for m in at.markdown)
    at.sidebar.number_input(key="units").set_value(12).run()  # new settings: the old spread is not theirs
    assert "Next value after [5, 6, 7] of each seed" in figures(at)  # the shown run is still the same run
    at.button(key="train").click().run()
    assert "Next value after [5, 6, 7] of each seed" not in figures(at)


def test_the_copying_rule_can_be_hidden_and_the_seasonal_period_set_by_hand(app):
    app.sidebar.selectbox(key="data_source").set_value("sine").run()
    at = train(app, epochs=10)
    at.toggle(key="show_naive").set_value(False).run()
    assert "copying the last value" not in [t["name"] for t in figures(at)[PREDICTION]["data"]]
    table = at.table[0].value
    assert table.loc["seasonal naive", "what it does"] == "the value one period (20 steps) earlier"
    assert float(table.loc["last value", "relative MAE (÷ copying)"]) == 1
    at.sidebar.number_input(key="period").set_value(7).run()
    assert at.table[0].value.loc["seasonal naive", "what it does"] == "the value one period (7 steps) earlier"


def test_after_the_cell_experiment_the_train_page_shows_the_sidebars_cell_and_its_seeds_train_it(app):
    app.sidebar.number_input(key="epochs").set_value(10).run()
    at = app.switch_page("pages/compare.py").run()
    at.button(key="experiment_button").click().run()
    assert not at.exception and not at.error, errors(at)
    runs = {r["cell"]: r["run"] for r in at.session_state["runs"]}
    assert list(runs) == ["LSTM", "GRU", "SimpleRNN"]
    at = at.switch_page("pages/train.py").run()
    assert at.title[0].value == "Train an LSTM to predict the next value"
    # the shown run is the experiment's LSTM, with the sidebar's own settings: not the last cell trained
    assert at.session_state["result_run"] == runs["LSTM"] and at.session_state["result"].config.cell == "lstm"
    assert any(m.value.startswith(f"**Run {runs['LSTM']}**") and "From earlier settings" not in m.value for m in at.markdown)
    assert any(f"Trains run {runs['LSTM']}'s settings (LSTM(30 units)" in c.value.replace("\\", "") for c in at.caption)
    at.button(key="seeds_button").click().run()
    assert not at.exception and not at.error, errors(at)
    assert at.session_state["seed_spread"].settings.cell == "lstm"


def test_the_experiments_progress_bar_fills_as_seeds_end_and_never_starts_again_from_empty(app, monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    shown = []
    progress = DeltaGenerator.progress

    def recorded(self, value, text=None, **kwargs):
        shown.append((value, text))
        return progress(self, value, text=text, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "progress", recorded)
    app.sidebar.number_input(key="epochs").set_value(5).run()
    at = app.switch_page("pages/compare.py").run()
    at.button(key="experiment_button").click().run()
    assert not at.exception and not at.error, errors(at)
    fractions = [value for value, _ in shown]
    assert fractions[0] == 0 and fractions[-1] == 1
    assert fractions == sorted(fractions)  # never back to empty when the next cell starts
    assert len(set(fractions)) == 16  # 0, then once more as each of 3 cells × 5 seeds ends
    assert any("SimpleRNN: Seed 5 of 5 trained (15 of 15 trainings)" in (text or "") for _, text in shown)


def same_address(at) -> AppTest:
    """A reload: a fresh session opened on the same address (every query parameter, the workspace's `ws` among them)."""
    again = AppTest.from_file(APP, default_timeout=120)
    for key, value in at.query_params.items():
        again.query_params[key] = value[0] if isinstance(value, list) and len(value) == 1 else value
    return again.run()


def test_an_uploaded_csv_survives_a_reload_of_the_same_address_and_a_second_upload_replaces_it(app):
    rows = "".join(f"{i},{10 + 2 * i},{500 - i}\n" for i in range(40))
    at = upload(app, "two.csv", f"step,up,down\n{rows}".encode())
    at.sidebar.selectbox(key="column").set_value("down").run()
    assert not at.error, errors(at)
    reloaded = same_address(at)
    assert reloaded.session_state["workspace"] == at.session_state["workspace"]
    assert not reloaded.exception and not reloaded.error, errors(reloaded)
    assert not any("choose the file again" in w.value for w in reloaded.warning)
    assert any("Using two.csv, kept with this workspace" in c.value.replace("\\", "") for c in reloaded.sidebar.caption)
    assert reloaded.sidebar.selectbox(key="column").value == "down"  # as it was chosen
    assert not reloaded.button(key="train").disabled
    reloaded.sidebar.number_input(key="epochs").set_value(5).run()
    reloaded.button(key="train").click().run()
    assert not reloaded.exception and not reloaded.error, errors(reloaded)
    assert reloaded.session_state["result"].series.tolist()[:2] == [500, 499]
    upload(at, "other.csv", b"v\n" + "".join(f"{3 * i}\n" for i in range(30)).encode())  # a second file replaces the first
    again = same_address(at)
    assert again.session_state["upload"].name == "other.csv" and not again.error, errors(again)
    assert again.session_state["upload"].table.series().tolist()[:3] == [0, 3, 6]
    stranger = AppTest.from_file(APP, default_timeout=120)
    stranger.query_params["data"] = "upload"  # the same address without the workspace: no file comes with it
    stranger.run()
    assert "choose a CSV file to upload" in errors(stranger) and any("choose the file again" in w.value for w in stranger.warning)
