"""`make run`: start the training workers, then Streamlit, in one process, so the workers warm up while the page loads.

Usage: python -m pages.lab.serve [streamlit options]   (the same options `streamlit run app.py` takes)
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def main(arguments: list[str]) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from pages.lab import engine

    engine.pool()  # spawns the workers now; each imports TensorFlow and compiles the notebook's model
    # the pages' own imports (pandas, plotly, seqcore), done once here instead of in the first visitor's page load
    from pages.lab import charts, live, sidebar  # noqa: F401

    # app.py routes every page with st.navigation. Streamlit decides once per process, at its first session, whether
    # to run a pages/ folder as its own (older) multipage app instead, and does so when that session opens a page's
    # address (/compare, a class's join link): the router, and a lesson's choice of pages, would then be skipped
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *arguments]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
