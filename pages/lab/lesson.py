"""Lesson links: a teacher's fixed settings, the controls students may change, the pages they see and the words they
read, signed by this server so that editing the address cannot change what the teacher fixed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

import seqcore.store

PARAM = "lesson"
KEY_VARIABLE = "LAB_LESSON_KEY"  # set it to sign lessons with a key of your own (several servers, one key)
KEY_FILE = "lesson.key"  # beside the run database, so lesson links outlive a restart
SIGNATURE_BYTES = 16
MAX_TOKEN = 4000  # characters: a lesson is a few settings; anything longer was not made here
# the pages a lesson may show, by the names app.py gives them
PAGES = {"train": "Train", "data": "Data", "compare": "Compare", "learn": "Learn", "class": "Class"}
TAMPERED = (
    "This lesson link was changed or cut short, so it opens with the notebook's defaults and every control. "
    "Ask your teacher for the link again."
)


class Wording(Enum):
    """How the pages speak: the lab's standard words, or plain ones for a school class (`pages.lab.text` holds both)."""

    STANDARD = "standard"
    SCHOOL = "school"


# what the teacher's choice says, by wording
WORDING_CHOICES = {Wording.STANDARD: "Standard", Wording.SCHOOL: "School (plain words for 15-year-olds)"}


@dataclass(frozen=True)
class Lesson:
    """What a lesson fixes: `settings` as address parameters (the series' defaults left out), the session keys
    students may still change, the pages they see, the class they join (None: none) and the words its pages use."""

    settings: dict[str, str]
    allowed: tuple[str, ...]
    pages: tuple[str, ...]
    class_code: str | None = None
    wording: Wording = Wording.STANDARD


_key: bytes | None = None


def signing_key() -> bytes:
    """The server's key: $LAB_LESSON_KEY, else a random one kept beside the run database (made on first use), else
    (a read-only disk) one for this server's life."""
    global _key
    if os.environ.get(KEY_VARIABLE):
        return os.environ[KEY_VARIABLE].encode()
    if _key is None:
        path = Path(seqcore.store.default_path()).parent / KEY_FILE
        try:
            _key = path.read_bytes()
        except OSError:
            _key = b""
        if len(_key) < 32:
            _key = secrets.token_bytes(32)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "wb") as out:
                    out.write(_key)
            except OSError:
                pass  # links work until the server stops
    return _key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    return _b64(hmac.new(signing_key(), b"lesson:" + payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES])


def sign(lesson: Lesson) -> str:
    """The lesson as one address parameter: its settings, readable but signed."""
    body = {"s": lesson.settings, "a": list(lesson.allowed), "p": list(lesson.pages), "c": lesson.class_code}
    if lesson.wording is not Wording.STANDARD:  # left out when standard: such a link is the one made before wordings
        body["w"] = lesson.wording.value
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_signature(payload)}"


def verify(token) -> Lesson | None:
    """The lesson `token` stands for, or None when it was not signed by this server (edited, cut short, made up)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(_signature(payload), signature):
        return None
    try:
        body = json.loads(_unb64(payload))
        lesson = Lesson(
            {str(k): str(v) for k, v in body["s"].items()},
            tuple(str(k) for k in body["a"]),
            tuple(p for p in body["p"] if p in PAGES) or ("train",),
            body.get("c") if isinstance(body.get("c"), str) else None,
            # a link from before wordings has none: standard, as it was
            next((w for w in Wording if w.value == body.get("w")), Wording.STANDARD),
        )
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return None
    return lesson


@dataclass(frozen=True)
class Reading:
    """This tab's lesson (None: no lesson), and a note when the address named one that could not be used."""

    lesson: Lesson | None
    note: str | None = None


def current() -> Reading:
    """The lesson named in the address (or by the class a join link names), read once per token and kept for the tab's
    life (pages keep it)."""
    state = st.session_state
    token = st.query_params.get(PARAM)
    kept = state.get("lesson_reading")
    if token is None and kept is None and "join" in st.query_params:  # a class's short join link opens its lesson
        from pages.lab.board import lesson_of_class

        token = lesson_of_class(st.query_params.get("join"))
        if token is not None:
            st.query_params[PARAM] = token
    if token is None:
        return kept[1] if kept is not None else Reading(None)
    if kept is None or kept[0] != token:
        lesson = verify(token)
        kept = (token, Reading(lesson, None if lesson is not None else TAMPERED))
        state.lesson_reading = kept
    return kept[1]


def wording() -> Wording:
    """The words this tab's pages use: its lesson's, standard without one (or outside a page, as in the command line)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return Wording.STANDARD
    given = current().lesson
    return given.wording if given is not None else Wording.STANDARD


def keep_in_address(reading: Reading) -> None:
    """A page switch may drop the address's parameters: the lesson goes back in (a tampered one does not)."""
    kept = st.session_state.get("lesson_reading")
    if reading.lesson is not None and kept is not None and st.query_params.get(PARAM) != kept[0]:
        st.query_params[PARAM] = kept[0]
    elif reading.lesson is None and PARAM in st.query_params:
        del st.query_params[PARAM]


def visible_pages(names: list[str]) -> list[str]:
    """The pages this tab shows: all of `names`, or a lesson's own (its class board when it names a class)."""
    given = current().lesson
    if given is None:
        return names
    shown = [name for name in names if name in given.pages or (name == "class" and given.class_code)]
    return shown or names[:1]
