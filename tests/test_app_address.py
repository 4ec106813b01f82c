"""Settings in the page address and lesson links, driven with AppTest: a reload or a link brings back the same setup."""

import base64
import json

import pytest
from streamlit.testing.v1 import AppTest

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")

# a value other than its default for every sidebar setting, and the widget that sets it
EVERY_SETTING = {
    "data_source": ("selectbox", "sine"),
    "length": ("number_input", 80),
    "noise": ("number_input", 0.15),
    "data_seed": ("number_input", 4),
    "cell": ("selectbox", "gru"),
    "window": ("number_input", 5),
    "units": ("number_input", 12),
    "layers": ("number_input", 2),
    "epochs": ("number_input", 40),
    "val_fraction": ("slider", 0.25),
    "scale": ("number_input", 2.5),
    "offset": ("number_input", 0.5),
    "learning_rate": ("number_input", 0.002),
    "seed": ("number_input", 3),
    "activation": ("selectbox", "relu"),
    "batch_size": ("number_input", 16),
    "period": ("number_input", 10),
    "large_text": ("toggle", True),
}


def params_of(at) -> dict[str, str]:
    return {key: (value[0] if isinstance(value, list) else value) for key, value in at.query_params.items()}


def opened(params: dict[str, str]) -> AppTest:
    """A new tab on an address (a reload, or a link someone sent)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def address_notes(at) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:"]


def widget(at, kind: str, key: str):
    return getattr(at.sidebar, kind)(key=key)


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120).run()


def test_every_setting_makes_the_round_trip_through_the_address(app):
    at = app
    for key, (kind, value) in EVERY_SETTING.items():
        widget(at, kind, key).set_value(value).run()
        assert not at.exception, key
    params = params_of(at)
    assert {"data", "length", "noise", "dseed", "cell", "window", "units", "layers", "epochs", "held", "scale", "offset", "lr"} <= set(
        params
    )
    again = opened({key: value for key, value in params.items() if key != "ws"})  # a link: a new workspace
    assert not again.exception and not address_notes(again)
    for key, (_, value) in EVERY_SETTING.items():
        assert again.session_state[key] == value, key
    assert again.session_state["workspace"] != at.session_state["workspace"]


def test_defaults_stay_out_of_the_address_and_a_series_brings_its_own(app):
    assert set(params_of(app)) == {"ws"}  # the notebook: nothing to say
    app.sidebar.selectbox(key="data_source").set_value("nile").run()
    assert set(params_of(app)) == {"ws", "data"}  # the Nile's fitted scale and held-out share follow from it
    again = opened({"data": "nile"})
    assert (again.session_state["scale"], again.session_state["offset"], again.session_state["val_fraction"]) == (
        app.session_state["scale"],
        app.session_state["offset"],
        app.session_state["val_fraction"],
    )


def test_a_reload_brings_back_the_same_screen_with_the_run_not_marked_stale(app):
    at = app
    at.sidebar.number_input(key="units").set_value(8).run()
    at.sidebar.number_input(key="epochs").set_value(15).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    again = opened(params_of(at))
    assert again.sidebar.number_input(key="units").value == 8 and again.sidebar.number_input(key="epochs").value == 15
    assert len(again.session_state["runs"]) == 1
    assert not any("earlier settings" in m.value for m in again.markdown)
    assert any(m.label.startswith("Next value after [5, 6, 7]") for m in again.metric)


@pytest.mark.parametrize(
    "params, words",
    [
        ({"units": "abc"}, "Units in the address ('abc') must be a whole number"),
        ({"epochs": "20000"}, "Epochs in the address ('20000') must be between 1 and 10000"),
        ({"cell": "transformer"}, "Cell in the address ('transformer') must be one of lstm, gru, rnn"),
        ({"scale": "nan"}, "Scale in the address ('nan') must be between"),
        ({"big": "yes"}, "Large text in the address ('yes') must be 0 or 1"),
    ],
)
def test_a_bad_value_in_the_address_falls_back_to_its_default_with_a_note(params, words):
    at = opened({**params, "units": params.get("units", "12")} if "units" not in params else params)
    assert not at.exception
    notes = " | ".join(w.value.replace("\\", "") for w in at.warning)
    assert words in notes
    assert at.session_state["epochs"] == 500 and at.session_state["cell"] == "lstm"
    assert at.button(key="train").disabled is False  # the defaults train


def test_the_setup_link_opens_the_settings_in_a_new_workspace_and_back_to_the_notebook_resets(app):
    at = app
    at.sidebar.selectbox(key="data_source").set_value("sine").run()
    at.sidebar.number_input(key="units").set_value(9).run()
    link = next(c.value for c in at.sidebar.code if "units=9" in c.value)
    assert "data=sine" in link and "ws=" not in link
    at.sidebar.button(key="back_to_notebook").click().run()
    assert set(params_of(at)) == {"ws"}
    assert (at.session_state["data_source"], at.session_state["units"], at.session_state["scale"]) == ("ramp", 30, 100)


def lesson_token(monkeypatch, **given) -> str:
    from pages.lab import lesson

    monkeypatch.setenv(lesson.KEY_VARIABLE, "a key for tests")
    made = lesson.Lesson(**{"settings": {"units": "8", "epochs": "200"}, "allowed": ("epochs",), "pages": ("train",), **given})
    return lesson.sign(made)


def test_a_lesson_link_shows_only_the_open_controls_and_keeps_the_fixed_ones(monkeypatch):
    token = lesson_token(monkeypatch)
    at = opened({"lesson": token, "units": "64", "cell": "gru"})  # visible values edited by hand: ignored
    assert not at.exception and not address_notes(at)
    keys = {w.key for w in at.sidebar.number_input} | {w.key for w in at.sidebar.selectbox}
    assert "epochs" in keys and not keys & {"units", "window", "cell", "data_source", "scale"}
    assert (at.session_state["units"], at.session_state["cell"], at.session_state["epochs"]) == (8, "lstm", 200)
    at.sidebar.number_input(key="epochs").set_value(300).run()
    params = params_of(at)
    assert params["epochs"] == "300" and "units" not in params and params["lesson"] == token
    again = opened(params)  # a reload keeps the student's own change and the teacher's fixed ones
    assert (again.session_state["units"], again.session_state["epochs"]) == (8, 300)
    again.button(key="train").click().run()
    assert not again.exception and again.session_state["result"].config.units == 8


def test_a_tampered_lesson_link_opens_plain_defaults_with_a_note(monkeypatch):
    token = lesson_token(monkeypatch)
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["a"] = ["epochs", "units", "cell"]  # a student giving themselves every control
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    for bad in (f"{forged}.{signature}", token[:-3], "nonsense", token + "x"):
        at = opened({"lesson": bad, "units": "64"})
        assert not at.exception
        assert any("This lesson link was changed or cut short" in w.value for w in at.warning)
        assert at.session_state["units"] == 30 and at.session_state["epochs"] == 500  # the notebook's, not the link's
        assert {"units", "window", "data_source"} <= {w.key for w in at.sidebar.number_input} | {w.key for w in at.sidebar.selectbox}


def test_a_lesson_shows_only_its_pages(monkeypatch):
    from pages.lab import lesson

    token = lesson_token(monkeypatch, pages=("train", "learn"))
    assert lesson.verify(token).pages == ("train", "learn")
    at = opened({"lesson": token})
    at.switch_page("pages/learn.py").run()
    assert at.title[0].value == "How it works"
    assert lesson.verify(lesson_token(monkeypatch, pages=("data",), class_code="K7PQX3")).class_code == "K7PQX3"


def test_a_school_lesson_keeps_its_words_across_pages_and_a_reload(monkeypatch):
    from pages.lab import lesson

    token = lesson_token(monkeypatch, settings={"data": "sine", "epochs": "200"}, pages=("train", "data"), wording=lesson.Wording.SCHOOL)
    at = opened({"lesson": token})
    assert any("Kept back to test 20%" in c.value for c in at.sidebar.caption)  # the fixed settings, in the lesson's words
    at.switch_page("pages/data.py").run()
    assert set(at.dataframe[1].value["part"]) == {"learn from", "test (never seen)"}
    again = opened(params_of(at))
    assert params_of(again)["lesson"] == token
    assert any("Kept back to test 20%" in c.value for c in again.sidebar.caption)
    plain = opened({"lesson": lesson_token(monkeypatch, settings={"data": "sine", "epochs": "200"})})
    assert any("Held\\-out share 20%" in c.value for c in plain.sidebar.caption)
