"""The replay and the look inside the cell, driven with AppTest: every control, and the numbers they show."""

import json

import numpy as np
import pytest
from helpers import unwritable_database
from streamlit.testing.v1 import AppTest
from test_app import APP, errors, reopen, train, values

from seqcore.explain import unit_step
from seqcore.forward import look_inside
from seqcore.snapshots import plan


@pytest.fixture(scope="module")
def trained():
    """The notebook's run, trained once; each test gets its own copy of the session to drive."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    return train(at)


def replay_spec(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (spec,) = [s for s in specs if s.get("frames")]
    return spec


def heatmap_spec(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (spec,) = [s for s in specs if s["data"] and s["data"][0]["type"] == "heatmap"]
    return spec


def test_the_replay_walks_from_the_untrained_model_to_8_01(app_trained):
    at = app_trained
    spec = replay_spec(at)
    frames = spec["frames"]
    assert len(frames) == len(plan(500, 3871)) == 60
    stars = [values(f["data"][2]["y"])[0] for f in frames]  # the next value after 5, 6, 7 at each kept epoch
    assert abs(stars[0]) < 2 and f"{stars[-1]:.2f}" == "8.01"
    assert [s["label"] for s in spec["layout"]["sliders"][0]["steps"]][:3] == ["0", "1", "2"]
    assert spec["layout"]["sliders"][0]["steps"][-1]["label"] == "500"
    # the memory: a grid of bars, one per step read (no heatmap: its picture painted blank while the replay played)
    memory = [trace for trace in frames[5]["data"] if trace["type"] == "bar"]
    assert len(memory) == 3 and all(len(values(bar["marker"]["color"])) == 8 for bar in memory)
    assert not [trace for frame in frames for trace in frame["data"] if trace["type"] == "heatmap"]


def test_play_speeds_and_steps_work_in_the_browser_without_a_rerun(app_trained):
    spec = replay_spec(app_trained)
    (row,) = spec["layout"]["updatemenus"]  # one row, laid out by plotly: no button can slide over another
    assert [b["label"] for b in row["buttons"]] == ["Play", "Slow", "Fast", "Pause", "◀", "▶"]
    durations = {b["label"]: b["args"][1]["frame"]["duration"] for b in row["buttons"] if b["args"][0] is None}
    assert durations["Slow"] == pytest.approx(2 * durations["Play"], abs=2) == pytest.approx(4 * durations["Fast"], abs=4)
    assert durations["Play"] * len(spec["frames"]) == pytest.approx(8000, rel=0.02)  # the whole training in about 8 s
    assert [b["args"][0] for b in row["buttons"][4:]] == [["0"], ["1"]]  # from the first frame: back stays, forward to 1
    for index in (5, 59):  # each frame moves the step buttons to its own neighbours, in the same place
        (moved,) = spec["frames"][index]["layout"]["updatemenus"]
        assert [b["args"][0] for b in moved["buttons"][4:]] == [[str(index - 1)], [str(min(index + 1, 59))]]
        assert (moved["x"], moved["y"], moved["xanchor"]) == (row["x"], row["y"], row["xanchor"])
    assert spec["frames"][59]["layout"]["title"]["text"] == "<b>Epoch 500</b> · next value after 5, 6, 7: <b>8.01</b>"


def test_the_learn_page_epoch_is_where_the_replay_starts(app_trained):
    at = learn(app_trained)
    at.select_slider(key="inside_frame").set_value(12).run()
    at.switch_page("pages/train.py").run()  # the replay is still open after the visit
    assert replay_spec(at)["layout"]["sliders"][0]["active"] == 12


def test_the_replay_survives_a_reload(app_trained):
    at = app_trained
    workspace = at.session_state["workspace"]
    again = reopen(workspace)
    assert not again.exception and not [s for s in (json.loads(c.proto.spec) for c in again.get("plotly_chart")) if s.get("frames")]
    again.toggle(key="replay_open").set_value(True).run()
    before, after = replay_spec(at)["frames"], replay_spec(again)["frames"]
    assert [f["name"] for f in after] == [f["name"] for f in before]
    assert [values(f["data"][2]["y"])[0] for f in after] == [values(f["data"][2]["y"])[0] for f in before]


def test_class_speed_shows_the_training_and_keeps_the_run(app_trained):
    at = app_trained
    at.toggle(key="class_speed").set_value(True).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error, errors(at)
    assert len(at.session_state["runs"]) == 2 and at.session_state["result"].epochs_trained == 500


@pytest.fixture
def app_trained(trained):
    """A fresh session on the trained run's workspace (the run comes back from the store), its replay opened."""
    at = reopen(trained.session_state["workspace"])
    return at.toggle(key="replay_open").set_value(True).run()


def learn(at):
    return at.switch_page("pages/learn.py").run()


def test_the_detail_view_shows_the_numbers_of_the_heatmap(app_trained):
    at = learn(app_trained)
    assert not at.exception, at.exception
    spec = heatmap_spec(at)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles == ["input gate i", "forget gate f", "candidate g", "output gate o", "cell state c (memory)", "hidden state h (output)"]
    rows = spec["data"][0]["y"]
    assert len(rows) == 8  # 30 units: the 8 most active, and the caption says so
    assert any("Showing the 8 most active of its 30 units" in c.value for c in at.caption)
    unit, step = at.selectbox(key="inside_unit").value, at.session_state["inside_step"]
    row = rows.index(f"unit {unit + 1}")
    worked = next(m.value for m in at.markdown if m.value.startswith("- **input** i"))
    for trace, gate in zip(spec["data"][:4], ["input", "forget", "candidate", "output"], strict=True):
        z = trace["z"]
        shown = np.vstack([values(r) for r in z])[row, step] if isinstance(z, list) else values(z).reshape(len(rows), -1)[row, step]
        assert f"**{shown:.3f}**" in worked, gate  # the heatmap's number, written out in the arithmetic
    assert "(shown as 8.01)" in next(m.value for m in at.markdown if m.value.startswith("**The answer**"))


def test_epoch_timestep_unit_and_window_controls(app_trained):
    at = learn(app_trained)
    at.select_slider(key="inside_frame").set_value(0).run()
    assert any("at epoch 0," in m.value for m in at.markdown)
    at.button(key="inside_epoch_forward").click().run()
    assert any("at epoch 1," in m.value for m in at.markdown)
    assert at.session_state["replay_frame"][1] == 1  # the Train page's replay follows
    at.button(key="inside_step_back").click().run()
    assert at.session_state["inside_step"] == 1
    assert any("Unit" in h.value and "timestep 2" in h.value for h in at.markdown if h.value.startswith("####"))
    other = [u for u in at.selectbox(key="inside_unit").options if u != at.selectbox(key="inside_unit").value][0]
    at.selectbox(key="inside_unit").set_value(other).run()
    assert not at.exception
    at.text_input(key="inside_input").set_value("50, 60, 70").run()
    assert any("reading 50, 60, 70" in m.value for m in at.markdown)
    bars = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (contribution,) = [b for b in bars if b["data"] and b["data"][0]["type"] == "bar"]
    assert contribution["data"][0]["x"] == ["t1 · 50", "t2 · 60", "t3 · 70"]
    at.text_input(key="inside_input").set_value("5, 6").run()
    assert "Window to look at" in errors(at) and "give exactly 3 values" in errors(at)


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120).run()


def test_stacked_layers_and_every_cell_open(app):
    app.switch_page("pages/train.py").run()
    for cell, panels in (("gru", 4), ("rnn", 1)):
        app.sidebar.selectbox(key="cell").set_value(cell).run()
        train(app, epochs=5, units=4)
        at = learn(app)
        assert not at.exception, at.exception
        assert len(heatmap_spec(at)["data"]) == panels
        at.switch_page("pages/train.py").run()
    app.sidebar.number_input(key="layers").set_value(2).run()
    train(app, epochs=5, units=4)
    at = learn(app)
    assert not any(m.value.startswith("**The answer**") for m in at.markdown)  # layer 1 feeds layer 2, not the answer
    at.segmented_control(key="inside_layer").set_value(1).run()
    assert not at.exception
    assert any(m.value.startswith("**The answer**") for m in at.markdown)
    assert any("(layer 1's 4 hidden states × their weights, summed)" in m.value for m in at.markdown)  # not one value


def test_the_detail_agrees_with_the_formula(notebook_result):
    """Every number of the worked-out step comes from the pass and satisfies the LSTM's equations."""
    config, weights = notebook_result.config, notebook_result.weights
    inside = look_inside(config, weights, np.array([5, 6, 7]) / 100)
    layer = inside.layers[0]
    for unit in (0, 17):
        for step in range(3):
            detail = unit_step(layer, "lstm", weights[0], unit, step)
            g = detail.gates
            for gate in g.values():
                assert gate.value == layer.gates[gate.name].value[step, unit]
                assert gate.input_part == pytest.approx(detail.input_value * gate.weight, rel=1e-12)
            cell = g["forget"].value * detail.previous["cell"] + g["input"].value * g["candidate"].value
            assert detail.states["cell"] == pytest.approx(cell, rel=1e-12)
            assert detail.states["hidden"] == pytest.approx(g["output"].value * np.tanh(cell), rel=1e-12)


def test_class_speed_paces_the_view_and_never_runs_ahead_of_training(notebook_result):
    from pages.lab.live import Pacer
    from seqcore.replay import replay
    from seqcore.result import Progress

    now = [0.0]
    pacer = Pacer(500, 8.0, 0.0, clock=lambda: now[0])
    losses = tuple(notebook_result.losses)

    def report(epoch: int) -> Progress:
        return Progress(epoch, 500, losses[epoch - 1], None, losses[:epoch], None, 0.05, notebook_result)

    assert pacer.shown(report(500)).epoch == 1  # trained in 0.05 s, shown from the first epoch
    now[0] = 4.0
    assert pacer.shown(report(500)).epoch == 250 and not pacer.caught_up(report(500))
    assert pacer.shown(report(100)).epoch == 100  # a slow training is shown as it goes, never ahead of it
    pacer.finished(notebook_result)
    shown = pacer.shown(report(500))
    assert shown.next_value == replay(notebook_result).at(250).next_value and "next value after 5, 6, 7" in pacer.text(shown)
    now[0] = 8.0
    assert pacer.caught_up(report(500)) and pacer.shown(report(500)).epoch == 500
    assert Pacer(500, None, 0.0).shown(report(37)).epoch == 37  # class speed off: the newest epoch at once


def test_a_long_window_shows_its_last_steps_and_says_so(app):
    app.sidebar.selectbox(key="data_source").set_value("sine").run()
    at = learn(train(app, epochs=3, units=4, window=30))
    assert not at.exception, at.exception
    assert len(heatmap_spec(at)["data"][0]["x"]) == 20
    assert any("Showing the last 20 of its 30 timesteps" in c.value for c in at.caption)
    at.button(key="inside_step_back").click().run()
    assert at.session_state["inside_step"] == 28


def test_the_gradient_is_left_out_only_where_it_would_keep_the_page_busy():
    from seqcore import TrainConfig
    from seqcore.explain import gradient_affordable

    assert gradient_affordable(TrainConfig()) and gradient_affordable(TrainConfig(window=50, units=64))
    assert not gradient_affordable(TrainConfig(window=200, units=512))


def test_any_saved_run_opens_on_the_train_page_with_its_replay(app):
    at = train(app, epochs=7)
    first = at.session_state["result_run"]
    at = train(at, epochs=9)
    at.switch_page("pages/compare.py").run()
    at.selectbox(key="open_choice").set_value(first).run()
    at.button(key="open_run").click().run()
    assert not at.exception, at.exception
    assert at.session_state["result_run"] == first and at.session_state["result"].epochs_trained == 7
    at.switch_page("pages/train.py").run()
    at.toggle(key="replay_open").set_value(True).run()
    assert [f["name"] for f in replay_spec(at)["frames"]][-1] == str(len(plan(7, 3871)) - 1)


def test_a_session_holds_no_snapshots_of_a_saved_run_until_asked(app):
    at = train(app, epochs=6)
    assert at.session_state["result"].snapshots is None  # they wait in the database
    at.toggle(key="replay_open").set_value(True).run()
    assert len(replay_spec(at)["frames"]) == 7


def test_without_a_database_the_replay_still_plays_from_memory(tmp_path, monkeypatch):
    with unwritable_database(tmp_path, monkeypatch):
        at = train(AppTest.from_file(APP, default_timeout=120).run(), epochs=6)
        at.toggle(key="replay_open").set_value(True).run()
        assert not at.exception and len(replay_spec(at)["frames"]) == 7
        assert not at.switch_page("pages/learn.py").run().exception


def test_a_new_window_keeps_the_timestep_the_slider_shows(app_trained):
    at = learn(app_trained)
    at.button(key="inside_step_back").click().run()
    at.text_input(key="inside_input").set_value("50, 60, 70").run()
    step = at.select_slider(key="inside_step").value
    assert step == at.session_state["inside_step"] == 1
    assert any(m.value.startswith("#### Unit ") and m.value.endswith(" at timestep 2, worked out") for m in at.markdown)
    assert any("never seen values above 7" in w.value for w in at.warning)  # outside what it trained on


def test_a_yearly_series_replays_on_its_years(app):
    import seqcore

    app.sidebar.selectbox(key="data_source").set_value("nile").run()
    at = train(app, epochs=5)
    at.toggle(key="replay_open").set_value(True).run()
    spec = replay_spec(at)
    nile = seqcore.get_dataset("nile")
    series_trace = spec["data"][2]
    assert values(series_trace["x"])[0] == nile.index[0] and spec["layout"]["xaxis2"]["title"]["text"] == nile.attrs["time"]
    assert values(spec["frames"][0]["data"][2]["x"])[0] == nile.index[-1] + 1  # the next value: the year after the last


def test_flat_gates_say_where_to_look_and_one_click_chooses_the_sine(app_trained):
    at = learn(app_trained)
    where = next(i.value for i in at.info if i.value.startswith("**Where to look**"))
    assert "input gate i 0." in where and "forget gate f 0." in where and "cell state and hidden state panels" in where
    at.button(key="inside_try_sine").click().run()
    assert not at.exception, at.exception
    assert at.session_state["data_source"] == "sine" and at.session_state["scale"] != 100  # chosen as the sidebar would
    assert at.title[0].value.startswith("Train")  # on to the Train page, to train on it
