"""The run database and the workspace named in the URL (`?ws=…`): which runs this tab shows, and where they are kept."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import seqcore.store


@dataclass(frozen=True)
class StoreAccess:
    """The server's run database, or (`store` None) why it cannot be used now: runs then stay in the tab only."""

    store: seqcore.store.RunStore | None
    problem: str | None = None


@st.cache_resource(show_spinner=False)
def _open_store() -> seqcore.store.RunStore:
    return seqcore.store.RunStore()  # a StoreError is not cached: the next script run tries again


def run_store() -> StoreAccess:
    try:
        return StoreAccess(_open_store())
    except seqcore.store.StoreError as exc:
        return StoreAccess(None, str(exc))


def store_problem(problem: str | None) -> None:
    """Say at the top of every page that the database cannot be used (None: it works again, say nothing)."""
    if problem is None:
        st.session_state.pop("store_problem", None)
    else:
        st.session_state.store_problem = (
            f"The run database cannot be used now: runs saved earlier cannot be shown, and new runs stay in this tab only. {problem}"
        )


def use_workspace(load) -> str:
    """The workspace named in the URL (a shared link wins), kept in the URL across pages; new on a first visit.

    `load(workspace)` brings a workspace's runs into the tab when the workspace changes (or on a first visit).
    """
    state = st.session_state
    in_url = st.query_params.get("ws")
    if seqcore.store.valid_workspace_id(in_url):
        state.workspace = in_url
    elif "workspace" not in state:
        state.workspace = seqcore.store.new_workspace_id()
    if in_url != state.workspace:
        st.query_params["ws"] = state.workspace
    if state.get("loaded_workspace") != state.workspace:
        state.loaded_workspace = state.workspace
        load(state.workspace)
    return state.workspace
