"""Large text for a projector, and a page that never fades: the style every page shares."""

from __future__ import annotations

import streamlit as st

from pages.lab.steady import steady_chart

# streamlit sizes its text in rem: a larger root size grows everything together, captions and labels included
LARGE_ROOT_PX = 22
WIDE_ROOT_PX = 26  # a 1920-pixel projector has room for more
LARGE = f"""
html {{ font-size: {LARGE_ROOT_PX}px; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p, [data-testid="stMarkdownContainer"] p,
[data-testid="stSidebar"] [data-testid="stMarkdownContainer"] p {{ font-size: 1rem; }}
[data-testid="stCaptionContainer"] {{ color: inherit; opacity: 1; }}
.st-key-train button {{ min-height: 3.4rem; }}
.st-key-train button p {{ font-size: 1.4rem; font-weight: 600; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {{ font-size: 2.4rem; }}
[data-testid="stTable"] td, [data-testid="stTable"] th {{ font-size: 1rem; }}
h1 {{ font-size: 1.75rem !important; }}
@media (min-width: 1600px) {{ html {{ font-size: {WIDE_ROOT_PX}px; }} }}
[data-testid="stMetricLabel"] *, [data-testid="stWidgetLabel"] *, .stButton button p, [data-testid="stPopover"] button p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stMetricLabel"] {{ height: auto !important; }}
.st-key-run_line {{ min-height: 4.8rem; }}
h1 {{ padding-top: 0 !important; padding-bottom: 0.5rem !important; }}
/* a projector's first screen holds the Train button, the run's line and the whole loss chart: the opening sentence and
   the next-run line (the sidebar shows the settings) stay on students' own screens */
.st-key-intro, .st-key-next_run {{ display: none; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 1rem; }}
[data-testid="stHeader"] {{ background: transparent; }}  /* the title sits where its white band was */
"""
# while a script runs, streamlit dims what it has not redrawn yet; here the page keeps its colours and the
# progress line says what is happening. A rerun first empties the loss chart's slot, which streamlit hides until the
# chart is drawn again (for a moment, or longer on a busy server): the chart, still mounted, stays on show meanwhile
ALWAYS = """
[data-stale="true"] { opacity: 1 !important; transition: none !important; }
.st-key-run_line { min-height: 5.2rem; }
.st-key-next_run { min-height: 3.4rem; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-loss_chart { display: block !important; }
"""


def style(large: bool) -> None:
    """The page's own style: always the steady page, and large text when `large`."""
    st.html(f"<style>{ALWAYS}{LARGE if large else ''}</style>")


def chart(where, figure, steady_name: str | None = None, **options) -> None:
    """Draw a Plotly figure in `where` (st, a column, a slot) with its text sized for this tab's screen.

    With `steady_name`, the chart stays mounted in the browser when it is drawn again with another figure (a live curve,
    a result in the live chart's place): it changes in place, without a blink (pages/lab/steady.py).
    """
    from pages.lab.charts import for_screen

    sized = for_screen(figure, bool(st.session_state.get("large_text")))
    if steady_name:
        steady_chart(where, sized, steady_name)
    else:
        where.plotly_chart(sized, width="stretch", **options)
