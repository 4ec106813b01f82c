"""Class boards: codes a class can type, joining by display name, posting runs, and what students and a wrong key cannot do."""

import dataclasses

import pytest
from conftest import FAST

import seqcore
from seqcore import classroom
from seqcore.classroom import CODE_ALPHABET, ClassError, Classroom, format_code, normalise_code
from seqcore.store import RunStore, StoreError, new_workspace_id


@pytest.fixture(scope="module")
def result():
    return seqcore.train(seqcore.get_dataset("ramp"), FAST)


@pytest.fixture
def rooms(store):
    return Classroom(store)


def student(store, rooms, code, name, result, runs=1):
    """A new workspace in the class under `name`, with `runs` saved runs."""
    workspace = new_workspace_id()
    rooms.join_class(code, workspace, name)
    for _ in range(runs):
        store.save_run(workspace, result, "ramp", [4.0], 8.0)
    return workspace


def entry_data(error=0.5):
    return {"held_out_error": error, "baseline_error": 1.25, "prediction": 8.1, "guess": {"next_value": 9}, "settings": "LSTM · 8 units"}


def test_a_class_code_is_six_plain_characters_and_is_found_however_it_is_typed(rooms):
    keys = rooms.open_class()
    assert len(keys.code) == 6 and set(keys.code) <= set(CODE_ALPHABET) and not set("0O1IL") & set(CODE_ALPHABET)
    assert len(keys.teacher_key) >= 20 and keys.teacher_key != rooms.open_class().teacher_key
    shown = format_code(keys.code)
    assert shown == f"{keys.code[:3]} {keys.code[3:]}"
    for typed in (shown, shown.lower(), f" {keys.code[:3]}-{keys.code[3:]} ", keys.code):
        assert normalise_code(typed) == keys.code and rooms.class_info(typed).code == keys.code
    for not_a_code in ("K7P QX", "K7PQX3A", "O0O IL1", "", None, 123456):
        assert normalise_code(not_a_code) is None


def test_a_code_already_taken_is_drawn_again(rooms, monkeypatch):
    draws = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(classroom, "_draw_code", lambda: next(draws))
    first, second = rooms.open_class(), rooms.open_class()
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")


def test_students_join_by_name_and_joining_again_renames(store, rooms, result):
    code = rooms.open_class().code
    info = rooms.class_info(code)
    assert (info.closed, info.hide_names, info.members) == (False, False, 0)
    workspace = student(store, rooms, code, "  Ada   L. ", result)
    assert rooms.membership(workspace) == classroom.Membership(code, "Ada L.")
    rooms.post_entry(code, workspace, 1, entry_data())
    rooms.join_class(format_code(code).lower(), workspace, "Ada")
    assert rooms.membership(workspace).name == "Ada" and rooms.class_info(code).members == 1
    assert [e.name for e in rooms.board(code)] == ["Ada"]  # the board shows the name as it is now
    assert rooms.membership(new_workspace_id()) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 31, "tab\x00name", None])
def test_a_display_name_is_one_to_thirty_characters(store, rooms, name):
    code = rooms.open_class().code
    with pytest.raises(seqcore.InputError, match="^Display name") as caught:
        rooms.join_class(code, new_workspace_id(), name)
    assert caught.value.field is None and rooms.class_info(code).members == 0
    rooms.join_class(code, new_workspace_id(), "x" * 30)


def test_joining_another_class_moves_the_workspace_and_the_old_board_keeps_its_entry(store, rooms, result):
    first, second = rooms.open_class().code, rooms.open_class().code
    workspace = student(store, rooms, first, "Grace", result, runs=2)
    assert rooms.post_entry(first, workspace, 1, entry_data()) is not None
    rooms.join_class(second, workspace, "Grace H.")
    assert rooms.membership(workspace) == classroom.Membership(second, "Grace H.")
    assert (rooms.class_info(first).members, rooms.class_info(second).members) == (0, 1)
    assert [e.name for e in rooms.board(first)] == ["Grace"]
    assert rooms.post_entry(first, workspace, 2, entry_data()) is None  # no longer a member there
    assert rooms.post_entry(second, workspace, 2, entry_data()) is not None


def test_the_board_lists_entries_oldest_first_and_never_a_workspace(store, rooms, result):
    code = rooms.open_class().code
    ada, bob = student(store, rooms, code, "Ada", result, runs=2), student(store, rooms, code, "Bob", result)
    for workspace, number, error in ((ada, 1, 0.5), (bob, 1, 0.7), (ada, 2, 0.3)):
        rooms.post_entry(code, workspace, number, entry_data(error))
    for viewer in (ada, bob, None):
        board = rooms.board(code, viewer=viewer)
        assert [(e.name, e.run_number, e.data["held_out_error"]) for e in board] == [("Ada", 1, 0.5), ("Bob", 1, 0.7), ("Ada", 2, 0.3)]
        assert [e.mine for e in board] == [viewer == ada, viewer == bob, viewer == ada]
        assert [e.created for e in board] == sorted(e.created for e in board)
        for entry in board:
            fields = repr(dataclasses.asdict(entry))
            assert ada not in fields and bob not in fields
    assert rooms.board(code)[0].data == entry_data(0.5)


def test_a_wrong_class_code_gets_nothing(store, rooms, result):
    code = rooms.open_class().code
    workspace = student(store, rooms, code, "Ada", result)
    rooms.post_entry(code, workspace, 1, entry_data())
    wrong = next(c * 6 for c in CODE_ALPHABET if c * 6 != code)
    for typed in (wrong, "hello", None):
        assert rooms.class_info(typed) is None and rooms.board(typed) == []
        assert rooms.post_entry(typed, workspace, 1, entry_data()) is None
        assert not rooms.is_teacher(typed, "anything")
        with pytest.raises(ClassError, match="no class has the code|not a class code"):
            rooms.join_class(typed, new_workspace_id(), "Eve")
    assert rooms.membership(workspace).code == code  # a failed join moves no one


def test_a_wrong_teacher_key_cannot_remove_close_or_hide(store, rooms, result):
    keys, other = rooms.open_class(), rooms.open_class()
    workspace = student(store, rooms, keys.code, "Ada", result)
    entry = rooms.post_entry(keys.code, workspace, 1, entry_data())
    for key in (other.teacher_key, keys.teacher_key[:-1], "", None, "é" * 22):
        assert not rooms.is_teacher(keys.code, key)
        with pytest.raises(ClassError, match="not the teacher's key"):
            rooms.remove_entry(keys.code, key, entry)
        with pytest.raises(ClassError, match="not the teacher's key"):
            rooms.close_class(keys.code, key)
        with pytest.raises(ClassError, match="not the teacher's key"):
            rooms.set_hide_names(keys.code, key, True)
    info = rooms.class_info(keys.code)
    assert not info.closed and not info.hide_names and [e.entry for e in rooms.board(keys.code)] == [entry]
    assert rooms.is_teacher(keys.code, keys.teacher_key) and rooms.is_teacher(format_code(keys.code), keys.teacher_key)
    assert isinstance(ClassError("x"), StoreError)  # a page that reports StoreErrors reports these too


def test_a_closed_class_refuses_joins_and_posts_but_its_board_still_reads(store, rooms, result):
    keys = rooms.open_class()
    workspace = student(store, rooms, keys.code, "Ada", result, runs=2)
    rooms.post_entry(keys.code, workspace, 1, entry_data())
    rooms.close_class(keys.code, keys.teacher_key)
    rooms.close_class(keys.code, keys.teacher_key)  # closing twice is no error
    assert rooms.class_info(keys.code).closed
    with pytest.raises(ClassError, match="is closed"):
        rooms.join_class(keys.code, new_workspace_id(), "Bob")
    with pytest.raises(ClassError, match="is closed"):
        rooms.join_class(keys.code, workspace, "Ada renamed")
    assert rooms.post_entry(keys.code, workspace, 2, entry_data()) is None
    assert [(e.name, e.run_number) for e in rooms.board(keys.code)] == [("Ada", 1)]
    assert rooms.membership(workspace).code == keys.code


def test_hide_names_is_kept_for_the_dashboard(rooms):
    keys = rooms.open_class()
    rooms.set_hide_names(keys.code, keys.teacher_key, True)
    assert rooms.class_info(keys.code).hide_names
    rooms.set_hide_names(keys.code, keys.teacher_key, False)
    assert not rooms.class_info(keys.code).hide_names


def test_a_removed_entry_leaves_the_board_and_cannot_be_posted_again(store, rooms, result):
    keys, other = rooms.open_class(), rooms.open_class()
    ada = student(store, rooms, keys.code, "Ada", result)
    bob = student(store, rooms, other.code, "Bob", result)
    kept = rooms.post_entry(keys.code, ada, 1, entry_data())
    store.save_run(ada, result, "ramp", [4.0], 8.0)
    removed = rooms.post_entry(keys.code, ada, 2, entry_data())
    elsewhere = rooms.post_entry(other.code, bob, 1, entry_data())
    assert not rooms.remove_entry(keys.code, keys.teacher_key, elsewhere)  # another class's entry is not this teacher's
    assert rooms.remove_entry(keys.code, keys.teacher_key, removed)
    assert [e.entry for e in rooms.board(keys.code)] == [kept] and [e.entry for e in rooms.board(other.code)] == [elsewhere]
    assert rooms.post_entry(keys.code, ada, 2, entry_data()) is None
    assert [e.entry for e in rooms.board(keys.code)] == [kept]


def test_an_entry_needs_a_saved_run_and_posting_it_twice_shows_it_once(store, rooms, result):
    code = rooms.open_class().code
    workspace = student(store, rooms, code, "Ada", result)
    assert rooms.post_entry(code, workspace, 2, entry_data()) is None  # no run 2 yet
    first = rooms.post_entry(code, workspace, 1, entry_data(0.5))
    assert rooms.post_entry(code, workspace, 1, entry_data(0.9)) == first
    assert [e.data["held_out_error"] for e in rooms.board(code)] == [0.5]
    store.delete_run(workspace, 1)  # the board keeps what was posted
    assert [e.run_number for e in rooms.board(code)] == [1]


def test_a_class_holds_a_bounded_number_of_members_entries_and_bytes(store, rooms, result, monkeypatch):
    monkeypatch.setattr(classroom, "MAX_MEMBERS", 2)
    monkeypatch.setattr(classroom, "MAX_ENTRIES", 2)
    code = rooms.open_class().code
    ada, bob = student(store, rooms, code, "Ada", result, runs=3), student(store, rooms, code, "Bob", result)
    with pytest.raises(ClassError, match="has 2 members, the most a class may have"):
        rooms.join_class(code, new_workspace_id(), "Cy")
    rooms.join_class(code, bob, "Bob B.")  # a member may still rename
    assert rooms.post_entry(code, ada, 1, entry_data()) and rooms.post_entry(code, bob, 1, entry_data())
    assert rooms.post_entry(code, ada, 2, entry_data()) is None and len(rooms.board(code)) == 2
    with pytest.raises(ClassError, match="more than the 4096"):
        rooms.post_entry(code, ada, 3, {"settings": "x" * 5000})


def test_classes_work_in_a_database_migrated_from_schema_2(tmp_path, result):
    from test_store import old_database

    donor = RunStore(tmp_path / "donor.sqlite3")
    donor.save_run(new_workspace_id(), result, "ramp", [], None)
    workspace, path = new_workspace_id(), tmp_path / "old.sqlite3"
    old_database(path, donor, [(workspace, "old run")])
    store = RunStore(path)
    rooms = Classroom(store)
    code = rooms.open_class().code
    rooms.join_class(code, workspace, "Ada")
    assert rooms.post_entry(code, workspace, 1, entry_data()) is not None
    assert [(e.name, e.run_number) for e in rooms.board(code, viewer=workspace)] == [("Ada", 1)]


def test_two_members_cannot_share_a_display_name(tmp_path):
    from seqcore.classroom import Classroom
    from seqcore.store import RunStore

    room = Classroom(RunStore(tmp_path / "runs.sqlite3"))
    code = room.open_class().code
    room.join_class(code, "a" * 22, "Ben")
    with pytest.raises(seqcore.InputError, match="'ben' is taken in this class: add an initial"):
        room.join_class(code, "b" * 22, "ben")
    room.join_class(code, "a" * 22, "Ben")  # joining again under one's own name is fine
    room.join_class(code, "b" * 22, "Ben K.")
    assert sorted(e.name for e in room.board(code)) == []
    assert room.class_info(code).members == 2


def test_a_class_keeps_the_lesson_its_join_link_opens(tmp_path):
    from seqcore.classroom import Classroom
    from seqcore.store import RunStore

    room = Classroom(RunStore(tmp_path / "runs.sqlite3"))
    keys = room.open_class()
    assert room.lesson_of(keys.code) is None and room.lesson_of("ZZZZZZ") is None
    room.set_lesson(keys.code, keys.teacher_key, "payload.signature")
    assert room.lesson_of(keys.code) == "payload.signature"
    with pytest.raises(ClassError, match="not the teacher's key"):
        room.set_lesson(keys.code, "a guess", "other.lesson")
    assert room.lesson_of(keys.code) == "payload.signature"


def test_a_student_who_lost_their_tab_takes_their_name_back_with_the_browsers_token(store, rooms, result):
    code = rooms.open_class().code
    ada = new_workspace_id()
    seat = rooms.join_class(code, ada, "Ada")
    assert (seat.workspace, seat.name, seat.rejoined) == (ada, "Ada", False) and len(seat.token) >= 20
    store.save_run(ada, result, "ramp", [4.0], 8.0)
    rooms.post_entry(code, ada, 1, entry_data())
    new_tab = new_workspace_id()  # the join link opened again: a new workspace
    back = rooms.rejoin(format_code(code), seat.token)
    assert (back.workspace, back.name, back.rejoined, back.token) == (ada, "Ada", True, None)
    typed = rooms.join_class(code, new_tab, "ada", token=seat.token)  # typing the name with the token does the same
    assert (typed.workspace, typed.name, typed.rejoined) == (ada, "Ada", True)
    assert rooms.membership(new_tab) is None and rooms.class_info(code).members == 1  # the new tab joined nobody
    assert [(e.name, e.mine) for e in rooms.board(code, viewer=back.workspace)] == [("Ada", True)]
    # joining again (a rename) gives a new token: the old one stops working
    renamed = rooms.join_class(code, ada, "Ada L.")
    assert rooms.rejoin(code, seat.token) is None and rooms.rejoin(code, renamed.token).name == "Ada L."


def test_a_wrong_or_missing_token_cannot_take_a_name(store, rooms):
    code, other = rooms.open_class().code, rooms.open_class().code
    seat = rooms.join_class(code, new_workspace_id(), "Ada")
    bob = rooms.join_class(code, new_workspace_id(), "Bob")
    elsewhere = rooms.join_class(other, new_workspace_id(), "Ada")
    for token in (None, "", seat.token[:-1], bob.token, elsewhere.token, seat.token.upper()):
        with pytest.raises(seqcore.InputError, match="'Ada' is taken in this class.*ask your teacher to free your name"):
            rooms.join_class(code, new_workspace_id(), "Ada", token=token)
        if token != bob.token:
            assert rooms.rejoin(code, token) is None
    assert rooms.rejoin(code, bob.token).name == "Bob"  # a token gives its own name back, never another's
    assert rooms.rejoin(other, seat.token) is None and rooms.rejoin("ZZZZZZ", seat.token) is None
    assert rooms.class_info(code).members == 2


def test_the_teacher_frees_a_name_and_its_runs_stay_under_it(store, rooms, result):
    keys = rooms.open_class()
    ada = student(store, rooms, keys.code, "Ada", result)
    student(store, rooms, keys.code, "Bob", result)
    rooms.post_entry(keys.code, ada, 1, entry_data(0.5))
    with pytest.raises(ClassError, match="not the teacher's key"):
        rooms.free_name(keys.code, "a guess", "Ada")
    with pytest.raises(ClassError, match="not the teacher's key"):
        rooms.members(keys.code, "a guess")
    assert [(m.name, m.runs) for m in rooms.members(keys.code, keys.teacher_key)] == [("Ada", 1), ("Bob", 0)]
    assert rooms.free_name(keys.code, keys.teacher_key, "ADA") and not rooms.free_name(keys.code, keys.teacher_key, "Ada")
    assert rooms.membership(ada) is None and rooms.post_entry(keys.code, ada, 1, entry_data()) is None  # the old tab left
    assert [m.name for m in rooms.members(keys.code, keys.teacher_key)] == ["Bob"]
    again = new_workspace_id()  # Ada, on another computer, joins under her name again
    rooms.join_class(keys.code, again, "Ada")
    store.save_run(again, result, "ramp", [4.0], 8.0)
    rooms.post_entry(keys.code, again, 1, entry_data(0.4))
    board = rooms.board(keys.code, viewer=again)
    assert [(e.name, e.joined, e.mine) for e in board] == [("Ada", 1, False), ("Ada", 1, True)]  # still Student 1
    info = rooms.class_info(keys.code)
    assert (info.members, info.posted) == (2, 1)


def test_posted_counts_members_now_with_a_run_on_the_board(store, rooms, result):
    keys = rooms.open_class()
    ada, bob = student(store, rooms, keys.code, "Ada", result, runs=2), student(store, rooms, keys.code, "Bob", result)
    student(store, rooms, keys.code, "Cy", result)  # joined, trained nothing that reached the board
    assert (rooms.class_info(keys.code).members, rooms.class_info(keys.code).posted) == (3, 0)
    first = rooms.post_entry(keys.code, ada, 1, entry_data())
    rooms.post_entry(keys.code, ada, 2, entry_data())
    only = rooms.post_entry(keys.code, bob, 1, entry_data())
    assert rooms.class_info(keys.code).posted == 2  # two runs of Ada's count her once
    rooms.remove_entry(keys.code, keys.teacher_key, only)
    rooms.remove_entry(keys.code, keys.teacher_key, first)
    assert rooms.class_info(keys.code).posted == 1  # Bob has nothing on the board now; Ada still has one run
    rooms.join_class(rooms.open_class().code, ada, "Ada")  # Ada moves to another class
    assert (rooms.class_info(keys.code).members, rooms.class_info(keys.code).posted) == (2, 0)
