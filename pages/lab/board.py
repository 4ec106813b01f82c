"""The class board: a teacher opens a class (a code, a join link, a projector view, names hidden, entries removed, the
class closed), students join with a display name, and everyone sees the same live board of runs and guesses."""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import seqcore.store
from pages.lab import charts
from pages.lab.text import STANDARD, TABLE, Words, describe, differences, plain, setting, words
from pages.lab.workspace import run_store
from seqcore.baselines import NAIVE
from seqcore.classroom import ClassError, Classroom, Seat, format_code, normalise_code
from seqcore.evaluation import MODEL
from seqcore.truth import about, distances_for, number
from seqcore.verdicts import beats_copying

REFRESH_SECONDS = 3.0  # the board's refresh: a room sees a new run within a few seconds, and thirty boards stay cheap
TEACH_PARAM = "teach"  # the teacher's tab: CODE.KEY (the key never goes on the projector: its view has none)
JOIN_PARAM = "join"  # a student's join link: the class code
BOARD_PARAM = "board"  # the projector view: the board of a class, read-only
CLASS_PATH = "classroom"  # the Class page's address (streamlit names it after pages/classroom.py)
# a student's rejoin token lives in a cookie of this browser, one per class: it outlives the tab (the address and the
# session go with a closed tab) and reaches the server with the next visit's first request, before anything is drawn
REJOIN_COOKIE = "lab_rejoin_"
REJOIN_DAYS = 30  # a course may use one class for a few weeks of lessons
# the table's one-line rows beside the guesses on a 1280×800 projector with Large text; the rest go below the charts
PROJECTOR_ROWS = 8
CELL_CHARS = 20  # about what one line of a name, settings or series cell holds there; a longer one takes more lines


def classroom() -> Classroom | None:
    access = run_store()
    return Classroom(access.store) if access.store is not None else None


MEMBERSHIP_SECONDS = 5.0  # how long a tab trusts what it read of its class: every Train page rerun asks


def my_membership(room: Classroom | None):
    """The class this tab's workspace is in (None: none, or the database cannot be read now: the page says that elsewhere).

    Read again at most every MEMBERSHIP_SECONDS (and at once after joining): a class's thirty Train pages rerun at
    every click, and each read is a database connection."""
    state = st.session_state
    if room is None:
        return None
    kept = state.get("membership_read")
    now = time.monotonic()
    if kept is not None and kept[0] == state.workspace and now - kept[1] < MEMBERSHIP_SECONDS:
        return kept[2]
    try:
        member = room.membership(state.workspace)
    except seqcore.store.StoreError:
        return None
    state.membership_read = (state.workspace, now, member)
    return member


def app_root() -> str:
    """This app's address as the browser sees it, without the page's own path (links open on the Train page)."""
    url = urlsplit(st.context.url or "http://localhost:8501/")
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"{url.scheme}://{url.netloc}/" + (f"{base}/" if base else "")


def join_link(code: str) -> str:
    return f"{app_root()}{CLASS_PATH}?{JOIN_PARAM}={code}"


def taught_code() -> str | None:
    """The class this tab teaches (its key checked against the database), from the session or the address."""
    teaching = teaching_keys()
    return teaching[0] if teaching is not None else None


def teaching_keys() -> tuple[str, str] | None:
    state = st.session_state
    text = st.query_params.get(TEACH_PARAM)
    if state.get("teaching") is None and isinstance(text, str) and text.count(".") == 1:
        code, key = text.split(".")
        room = classroom()
        try:
            if room is not None and normalise_code(code) and room.is_teacher(code, key):
                state.teaching = (normalise_code(code), key)
        except seqcore.store.StoreError:
            pass
    teaching = state.get("teaching")
    if teaching is not None and st.query_params.get(TEACH_PARAM) != f"{teaching[0]}.{teaching[1]}":
        st.query_params[TEACH_PARAM] = f"{teaching[0]}.{teaching[1]}"
    return teaching


def teacher_panel_wanted(reading) -> bool:
    """A lesson's students, a join link, a projector view and a class's members see the board; anyone else may teach."""
    if reading.lesson is not None or JOIN_PARAM in st.query_params or BOARD_PARAM in st.query_params:
        return False
    return my_membership(classroom()) is None or st.session_state.get("teaching") is not None


def open_class_section() -> tuple[str, str] | None:
    """Open a class, or show the open one's code and links; the class's (code, teacher key), or None."""
    state = st.session_state
    st.header("1 · A class board")
    room = classroom()
    if room is None:
        st.warning("The run database cannot be used now, so no class can be opened.", icon=":material/cloud_off:")
        return None
    teaching = teaching_keys()
    if teaching is None:
        st.markdown(
            "A class board shows every student's runs as they train: who beat copying the last value, the spread of their "
            "predictions, and their guesses beside the results. Students need no account, only a display name."
        )
        if st.button("Open a class", key="open_class", type="primary"):
            keys = room.open_class()
            state.teaching = (keys.code, keys.teacher_key)
            st.rerun()
        return None
    code, _ = teaching
    info = room.class_info(code)
    show_code(code, info)
    if info is not None and info.closed:
        if st.button("Open a new class", key="open_class", type="primary"):
            keys = room.open_class()
            state.teaching = (keys.code, keys.teacher_key)
            st.rerun()
        return teaching
    left, right = st.columns(2)
    left.markdown("**Students join with this short link** (or type the code on the Class page):")
    left.code(join_link(code), language=None, wrap_lines=True)
    right.markdown("**On the projector, open the board's own view**: the code, the link and the board; no settings, no controls.")
    right.link_button("Open the projector view", f"{app_root()}{CLASS_PATH}?{BOARD_PARAM}={code}&big=1", width="stretch")
    return teaching


def run_class_section(teaching: tuple[str, str]) -> None:
    """The teacher's live board and controls: names hidden, entries removed, the class closed."""
    code, key = teaching
    room = classroom()
    if room is None:
        return
    st.header("3 · The board")
    info = room.class_info(code)
    hide, close = st.columns(2, vertical_alignment="bottom")
    hidden = hide.toggle("Hide names on the board", value=info.hide_names if info else False, key="hide_names")
    if info is not None and hidden != info.hide_names:
        room.set_hide_names(code, key, hidden)
    if info is not None and not info.closed:
        sure = close.checkbox("Yes, close the class", key="close_confirm", help="No one can join or post after this; the board stays.")
        if close.button("Close the class", key="close_class", disabled=not sure):
            room.close_class(code, key)
            st.rerun()
    live_board(code, None, key)


def keep_lesson(teaching: tuple[str, str] | None, token: str | None) -> None:
    """The class's join link opens `token`'s lesson (None: plain settings), so the short link on the projector is enough."""
    room = classroom()
    if teaching is None or room is None:
        return
    try:
        if room.lesson_of(teaching[0]) != token:
            room.set_lesson(teaching[0], teaching[1], token)
    except seqcore.store.StoreError as exc:
        st.warning(f"The class's join link cannot take the lesson now: {plain(exc)}", icon=":material/cloud_off:")


def lesson_of_class(code) -> str | None:
    """The lesson a class's join link opens, or None (no such class, none set, or the database cannot be read)."""
    room = classroom()
    try:
        return room.lesson_of(code) if room is not None and normalise_code(code) else None
    except seqcore.store.StoreError:
        return None


def entry_words(entry: int, entries) -> str:
    found = next(e for e in entries if e.entry == entry)
    return f"{found.name} · run {found.run_number}"


def show_code(code: str, info) -> None:
    """The class code, large enough to read out and to read from the back of the room."""
    closed = info is not None and info.closed
    with st.container(border=True, key="class_code"):
        if closed:
            st.markdown(f"## Class {format_code(code)} is closed\nIts board stays; no one can join or post any more.")
        else:
            st.markdown(f"## Class code: `{format_code(code)}`")


def join_box(code: str | None = None) -> None:
    """A student's way in: the class code (given by the link, else typed) and a display name; a browser that joined the
    class before is offered its name back."""
    state = st.session_state
    room = classroom()
    if room is None:
        st.warning("The run database cannot be used now, so no class can be joined.", icon=":material/cloud_off:")
        return
    seat = None
    try:
        seat = room.rejoin(code, browser_token(code)) if code else None
    except seqcore.store.StoreError:
        pass
    if seat is not None:
        with st.container(border=True, key="rejoin"):
            st.markdown(f"**This browser joined class {format_code(seat.code)} as {plain(seat.name)}.** Go on with your runs:")
            if st.button(f"Continue as {seat.name}", key="rejoin_button", type="primary"):
                take_seat(seat)
        st.markdown("Or join under another name:")
    with st.form("join", border=True):
        st.markdown("**Join a class board**: your runs then appear on it (your name, your results; nothing else of yours).")
        typed = st.text_input("Class code", value=format_code(code) if code else "", key="join_code", placeholder="e.g. K7P QX3")
        name = st.text_input("Display name", key="join_name", placeholder="a first name or a nickname (30 characters at most)")
        joined = st.form_submit_button("Join", type="primary")
    if joined:
        wanted = normalise_code(typed)
        try:
            if wanted is None:
                raise ClassError("a class code has 6 letters and digits, like K7P QX3: check it with your teacher")
            # a name this browser holds is taken up again with the browser's token
            seat = room.join_class(wanted, state.workspace, name, token=browser_token(wanted))
        except ClassError as exc:
            said = str(exc)
            st.error(plain(said[:1].upper() + said[1:]) + ".", icon=":material/error:")
            return
        except seqcore.InputError as exc:  # its words begin with "Display name"
            st.error(plain(exc), icon=":material/error:")
            return
        take_seat(seat)


def browser_token(code: str | None) -> str | None:
    """The rejoin token this browser keeps for the class: this tab's (just joined), else the cookie's (joined in a tab
    since closed)."""
    if not code:
        return None
    kept = st.session_state.get("rejoin_tokens", {}).get(code)
    return kept or browser_cookies().get(REJOIN_COOKIE + code)


def browser_cookies() -> dict[str, str]:
    """The cookies the browser sent when this tab opened (a cookie written since is read at its next visit)."""
    return dict(st.context.cookies)


def take_seat(seat: Seat) -> None:
    """This tab becomes the member `seat` names: its workspace (a rejoin brings back the runs made under the name), and
    a new token to keep in the browser."""
    state = st.session_state
    if seat.token is not None:
        state.rejoin_tokens = {**state.get("rejoin_tokens", {}), seat.code: seat.token}
    if seat.workspace != state.workspace:
        state.workspace = seat.workspace
        st.query_params["ws"] = seat.workspace  # the address names the workspace: sidebar.use_workspace loads its runs
    state.pop("membership_read", None)
    st.rerun()


def keep_token_in_browser(code: str) -> None:
    """Write this tab's rejoin token for the class into the browser's cookie (nothing when it has none)."""
    token = st.session_state.get("rejoin_tokens", {}).get(code)
    if not token:
        return
    base = st.get_option("server.baseUrlPath").strip("/")
    cookie = f"{REJOIN_COOKIE}{code}={token}; path=/{base}; max-age={REJOIN_DAYS * 86400}; samesite=strict"
    # the token is url-safe base64 and the code letters and digits: nothing here needs quoting
    script = f"<script>document.cookie = '{cookie}' + (location.protocol === 'https:' ? '; secure' : '');</script>"
    with st.container(key="rejoin_cookie"):  # hidden by ALWAYS_BOARD: it draws nothing
        st.html(script, unsafe_allow_javascript=True)


# the link drawn as a button: the one next step after joining
TRAIN_LINK_STYLE = """
.st-key-train_link a { border: 1px solid rgba(128, 128, 128, 0.5); border-radius: 0.5rem; padding: 0.45rem 0.9rem; }
.st-key-train_link a p { font-weight: 600; }
"""


def train_link() -> None:
    """The way from the board to the Train page, with this tab's lesson and workspace (a link opened in a new tab keeps them)."""
    from pages.lab.lesson import PARAM, current

    given = current().lesson
    if given is not None and "train" not in given.pages:
        return
    params = {key: st.query_params[key] for key in ("ws", PARAM) if key in st.query_params}
    st.page_link("pages/train.py", label="Go to Train: your runs come to this board", icon=":material/model_training:", query_params=params)


def student_section(reading) -> None:
    """A student's Class page: join (the lesson's class, the link's, or a typed one), then the board."""
    room = classroom()
    board_code = normalise_code(st.query_params.get(BOARD_PARAM))
    if BOARD_PARAM in st.query_params and board_code is None:
        st.error("**Class code**: the address names no class code (a class code has 6 letters and digits, like K7P QX3).")
        return
    if board_code is not None:  # the projector view
        info = room.class_info(board_code) if room is not None else None
        if info is None:
            st.error(f"**Class code**: no class has the code {plain(format_code(board_code))}.", icon=":material/error:")
            return
        live_board(board_code, None, projector=True)
        return
    if room is None:
        st.warning("The run database cannot be used now, so the class board cannot be shown.", icon=":material/cloud_off:")
        return
    member = my_membership(room)
    wanted = (reading.lesson.class_code if reading.lesson is not None else None) or normalise_code(st.query_params.get(JOIN_PARAM))
    if member is None or (wanted is not None and member.code != wanted):
        join_box(wanted)
        return
    try:
        info = room.class_info(member.code)
    except seqcore.store.StoreError:
        info = None
    if info is not None and info.closed:
        st.info(f"Class {format_code(member.code)} is closed: its board stays, but new runs are not posted.", icon=":material/lock:")
    else:
        st.success(
            f"You are on the board of class {format_code(member.code)} as **{plain(member.name)}**. "
            "Each run you train on the Train page appears here within a few seconds.",
            icon=":material/groups:",
        )
        with st.container(key="train_link"):
            train_link()
        st.html(f"<style>{TRAIN_LINK_STYLE}</style>")
    keep_token_in_browser(member.code)
    live_board(member.code, st.session_state.workspace, me=member.name)


def membership_line() -> None:
    """On the Train page: which board this tab's runs go to, or that the lesson's board is waiting to be joined."""
    room = classroom()
    member = my_membership(room)
    if member is not None:
        try:
            info = room.class_info(member.code)
        except seqcore.store.StoreError:
            info = None
        if info is not None and info.closed:
            st.markdown(f"Class **{format_code(member.code)}** is closed: your runs are no longer posted to its board.")
        else:
            st.markdown(f"Your runs go to the board of class **{format_code(member.code)}** as **{plain(member.name)}**.")
        return
    from pages.lab.lesson import current

    given = current().lesson
    if given is not None and given.class_code:
        st.info("This lesson has a class board: join it with your name on the Class page, then train.", icon=":material/groups:")
        st.page_link("pages/classroom.py", label="Join the class board", icon=":material/groups:")


def post_run(record: dict, result, evaluation) -> str | None:
    """Put a saved run on its workspace's class board (when the workspace is in a class): what the board shows of it.

    None, or why it could not go on the board (the run itself is saved either way)."""
    room = classroom()
    if room is None or record["not_saved"]:
        return None
    try:
        member = room.membership(st.session_state.workspace)
        if member is None:
            return None
        model, naive = evaluation.judged(MODEL), evaluation.judged(NAIVE)
        best = evaluation.best_rule()
        data = {
            "rule": {"name": best.name, "description": best.description, "error": evaluation.judged(best.name).mae},
            "error": model.mae,
            "naive": naive.mae,
            "part": evaluation.part,
            "prediction": record["prediction"],
            # the board names the window by its last values: a long window whole would pass what an entry may hold
            "window": [float(v) for v in result.series.to_numpy()[-result.config.window :][-5:]],
            "guess": {key: value for key, value in (record.get("guess") or {}).items() if key != "window"} or None,
            "settings": describe(result.config),
            "config": dataclasses.asdict(result.config),
            "data": record["data"],
            "epochs": result.epochs_trained,
            "stopped": result.stopped,
        }
        truth = truth_entry(result, record["prediction"])
        if truth is not None:
            data["truth"] = truth
        room.post_entry(member.code, st.session_state.workspace, record["run"], data)
    except (seqcore.store.StoreError, seqcore.InputError) as exc:
        return str(exc)
    return None


def truth_entry(result, prediction: float | None) -> dict | None:
    """What a board entry keeps of the true next value after the run's series, when it is known (None otherwise): the
    value, how far the run's answer and copying's are from it, and the noise around it (0: exact)."""
    window = result.series.to_numpy()[-result.config.window :]
    distances = distances_for(result, window, prediction) if prediction is not None else None
    if distances is None or not distances.truth.known:
        return None
    truth = distances.truth
    return {"value": truth.value, "off": distances.model_off, "copying_off": distances.copying_off, "noise": truth.noise}


@st.fragment(run_every=REFRESH_SECONDS)
def live_board(code: str, viewer: str | None, teacher_key: str | None = None, projector: bool = False, me: str | None = None) -> None:
    """The class's board, read again every few seconds: the ranking, the spread of predictions, guesses and results;
    the `viewer` workspace's runs and the name `me` marked as theirs; with the `teacher_key`, ways to take an entry off
    it and to free a name; on the `projector`, the code and join link in its first row."""
    room = classroom()
    if room is None:
        st.warning("The run database cannot be used now.", icon=":material/cloud_off:")
        return
    try:
        info, entries = room.class_info(code), room.board(code, viewer)
    except seqcore.store.StoreError as exc:
        st.warning(f"The board cannot be read now: {plain(exc)}", icon=":material/cloud_off:")
        return
    if info is None:
        return
    draw_board(entries, info, projector, me)
    if teacher_key is not None:
        teacher_controls(room, code, teacher_key, entries)


def teacher_controls(room: Classroom, code: str, teacher_key: str, entries) -> None:
    """Take an entry off the board; free a name for a student who lost their tab in another browser."""
    state = st.session_state
    if entries:
        choice, button = st.columns([2, 1], vertical_alignment="bottom")
        chosen = choice.selectbox(
            "Remove an entry", [e.entry for e in entries][::-1], key="remove_choice", format_func=lambda n: entry_words(n, entries)
        )
        if button.button("Remove it from the board", key="remove_entry", width="stretch"):
            room.remove_entry(code, teacher_key, chosen)
            st.rerun()
    try:
        members = room.members(code, teacher_key)
    except seqcore.store.StoreError:
        return
    if members:
        choice, button = st.columns([2, 1], vertical_alignment="bottom")
        chosen = choice.selectbox(
            "Free a name",
            [m.name for m in members],
            key="free_choice",
            format_func=lambda name: next(f"{m.name} · {m.runs} run{'s' * (m.runs != 1)} on the board" for m in members if m.name == name),
            help="A student who lost their tab (on another computer, or in a browser that forgot it) cannot take their name "
            "back by themselves. Free it, and they join again under it; their runs stay on the board.",
        )
        if button.button("Free this name", key="free_name", width="stretch"):
            room.free_name(code, teacher_key, chosen)
            state.freed_name = chosen
            st.rerun()
    if state.get("freed_name") and state.freed_name not in {m.name for m in members}:  # until someone takes it
        st.markdown(
            f"**{plain(state.freed_name)}** is free: the student joins again under it with the join link; the runs already "
            "on the board stay under that name."
        )


TRUTH, HELD_OUT, UNTESTED = "truth", "held_out", "untested"
TRUTH_COLUMN = "off from the true value"
UNTESTED_FIT = "fits better, untested"  # the column's word for a run that only fits its training values better


@dataclass(frozen=True)
class Standing:
    """What the board may say of one run against copying the last value, by what it was tested on: its next value
    against the true one (TRUTH: where it is known), its held-out values (HELD_OUT), both by the one rule of
    seqcore.verdicts.beats_copying, or nothing (UNTESTED: it only fits the values it trained on better or worse than copying)."""

    test: str
    beats: bool

    @property
    def success(self) -> bool | None:
        """Whether it beat copying; None when nothing tested it (a good fit is no success)."""
        return None if self.test == UNTESTED else self.beats

    @property
    def words(self) -> str:
        if self.test == UNTESTED:
            return UNTESTED_FIT if self.beats else "no"
        return "yes" if self.beats else "no"


def standing(data: dict) -> Standing:
    """An entry's standing; entries posted before the truth was kept have no "truth" and are judged by their errors."""
    truth = data.get("truth")
    if truth is not None:
        return Standing(TRUTH, beats_copying(truth["off"], truth["copying_off"]))
    return Standing(HELD_OUT if data["part"] == "held_out" else UNTESTED, beats_copying(data["error"], data["naive"]))


def class_truth(entries) -> dict | None:
    """The true next value every run on the board is judged against (its entry's "truth"), when all of them trained
    on one series whose next value is known; None otherwise."""
    truths = [e.data.get("truth") for e in entries]
    if not entries or None in truths or len({e.data["data"] for e in entries}) > 1:
        return None
    if max(t["value"] for t in truths) - min(t["value"] for t in truths) > 1e-9 * max(1.0, abs(truths[0]["value"])):
        return None
    return truths[0]


def shown_names(entries, hide: bool) -> dict[str, str]:
    """Each display name as the board shows it: itself, or "Student 3" for the third to join (removing an entry, or a
    student's only run, renumbers nobody)."""
    return {entry.name: f"Student {entry.joined}" if hide else entry.name for entry in entries}


def board_table(entries, hide: bool, said: Words = STANDARD) -> pd.DataFrame:
    """One row per student, their best run, ranked; equal misses share a rank; the settings that differ in `said`'s words.

    Best and rank: how far the next value is from the true one when the class's series has a known next value (then the
    "closer than copying" column compares that with copying's distance), else the lowest error on the judged part."""
    names = shown_names(entries, hide)
    truth = class_truth(entries)
    rows = []
    for entry in entries:
        data = entry.data
        rows.append(
            {
                "student": names[entry.name],
                "run": entry.run_number,
                "average miss": data["error"],
                "copying's miss": data["naive"],
                "closer than copying" if truth is not None else "beats copying": standing(data).words,
                "next value": data["prediction"],
                **({TRUTH_COLUMN: data["truth"]["off"]} if truth is not None else {}),
                "their guess": (data.get("guess") or {}).get("value"),
                "settings": data["settings"],
                "series": data["data"],
                "name": entry.name,
            }
        )
    table = pd.DataFrame(rows)
    # a student who guessed before one run and not before their best keeps their guess on their row
    guessed = table.dropna(subset=["their guess"]).groupby("name")["their guess"].last()
    table["their guess"] = table["their guess"].fillna(table["name"].map(guessed))
    configs = [seqcore.TrainConfig(**e.data["config"]) if "config" in e.data else None for e in entries]
    if None not in configs:  # only what differs between the runs: the rest is said once, above the table
        changing = differences(configs)
        table["settings"] = [", ".join(setting(c, name, said).replace(" ", "\u00a0") for name in changing) or "the same" for c in configs]
    runs = table.groupby("name")["run"].count()
    ranked_by = TRUTH_COLUMN if truth is not None else "average miss"
    best = table.sort_values(ranked_by, kind="stable").drop_duplicates("name").copy()
    # their best run, of their runs; non-breaking spaces keep a short phrase on one line of a narrow column
    best["run"] = [f"{run}\u00a0of\u00a0{runs[name]}" for run, name in zip(best["run"], best["name"], strict=True)]
    rank = best[ranked_by].map(lambda v: float(f"{v:.3g}")).rank(method="min").astype(int)
    best.insert(0, "rank", rank)
    return best


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The board's table as text a projector shows whole: misses to 3 significant digits, values to 2 decimals."""
    out = table.copy()
    for column in ("average miss", "copying's miss", TRUTH_COLUMN):
        if column in out:
            out[column] = out[column].map(lambda v: f"{v:.3g}")
    for column in ("next value", "their guess"):
        out[column] = out[column].map(lambda v: "–" if v is None or v != v else f"{v:.2f}")
    return out.set_index("rank")


@dataclass(frozen=True)
class BoardView:
    """What every tab showing one state of a board draws, built once and shared by them all (a class's thirty tabs
    refresh every few seconds): the ranked table (a `name` column kept to mark a viewer's own row) and the figures."""

    table: pd.DataFrame
    same_settings: str | None  # every run's settings, when they are all the same (the table then leaves them out)
    series: str | None  # the one series every run trained on (None: they differ)
    copying_miss: str | None  # copying's miss when it is the same on every run (the table then leaves it out)
    predictions: go.Figure
    guesses: go.Figure | None  # None: nobody guessed yet


def board_view(entries, hide: bool, large: bool, said: Words) -> BoardView:
    """The board's view for `entries`; the same entries (by id and name), `hide`, `large` and wording give the same
    shared view."""
    return _board_view((tuple((e.entry, e.name) for e in entries), hide, large, said.wording), entries)


@st.cache_resource(show_spinner=False, max_entries=32)
def _board_view(version: tuple, _entries) -> BoardView:
    entries = [dataclasses.replace(e, mine=False) for e in _entries]  # shared by every viewer: nobody's "(you)" yet
    _, hide, large, wording = version
    table = board_table(entries, hide, TABLE[wording])
    same = entries[0].data["settings"] if (table["settings"] == "the same").all() else None
    if same is not None:
        table = table.drop(columns="settings")
    series = {e.data["data"] for e in entries}
    one = next(iter(series)) if len(series) == 1 else None
    if one is not None:
        table = table.drop(columns="series")
    names = shown_names(entries, hide)
    points = [
        charts.BoardPoint(names[e.name], e.data["prediction"], (e.data.get("guess") or {}).get("value"), standing(e.data).success)
        for e in entries
    ]
    truth = class_truth(entries)
    windows = {tuple(e.data["window"]) for e in entries}
    after = ", ".join(f"{v:g}" for v in next(iter(windows))[-5:]) if len(windows) == 1 else None
    copying = next(iter(windows))[-1] if len(windows) == 1 else None  # what copying the last value answers
    predictions = sized(charts.board_predictions_figure(points, after, copying, truth["value"] if truth else None), large)
    guesses = None
    if any(p.guess is not None for p in points):
        guesses = sized(charts.guesses_figure(points, after).update_layout(height=GUESSES_HEIGHT), large)
    shown = shown_table(table)
    copying_miss = next(iter(set(shown["copying's miss"]))) if shown["copying's miss"].nunique() == 1 else None
    if copying_miss is not None:
        shown = shown.drop(columns="copying's miss")
    return BoardView(shown, same, one, copying_miss, predictions, guesses)


def sized(figure: go.Figure, large: bool) -> go.Figure:
    """A board figure at the screen's size, its legend as large as its other text (streamlit's chart theme would print
    the legend smaller: a projector's class must read which dot is which)."""
    figure = charts.for_screen(figure, large)
    return figure.update_layout(legend_font_size=figure.layout.font.size)


GUESSES_HEIGHT = 300  # px before Large text's growth: the guesses chart stands beside the table on a 1280×800 projector


# the projector's view: no space above its first row (the header's buttons sit in the margins) and wider lines
PROJECTOR_STYLE = """
[data-testid="stMainBlockContainer"] { padding-top: 1rem; padding-left: 3rem; padding-right: 3rem; }
[data-testid="stHeader"] { background: transparent; }
.st-key-board_table td, .st-key-board_table th, .st-key-board_table_rest td, .st-key-board_table_rest th {
  font-size: 0.9rem !important; padding: 0.3rem 0.45rem !important; }
"""


def draw_board(entries, info, projector: bool = False, me: str | None = None) -> None:
    """The board: (on the `projector`, the class code and join link, then) the counters in one row, the ranked table
    beside the guesses chart (what could mislead under it), and every run's next value."""
    if projector:
        st.html(f"<style>{PROJECTOR_STYLE}</style>")
    counters(info, entries, projector)
    if projector:
        if info.closed:
            st.markdown(f"**Class {format_code(info.code)} is closed**: its board stays; no one can join or post any more.")
        else:
            st.markdown(f"Join at **{plain(join_link(info.code))}**, with a name of your choice.")
    if not entries:
        st.info("No runs on the board yet: they appear here as students train.", icon=":material/hourglass_empty:")
        return
    said = board_words(info.code)
    view = board_view(entries, info.hide_names, bool(st.session_state.get("large_text")), said)
    table = view.table.copy()
    mine = {e.name for e in entries if e.mine} | ({me} if me else set())  # a freed name taken up again: its runs too
    table.loc[table["name"].isin(mine), "student"] += " (you)"
    table = table.drop(columns="name")
    if projector:  # a row a class reads on one line: no run numbers, and headings broken after each word
        table = table.drop(columns="run").rename(columns=lambda column: column.replace(" ", "  \n"))
    # what could mislead a class goes above the table, where a projector shows it
    warnings = caveats(entries, view, said)
    for caveat in warnings:
        st.warning(caveat, icon=":material/balance:")
    rows = rows_that_fit(table, PROJECTOR_ROWS - (3 if warnings else 0))  # a caveat takes about three rows
    shown, rest = (table.iloc[:rows], table.iloc[rows:]) if projector else (table, table.iloc[:0])
    if projector:  # the table beside the guesses: both on a 1280×800 projector's first screen
        left, right = st.columns([2, 1])
    else:  # a laptop or a phone scrolls: the table at full width, the two charts side by side below it
        left, right = st.container(), None
    with left:
        st.markdown(ranking_words(entries, view, said))
        # a static table: its text grows with Large text, where a scrolling grid keeps small print
        with st.container(key="board_table"):
            st.table(shown, hide_index=False)
        if len(rest):
            st.markdown(f"Places {rows + 1} to {len(table)}: below the charts.")
        if view.series is not None or view.same_settings is not None:
            st.markdown(context_words(view))
    if right is None:
        right, below = st.columns(2)
    else:
        below = st.container()
    if view.guesses is not None:
        right.plotly_chart(view.guesses, width="stretch", key="board_guesses")
        below.plotly_chart(view.predictions, width="stretch", key="board_predictions")
    else:
        right.plotly_chart(view.predictions, width="stretch", key="board_predictions")
        below.info(
            "No guesses yet: students can make one with **Guess first**, beside the Train button, before they train.",
            icon=":material/psychology:",
        )
    if len(rest):
        with st.container(key="board_table_rest"):
            st.table(rest, hide_index=False)


def rows_that_fit(table: pd.DataFrame, lines: int) -> int:
    """How many of the table's first rows fill at most `lines` one-line rows (at least one row): a long name, settings or
    series cell wraps onto more lines."""
    used = 0
    for count, (_, row) in enumerate(table.iterrows()):
        used += max(1, *(math.ceil(len(str(row[c])) / CELL_CHARS) for c in ("student", "settings", "series") if c in row))
        if used > lines:
            return max(count, 1)
    return len(table)


def counters(info, entries, projector: bool) -> None:
    """One row: the class code (on the projector), who joined and how many of them have a run on the board (a tab that
    joined and was left counts as joined, never as posted), the runs, and how many beat copying the last value (a run
    nothing tested never counts)."""
    label, value, note = beat_counter(entries)
    cells = st.columns([1.4, 0.8, 1, 1.1, 1.3] if projector else [0.8, 1, 1.1, 1.3])
    if projector:
        cells[0].metric("Class code" if not info.closed else "Class (closed)", format_code(info.code))
    cells[-4].metric("Joined", info.members)
    cells[-3].metric("Have posted", info.posted, help="Students with a run on the board now.")
    cells[-2].metric("Runs on the board", len(entries))
    cells[-1].metric(label, value, help=note)


def beat_counter(entries) -> tuple[str, str, str | None]:
    """The last counter's label, value and help: runs closer to the true next value than copying where it is known,
    else runs that beat copying on values they never saw; "untested" when nothing could test any run."""
    truth = class_truth(entries)
    standings = [standing(e.data) for e in entries]
    if truth is not None:
        closer = sum(s.beats for s in standings)
        return f"Closer to {number(truth['value'])} than copying", f"{closer} of {len(entries)}", TRUTH_HELP
    beat = sum(bool(s.success) for s in standings)
    untested = sum(s.success is None for s in standings)
    if not entries:
        return "Runs that beat copying", "–", None
    if untested == len(entries):
        return "Runs that beat copying", "untested", UNTESTED_HELP
    more = f" {untested} run{'s' * (untested != 1)} had nothing held out: untested, never counted." if untested else ""
    return "Runs that beat copying", f"{beat} of {len(entries)}", f"On values they never saw.{more}"


TRUTH_HELP = (
    "Runs whose next value is nearer the true next value than copying the last value's, by more than a tenth of "
    "copying's distance (the rule every page uses for beating copying)."
)
UNTESTED_HELP = (
    "Nothing was held out and the true next value is not known, so no run was tested on values it never saw: "
    "fitting the values it trained on better than copying says nothing about new values."
)


def board_words(code: str) -> Words:
    """The board's words: this tab's lesson's, or for a tab without one (the teacher's, the projector's) the wording of
    the lesson the class's join link opens, so a school class's projector speaks as its students' pages do."""
    from pages.lab.lesson import current, verify

    if current().lesson is not None:
        return words()
    token = lesson_of_class(code)
    given = verify(token) if token else None
    return TABLE[given.wording] if given is not None else words()


def ranking_words(entries, view: BoardView, said: Words) -> str:
    """What the table ranks, on which values, and the rule to beat: the lines above the table."""
    truth = class_truth(entries)
    if truth is not None:
        copying = f"Copying the last value is off by {number(truth['copying_off'])}."
        if truth["noise"]:
            return (
                f"**Ranked by how far each next value is from the best possible next value, {number(truth['value'])}** "
                f"(the series' formula without its noise; the actual value lies about ±{about(truth['noise'])} from it). {copying}"
            )
        return f"**Ranked by how far each next value is from the true next value, {number(truth['value'])}.** {copying}"
    part = said.board_part[all(e.data["part"] == "held_out" for e in entries)]
    copying = f"misses by {view.copying_miss}" if view.copying_miss is not None else "is the rule to beat"
    return f"**Ranked by the average miss** on {part}, in the series' units. Copying the last value {copying}."


def context_words(view: BoardView) -> str:
    """What every run shares, said once instead of in every row."""
    words = []
    if view.series is not None:
        words.append(f"Series: {plain(view.series)}.")
    if view.same_settings is not None:
        words.append(f"Every run: {plain(view.same_settings)}.")
    return " ".join(words)


def caveats(entries, view: BoardView, said: Words) -> list[str]:
    """What a class must not conclude from the board: that the runs beat a simpler rule, or that misses on different
    series compare."""
    out = []
    rules = [e.data["rule"] for e in entries if "rule" in e.data]
    if view.series is not None and rules and rules[0]["name"] != NAIVE and min(e.data["error"] for e in entries) >= rules[0]["error"]:
        rule = rules[0]
        out.append(
            f"A simpler rule does at least as well as every run: {plain(said.verdict.rule(rule['name'], rule['description']))} "
            f"misses by {rule['error']:.3g} on average."
        )
    if view.series is None:
        out.append("These runs trained on different series: their misses cannot be compared across series.")
    untested = [e for e in entries if standing(e.data).test == UNTESTED]
    if untested:
        some = "these runs" if len(untested) == len(entries) else f"{len(untested)} of these runs"
        out.append(
            f"Nothing was held out for {some}, and their series' true next value is not known: "
            f"“{UNTESTED_FIT}” means a run fits the values it trained on better than copying; how it does on new values "
            "is untested."
        )
    return out
