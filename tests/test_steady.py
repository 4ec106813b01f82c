"""The chart that stays mounted: plotly.js served by the app itself, and a plain chart where it cannot be."""

from pathlib import Path

import plotly

from pages.lab import steady


def test_the_installed_plotly_js_is_served_from_the_static_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(steady, "STATIC", tmp_path / "static")
    assert steady._serve_plotly_js()
    served = (tmp_path / "static" / steady.PLOTLY_FILE).read_bytes()
    assert served == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert not list((tmp_path / "static").glob("*.part"))  # no half-written file left for a browser to read


def test_a_folder_that_cannot_be_written_leaves_charts_to_streamlit(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(steady, "STATIC", blocked / "static")
    assert not steady._serve_plotly_js()
