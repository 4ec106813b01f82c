"""Class boards: a teacher opens a class, students join it with a display name, and their runs are posted to its board."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from dataclasses import dataclass

from .config import InputError
from .store import RunStore, StoreError, to_json_text

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: a code read out or copied from a projector is typed right
CODE_LENGTH = 6  # 31**6, about 900 million codes: a mistyped or guessed code almost never finds a class
MAX_NAME = 30  # what a board's column shows whole
# what one class may hold, so that a class (or a script posting in a loop) cannot fill the server's disk
MAX_MEMBERS = 200
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 4096
MAX_LESSON = 4000  # characters: a lesson is a few settings


class ClassError(StoreError):
    """A class cannot be used as asked: no class has that code, it is closed or full, or the teacher's key is wrong."""


@dataclass(frozen=True)
class ClassKeys:
    """What opening a class gives the teacher: the `code` students type, and the `teacher_key` only the teacher keeps."""

    code: str
    teacher_key: str


@dataclass(frozen=True)
class ClassInfo:
    """A class as anyone with its code may see it; `members` counts the workspaces in it now."""

    code: str
    created: float
    closed: bool
    hide_names: bool
    members: int
    posted: int = 0  # members now with at least one run on the board: a tab that joined and left posts nothing


@dataclass(frozen=True)
class Membership:
    """The class a workspace is in, and the display name it joined with."""

    code: str
    name: str


@dataclass(frozen=True)
class Seat:
    """A display name held in a class, as joining or rejoining gives it to a tab.

    `workspace` is the one that holds the name: the tab's own after joining, and after a rejoin the workspace that
    joined under the name first (its runs come back with it). `token` is a new rejoin token for the browser to keep
    (None on a rejoin: the browser's token stays good).
    """

    code: str
    name: str
    workspace: str
    token: str | None
    rejoined: bool = False


@dataclass(frozen=True)
class Member:
    """A member as the teacher's controls list them: the name, when they joined, and their runs on the board now."""

    name: str
    joined: float
    runs: int


@dataclass(frozen=True)
class BoardEntry:
    """One run on a class's board, as every member sees it.

    It names the student by display name only, never by workspace: a workspace id opens all its runs.
    `mine` says whether it is the viewer's own entry (the viewer given to `board`).
    """

    entry: int
    name: str
    run_number: int
    created: float
    data: dict
    mine: bool = False
    joined: int = 0  # the name's place in the order names were taken in the class (1 = first), the same whatever is removed


def normalise_code(text) -> str | None:
    """A class code as typed ("k7p qx3", "K7P-QX3") in its stored form ("K7PQX3"); None if it cannot be a class code."""
    if not isinstance(text, str):
        return None
    code = "".join(text.split()).replace("-", "").upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def format_code(code: str) -> str:
    """A class code as shown to be read out or typed: two groups of three ("K7P QX3")."""
    return f"{code[:3]} {code[3:]}"


def display_name(text) -> str:
    """The display name a student typed, with its spaces tidied; an InputError says what to change."""
    name = " ".join(text.split()) if isinstance(text, str) else ""
    if not name:
        raise InputError("Display name is empty: type the name the class board should show (a first name is enough)")
    if len(name) > MAX_NAME:
        raise InputError(f"Display name has {len(name)} characters, more than the {MAX_NAME} a board shows: shorten it")
    if not name.isprintable():
        raise InputError("Display name holds characters that cannot be shown: type it with letters, digits and punctuation only")
    return name


def _token_hash(token) -> str | None:
    # only a hash is kept: a copy of the database does not give anyone a student's name
    return hashlib.sha256(token.encode()).hexdigest() if isinstance(token, str) and token else None


def _folded(name: str) -> str:
    # letter case aside as SQLite's lower() sets it aside (ASCII letters only): the names join_class tells apart stay apart
    return "".join(c.lower() if c.isascii() else c for c in name)


def _draw_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _unknown(code: str | None) -> ClassError:
    if code is None:
        return ClassError(f"that is not a class code: a class code has {CODE_LENGTH} letters and digits, like K7P QX3")
    return ClassError(f"no class has the code {format_code(code)}: check it with your teacher")


class Classroom:
    """Classes and their boards, kept in the run database: the same file and the same short-lived connections as `store`."""

    def __init__(self, store: RunStore):
        self.store = store

    def open_class(self) -> ClassKeys:
        """A new class, open for joining, with a code no other class has."""
        teacher_key = secrets.token_urlsafe(16)

        def insert(db):
            for _ in range(20):
                code = _draw_code()
                try:
                    db.execute("INSERT INTO classes (code, teacher_key, created) VALUES (?, ?, ?)", (code, teacher_key, time.time()))
                    return code
                except sqlite3.IntegrityError:
                    continue  # the code is taken: draw another
            raise ClassError("no free class code was found; try again")

        return ClassKeys(self.store._run(insert), teacher_key)

    def class_info(self, code: str) -> ClassInfo | None:
        """The class with that code (as typed or stored), or None if there is none."""
        code = normalise_code(code)
        if code is None:
            return None

        def select(db):
            return db.execute(
                "SELECT created, closed, hide_names,"
                " (SELECT COUNT(*) FROM class_members WHERE class_code = classes.code AND moved IS NULL),"
                # a name's runs count whichever of its workspaces posted them (a freed name taken up again keeps its runs)
                " (SELECT COUNT(*) FROM class_members AS m WHERE m.class_code = classes.code AND m.moved IS NULL"
                "  AND lower(m.name) IN (SELECT lower(o.name) FROM class_entries AS e JOIN class_members AS o USING (class_code, workspace)"
                "   WHERE e.class_code = ? AND NOT e.removed))"
                " FROM classes WHERE code = ?",
                (code, code),
            ).fetchone()

        row = self.store._run(select)
        if row is None:
            return None
        created, closed, hide_names, members, posted = row
        return ClassInfo(code, created, closed is not None, bool(hide_names), members, posted)

    def join_class(self, code: str, workspace: str, name: str, token: str | None = None) -> Seat:
        """Put the workspace in the class under a display name; joining again renames, and joining another class moves it there.

        A name another member holds is given back to its holder's `token` (a rejoin: the Seat names the holder's
        workspace, for the tab to take up); without it, an InputError says the name is taken. An InputError also
        refuses a name that is empty or too long, and a ClassError a class that does not exist, is closed, or is full.
        """
        name = display_name(name)
        code = normalise_code(code)
        token_hash = _token_hash(token)

        def join(db):
            row = db.execute("SELECT closed FROM classes WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise _unknown(code)
            if row[0] is not None:
                raise ClassError(f"class {format_code(code)} is closed: its board can still be read, but no one can join it")
            now = time.time()
            holder = db.execute(
                "SELECT workspace, name, rejoin, moved FROM class_members"
                " WHERE class_code = ? AND workspace != ? AND lower(name) = lower(?) AND freed IS NULL",
                (code, workspace, name),
            ).fetchone()
            if holder is not None:
                held_by, held_name, held_hash, moved = holder
                if token_hash is not None and held_hash is not None and moved is None and secrets.compare_digest(held_hash, token_hash):
                    return Seat(code, held_name, held_by, None, rejoined=True)
                # two students of one name would share a row of the board and be told apart by nobody
                raise InputError(
                    f"Display name {name!r} is taken in this class: add an initial or a number (say {name} B.). If it is you, "
                    "open the join link in the browser you joined from, or ask your teacher to free your name"
                )
            member = db.execute("SELECT 1 FROM class_members WHERE class_code = ? AND workspace = ?", (code, workspace)).fetchone()
            if member is None:
                (members,) = db.execute("SELECT COUNT(*) FROM class_members WHERE class_code = ?", (code,)).fetchone()
                if members >= MAX_MEMBERS:
                    raise ClassError(f"class {format_code(code)} has {members} members, the most a class may have")
            db.execute("INSERT OR IGNORE INTO workspaces (id, created) VALUES (?, ?)", (workspace, now))
            # one class at a time: the old class keeps the entries and the name, and stops counting the workspace
            db.execute(
                "UPDATE class_members SET moved = ? WHERE workspace = ? AND moved IS NULL AND class_code != ?", (now, workspace, code)
            )
            fresh = secrets.token_urlsafe(16)
            if member is None:
                db.execute(
                    "INSERT INTO class_members (class_code, workspace, name, joined, rejoin) VALUES (?, ?, ?, ?, ?)",
                    (code, workspace, name, now, _token_hash(fresh)),
                )
            else:
                db.execute(
                    "UPDATE class_members SET name = ?, moved = NULL, freed = NULL, rejoin = ? WHERE class_code = ? AND workspace = ?",
                    (name, _token_hash(fresh), code, workspace),
                )
            return Seat(code, name, workspace, fresh)

        if code is None:
            raise _unknown(None)
        return self.store._write(join)

    def rejoin(self, code: str, token: str | None) -> Seat | None:
        """The name `token` holds in the class (and the workspace that holds it), for a browser that joined before and lost
        its tab; None when the token holds none there (never given, the name freed, or the workspace gone to another class).

        A closed class still gives the name back: its board and the student's own runs can still be read."""
        code, token_hash = normalise_code(code), _token_hash(token)
        if code is None or token_hash is None:
            return None

        def select(db):
            return db.execute(
                "SELECT workspace, name FROM class_members WHERE class_code = ? AND rejoin = ? AND moved IS NULL AND freed IS NULL",
                (code, token_hash),
            ).fetchone()

        row = self.store._run(select)
        return Seat(code, row[1], row[0], None, rejoined=True) if row is not None else None

    def membership(self, workspace: str) -> Membership | None:
        """The class the workspace is in now, and its display name there; None if it is in none."""

        def select(db):
            return db.execute("SELECT class_code, name FROM class_members WHERE workspace = ? AND moved IS NULL", (workspace,)).fetchone()

        row = self.store._run(select)
        return Membership(*row) if row is not None else None

    def post_entry(self, code: str, workspace: str, run_number: int, data: dict) -> int | None:
        """Put the workspace's saved run on the class's board with `data` (JSON the dashboard computed); returns the entry's id.

        None, and nothing written, when the workspace is not in the class now, the class is closed or holds
        MAX_ENTRIES entries, the workspace has no run of that number, or the teacher removed that run's entry.
        Posting a run already on the board gives its entry again, unchanged.
        """
        text = to_json_text(data)
        if len(text.encode()) > MAX_ENTRY_BYTES:
            raise ClassError(f"this board entry takes {len(text.encode())} bytes, more than the {MAX_ENTRY_BYTES} an entry may take")
        code = normalise_code(code)

        def post(db):
            member = db.execute(
                "SELECT 1 FROM class_members JOIN classes ON classes.code = class_members.class_code"
                " WHERE class_code = ? AND workspace = ? AND moved IS NULL AND closed IS NULL",
                (code, workspace),
            ).fetchone()
            run = db.execute("SELECT 1 FROM runs WHERE workspace = ? AND number = ?", (workspace, run_number)).fetchone()
            if member is None or run is None:
                return None
            posted = db.execute(
                "SELECT id, removed FROM class_entries WHERE class_code = ? AND workspace = ? AND run_number = ?",
                (code, workspace, run_number),
            ).fetchone()
            if posted is not None:
                return None if posted[1] else posted[0]
            (entries,) = db.execute("SELECT COUNT(*) FROM class_entries WHERE class_code = ?", (code,)).fetchone()
            if entries >= MAX_ENTRIES:
                return None
            cursor = db.execute(
                "INSERT INTO class_entries (class_code, workspace, run_number, created, data) VALUES (?, ?, ?, ?, ?)",
                (code, workspace, run_number, time.time(), text),
            )
            return cursor.lastrowid

        return self.store._write(post) if code is not None else None

    def board(self, code: str, viewer: str | None = None) -> list[BoardEntry]:
        """The class's entries the teacher has not removed, oldest first, each with its member's current display name.

        `viewer` (a workspace) marks that workspace's own entries `mine`; an unknown code gives [].
        """
        code = normalise_code(code)
        if code is None:
            return []

        def select(db):
            entries = db.execute(
                "SELECT class_entries.id, name, run_number, class_entries.created, data, class_entries.workspace = ?"
                " FROM class_entries JOIN class_members USING (class_code, workspace)"
                " WHERE class_code = ? AND NOT removed ORDER BY class_entries.id",
                (viewer, code),
            ).fetchall()
            names = db.execute("SELECT name FROM class_members WHERE class_code = ? ORDER BY rowid", (code,)).fetchall()
            return entries, names

        entries, names = self.store._run(select)
        # a name's place in the order names were first taken: what "Student 3" means when names are hidden, whatever is
        # removed (a freed name taken up again keeps its number)
        order: dict[str, int] = {}
        for (name,) in names:
            order.setdefault(_folded(name), len(order) + 1)
        return [
            BoardEntry(entry, name, number, created, json.loads(data), bool(mine), order[_folded(name)])
            for entry, name, number, created, data, mine in entries
        ]

    def is_teacher(self, code: str, teacher_key: str) -> bool:
        """Whether `teacher_key` is the key the class was opened with (False for an unknown class)."""
        code = normalise_code(code)
        if code is None:
            return False
        row = self.store._run(lambda db: db.execute("SELECT teacher_key FROM classes WHERE code = ?", (code,)).fetchone())
        return row is not None and _same_key(row[0], teacher_key)

    def remove_entry(self, code: str, teacher_key: str, entry: int) -> bool:
        """Take an entry off the board (the teacher's key needed); False if the class has no such entry. It cannot be posted again."""

        def remove(db, code):
            return db.execute("UPDATE class_entries SET removed = 1 WHERE class_code = ? AND id = ?", (code, entry)).rowcount > 0

        return self._as_teacher(code, teacher_key, remove)

    def close_class(self, code: str, teacher_key: str) -> None:
        """Stop joins and posts (the teacher's key needed); the board can still be read. Closing again changes nothing."""
        now = time.time()
        self._as_teacher(
            code, teacher_key, lambda db, code: db.execute("UPDATE classes SET closed = COALESCE(closed, ?) WHERE code = ?", (now, code))
        )

    def set_hide_names(self, code: str, teacher_key: str, hide: bool) -> None:
        """Set whether the board is to be shown without names (the teacher's key needed); `class_info` gives it back."""
        flag = int(bool(hide))
        self._as_teacher(code, teacher_key, lambda db, code: db.execute("UPDATE classes SET hide_names = ? WHERE code = ?", (flag, code)))

    def set_lesson(self, code: str, teacher_key: str, lesson: str | None) -> None:
        """The lesson (a signed link's lesson part, opaque here) that the class's join link opens (the teacher's key needed)."""
        if lesson is not None and len(lesson) > MAX_LESSON:
            raise ClassError(f"a lesson takes {len(lesson)} characters, more than the {MAX_LESSON} a class keeps")
        self._as_teacher(code, teacher_key, lambda db, code: db.execute("UPDATE classes SET lesson = ? WHERE code = ?", (lesson, code)))

    def lesson_of(self, code: str) -> str | None:
        """The lesson the class's join link opens (None: none, or no such class)."""
        code = normalise_code(code)
        if code is None:
            return None
        row = self.store._run(lambda db: db.execute("SELECT lesson FROM classes WHERE code = ?", (code,)).fetchone())
        return row[0] if row is not None else None

    def members(self, code: str, teacher_key: str) -> list[Member]:
        """The names held in the class, in the order they were taken (the teacher's key needed): the names a teacher may
        free. A member who moved to another class still holds their name here."""

        def select(db, code):
            return db.execute(
                "SELECT name, joined, (SELECT COUNT(*) FROM class_entries AS e WHERE e.class_code = m.class_code"
                "  AND e.workspace = m.workspace AND NOT e.removed)"
                " FROM class_members AS m WHERE class_code = ? AND freed IS NULL ORDER BY joined, rowid",
                (code,),
            ).fetchall()

        return [Member(*row) for row in self._as_teacher(code, teacher_key, select)]

    def free_name(self, code: str, teacher_key: str, name: str) -> bool:
        """Free a member's display name (the teacher's key needed): anyone may join under it again, and its runs stay on the
        board under it; the workspace that held it leaves the class and its rejoin token stops working. False if no
        member holds that name."""
        now = time.time()

        def free(db, code):
            return (
                db.execute(
                    "UPDATE class_members SET freed = ?, moved = COALESCE(moved, ?), rejoin = NULL"
                    " WHERE class_code = ? AND lower(name) = lower(?) AND freed IS NULL",
                    (now, now, code, name if isinstance(name, str) else ""),
                ).rowcount
                > 0
            )

        return self._as_teacher(code, teacher_key, free)

    def _as_teacher(self, code: str, teacher_key: str, change):
        """`change(db, code)` in one transaction, once `teacher_key` is checked against the class's; its value is returned."""
        code = normalise_code(code)

        def checked(db):
            row = db.execute("SELECT teacher_key FROM classes WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise _unknown(code)
            if not _same_key(row[0], teacher_key):
                raise ClassError(
                    f"that is not the teacher's key of class {format_code(code)}: only the teacher who opened it can change it"
                )
            return change(db, code)

        if code is None:
            raise _unknown(None)
        return self.store._write(checked)


def _same_key(stored: str, given) -> bool:
    # compare_digest: the time taken does not tell how much of a guessed key was right
    return isinstance(given, str) and secrets.compare_digest(stored.encode(), given.encode())
