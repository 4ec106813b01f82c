"""A Plotly chart that stays mounted in the browser: drawn again with a new figure, it changes in place, never blinks.

Why not `st.plotly_chart`: streamlit gives each Plotly chart an element id hashed from its figure, and its frontend mounts
a new chart whenever the id changes, so a chart redrawn with new data is torn down and painted again from nothing: a
class watching a live loss curve saw it blink at every redraw. This is a small streamlit component (components v2,
in the page's own DOM) that keeps one plotly.js graph and moves it to each new figure with `Plotly.react`.

plotly.js comes from the plotly package installed here, served by this app under /app/static (static serving is on in
.streamlit/config.toml); nothing is fetched from outside. Streamlit serves static files as text/plain, so the page loads
the file's text and runs it as a script of its own.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit.components.v2.bidi_component import main as bidi
from streamlit.elements.lib.utils import ThreadState
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

STATIC = Path(__file__).resolve().parents[2] / "static"  # served at /app/static/ beside app.py
PLOTLY_FILE = f"plotly-{plotly.__version__}.min.js"
NAME = "lab_steady_chart"

JS = r"""
const SOURCE = '/app/static/PLOTLY_FILE';
function plotlyJs() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__labPlotly) {
    window.__labPlotly = fetch(SOURCE).then((r) => r.text()).then((code) => new Promise((ok, fail) => {
      const script = document.createElement('script');
      script.src = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      script.onload = () => ok(window.Plotly);
      script.onerror = fail;
      document.head.appendChild(script);
    }));
  }
  return window.__labPlotly;
}
// streamlit's look for its own plotly charts, in the page's own font and colours (light or dark theme); the figure's
// own settings win
function merged(base, over) {
  const out = { ...base };
  for (const [key, value] of Object.entries(over || {})) {
    const both = value && typeof value === 'object' && !Array.isArray(value) && out[key] && typeof out[key] === 'object';
    out[key] = both ? merged(out[key], value) : value;
  }
  return out;
}
function themed(layout, element) {
  const style = getComputedStyle(element);
  const ink = style.color, font = style.fontFamily;
  const faint = ink.replace('rgb(', 'rgba(').replace(')', ', 0.15)');
  const axis = { gridcolor: faint, zerolinecolor: faint, tickcolor: faint, automargin: true, title: { standoff: 12 } };
  const base = {
    font: { family: font, color: ink },
    title: { x: 0, xanchor: 'left', font: { family: font, color: ink, weight: 600 } },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    margin: { pad: 6, r: 0, l: 0 },
    legend: { valign: 'top', font: { color: ink } },
    hoverlabel: { font: { family: font } },
    xaxis: { ...axis, showgrid: false, zeroline: false },
  };
  for (const key of Object.keys(layout)) if (/^yaxis\d*$/.test(key) || key === 'yaxis') base[key] = axis;
  for (const key of Object.keys(layout)) if (/^xaxis\d+$/.test(key)) base[key] = base.xaxis;
  if (!base.yaxis) base.yaxis = axis;
  const out = merged(base, layout);
  delete out.template;
  return out;
}
export default function (component) {
  const { data, parentElement } = component;
  let graph = parentElement.querySelector('div.lab-steady-chart');
  if (!graph) {
    graph = document.createElement('div');
    graph.className = 'lab-steady-chart';
    graph.setAttribute('role', 'img');
    parentElement.appendChild(graph);
  }
  const figure = JSON.parse(data);
  const title = figure.layout && figure.layout.title && figure.layout.title.text;
  if (title) graph.setAttribute('aria-label', title.replace(/<[^>]*>/g, ''));
  graph.style.minHeight = (figure.layout && figure.layout.height ? figure.layout.height : 340) + 'px';
  plotlyJs().then((Plotly) => {
    const layout = themed({ ...(figure.layout || {}), autosize: true, width: undefined }, parentElement);
    return Plotly.react(graph, figure.data || [], layout, { responsive: true, displaylogo: false, ...(figure.config || {}) });
  });
}
""".replace("PLOTLY_FILE", PLOTLY_FILE)


def _serve_plotly_js() -> bool:
    """Copy the installed plotly.js where the app serves static files (once per version); False when it cannot be
    (a read-only project folder): charts are then drawn by `st.plotly_chart`, which blinks but works."""
    target = STATIC / PLOTLY_FILE
    try:
        if not target.exists():
            STATIC.mkdir(exist_ok=True)
            partial = target.with_suffix(".part")
            shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", partial)
            partial.replace(target)  # a browser never reads a half-written file
    except OSError as exc:
        logging.getLogger(__name__).warning("charts will blink: plotly.js cannot be served from %s (%s)", STATIC, exc)
        return False
    return True


SERVED = _serve_plotly_js()
_mount = st.components.v2.component(NAME, js=JS, isolate_styles=False)

# streamlit refuses a key drawn twice in one script run; a live chart is drawn into its one place many times. The id
# of a keyed component depends on its key (and page) alone, so a redraw reuses the id its first draw registered.
_ORIGINAL_ID = bidi.compute_and_register_element_id
_IDS: dict[tuple[str, str], str] = {}


def _element_id(element_type: str, *, user_key, dg, key_as_main_identity, **kwargs) -> str:
    ctx = get_script_run_ctx()
    if ctx is not None and user_key is not None and element_type == "bidi_component":
        known = _IDS.get((ThreadState.get().active_script_hash, user_key))
        if known is not None and user_key in ctx.shared.widget_user_keys_this_run:
            return known
    element_id = _ORIGINAL_ID(element_type, user_key=user_key, dg=dg, key_as_main_identity=key_as_main_identity, **kwargs)
    if ctx is not None and user_key is not None and element_type == "bidi_component":
        _IDS[(ThreadState.get().active_script_hash, user_key)] = element_id
    return element_id


bidi.compute_and_register_element_id = _element_id


def steady_chart(where, figure: go.Figure, key: str) -> None:
    """Draw `figure` in `where` (a slot, a column) as the chart named `key`: the browser keeps the chart mounted and
    moves it to this figure. Draw each key in one place on a page."""
    if not SERVED:
        where.plotly_chart(figure, width="stretch")
        return
    with where:
        _mount(key=key, data=pio.to_json(figure, validate=False, engine="json"))
