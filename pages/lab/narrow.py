"""Phone-sized screens: the sidebar gets out of the way once a page is chosen in it, and chart titles fit.

Streamlit closes its sidebar after a page is chosen only when the browser's user agent names a phone; a narrow
window (a Chromebook split in two, a phone asking for the desktop site) kept it open over the page just chosen.
The script below closes it after a click on a page in it whenever it covers the page (it does on narrow screens);
it runs in the page itself, loads nothing, and does nothing on a wide screen, where the sidebar sits beside the page.
"""

from __future__ import annotations

import streamlit as st

KEY = "lab_narrow_screen"  # the hidden container the script is drawn in
NARROW_PX = 640  # below this width chart titles are set smaller: a phone's chart is about 360 px wide
TITLE_PX = 14

SCRIPT = """
<script>
(() => {
  if (window.__labNarrowNav) return;  // once per page load: streamlit draws this again at every rerun
  window.__labNarrowNav = true;
  const covered = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const main = document.querySelector('[data-testid="stMain"]');
    if (!sidebar || !main) return false;
    const side = sidebar.getBoundingClientRect();
    return side.width > 0 && side.right > 0 && side.right > main.getBoundingClientRect().left + 1;
  };
  document.addEventListener('click', (event) => {
    if (!event.target.closest('[data-testid="stSidebarNav"] a, [data-testid="stSidebar"] [data-testid="stPageLink"] a')) return;
    if (!covered()) return;  // beside the page (a wide screen): it stays open
    // after streamlit has handled the click (it closes the sidebar itself on a phone's user agent)
    setTimeout(() => {
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close && close.getAttribute('aria-expanded') !== 'false' && covered()) close.click();
    }, 0);
  }, true);
})();
</script>
"""

STYLE = f"""
<style>
.st-key-{KEY} {{ display: none; }}
@media (max-width: {NARROW_PX}px) {{ .js-plotly-plot .gtitle {{ font-size: {TITLE_PX}px !important; }} }}
</style>
"""


def fit_narrow_screens() -> None:
    """Draw the script and style above, in a container that takes no room (every page, once per script run)."""
    with st.container(key=KEY):
        st.html(STYLE + SCRIPT, unsafe_allow_javascript=True)
