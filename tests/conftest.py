"""Shared fixtures: small configs keep the suite fast; the notebook's full 500 epochs run once."""

import os

# statsmodels' fits (the classical forecasters) run many small linear-algebra calls: OpenBLAS's threads only fight over
# a busy machine's cores for them (the dashboard's fitting process runs single-threaded for the same reason)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

import seqcore  # noqa: E402

# a few epochs are enough wherever the notebook's accuracy is not the point
FAST = seqcore.TrainConfig(epochs=20, units=8)


@pytest.fixture(scope="session")
def ramp():
    return seqcore.get_dataset("ramp")


@pytest.fixture(scope="session")
def notebook_result(ramp):
    """The reference notebook's run: defaults, 500 epochs, seed 0."""
    return seqcore.train(ramp, seqcore.TrainConfig())


@pytest.fixture(scope="session")
def eight_units(ramp):
    """The issue-19 student's run: the notebook's ramp and settings but 8 units (500 epochs, seed 0); it answers about
    5.88 after 5, 6, 7, and the same for every window. Trained once for every test that judges it."""
    return seqcore.train(ramp, seqcore.TrainConfig(units=8))


@pytest.fixture(autouse=True, scope="session")
def _runs_in_a_temporary_database(tmp_path_factory):
    """Never write test runs into the project's data/ folder; servers started by tests inherit this."""
    import os

    os.environ["LAB_DB_PATH"] = str(tmp_path_factory.mktemp("store") / "runs.sqlite3")


@pytest.fixture(autouse=True)
def _main_module_kept():
    """A page run by AppTest becomes `__main__` and stays so; a worker spawned later (the training pool's) then runs that
    page's script as its own main module, and a page made from a function fails there: give the suite's main back."""
    import sys

    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def store(tmp_path):
    """An empty run database of the test's own."""
    from seqcore.store import RunStore

    return RunStore(tmp_path / "runs.sqlite3")


@pytest.fixture(scope="module")
def pool():
    """One training worker for a test module."""
    from seqcore.pool import TrainingPool
    from seqcore.worker import Limits

    # no replacement for memory here (tests of that make their own pool): a replaced worker would make
    # "which worker has which model" depend on the order the tests run in
    pool = TrainingPool(workers=1, limits=Limits(architectures=1000, growth_mib=1e9))
    assert pool.wait_ready(), "the worker did not start"
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def live_app():
    """One dashboard server (workers, then Streamlit) shared by the browser test modules that ask for it: (url, process)."""
    from live_server import streamlit_server

    with streamlit_server() as (url, process, _):
        yield url, process
