import contextlib
import os
import shutil

import pytest

os.environ.setdefault("HUXIAO_TESTING", "1")


def _scan_static_files_once():
    """Every Django test Client loads the middleware anew, and WhiteNoise (WHITENOISE_USE_FINDERS) then
    walks every static folder and stats every file again: ~30 ms per client, two fifths of the permission
    matrix's time. The static files do not change during a run, so each folder (and the finders' files)
    is scanned once per configuration (the settings WhiteNoise reads) and every later middleware gets
    the same table of files."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise
    from whitenoise.middleware import WhiteNoiseMiddleware

    scans = {}
    read = ("DEBUG", "STATIC_URL", "STATIC_ROOT", "FORCE_SCRIPT_NAME", "STATICFILES_DIRS", "STATICFILES_FINDERS",
            "INSTALLED_APPS", "STORAGES")

    def scanned(self, what, scan):
        config = [(n, getattr(settings, n, None)) for n in read]
        config += [(n, getattr(settings, n)) for n in dir(settings) if n.startswith("WHITENOISE_")]
        key = repr((what, config))
        if key not in scans:
            kept, self.files = self.files, {}
            try:
                scan()
                scans[key] = self.files
            finally:
                self.files = kept
        self.files.update(scans[key])

    from_finders = WhiteNoiseMiddleware.add_files_from_finders
    from_folder = WhiteNoise.update_files_dictionary
    WhiteNoiseMiddleware.add_files_from_finders = lambda self: scanned(self, "finders", lambda: from_finders(self))
    WhiteNoise.update_files_dictionary = lambda self, root, prefix: scanned(
        self, ("folder", str(root), prefix), lambda: from_folder(self, root, prefix))


_scan_static_files_once()


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@contextlib.contextmanager
def shared_transaction(django_db_blocker):
    """Build data once for a module (or class): what the body writes stays in a transaction that is rolled
    back when the block ends, and each test runs in its own savepoint nested in it (pytest-django's ``db``
    enters a TestCase atomic, which nests), rolled back after the test — Django's ``setUpTestData``.

    The outer atomic is marked as a test case's, as TestCase.setUpClass marks its own, so durable entry
    points (``core.actions.entry_point``) run inside it as they do inside a test. Only non-transactional
    tests may run while it is open (a transactional test's flush would end it). The database stays blocked
    inside: build the data within ``django_db_blocker.unblock()``."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextlib.contextmanager
def shared_media(tmp_path_factory):
    """MEDIA_ROOT and VAR_DIR in a directory of their own while shared data is built (a test's own
    ``_media_in_tmp`` replaces them; copy_shared_media gives it the files built here)."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("shared")
    with override_settings(MEDIA_ROOT=root / "media", VAR_DIR=root):
        yield root


def copy_shared_media(root, settings):
    """Copy the files stored while shared data was built into this test's own MEDIA_ROOT (a test may then
    write or delete files without touching the next test's)."""
    if (root / "media").exists():
        shutil.copytree(root / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as ``user`` (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


_DB_BLOCKER = []


@pytest.fixture(scope="session", autouse=True)
def _end_stray_sessions(django_db_setup, django_db_blocker):
    """Connections opened in worker threads (sync_to_async, consoles' hub) are never closed by the
    threads themselves; end those PostgreSQL sessions before pytest-django drops the test database,
    which it cannot while they are open. Only on a test database: a run whose tests need none (browser
    tests only) is still connected to the configured one, whose sessions are nobody's business here."""
    from django.db import connection

    _DB_BLOCKER.append(django_db_blocker)  # for the teardown hook below, which gets no fixtures
    yield
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush the database, which would also wipe the data that migrations load
    (the GB/T 2260 regions, shipped checklist templates …) for the tests after them: make every
    transactional test restore it (Django's serialized rollback)."""
    for item in items:
        names = getattr(item, "fixturenames", [])
        if _is_transactional(item) and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", [])
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in names or \
        "live_server" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back what migrations loaded, so the tests that follow
    (in any order, on any xdist worker) find it. A hook, not a fixture: fixtures are torn down before
    pytest-django's database fixture flushes, so a fixture's restore would be flushed away."""
    yield
    if not _is_transactional(item) or nextitem is None or _is_transactional(nextitem):
        # a transactional test restores it itself (serialized rollback) before it starts; after the last
        # test the test databases are gone (the connection points at the real one again)
        return
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and _DB_BLOCKER:
        with _DB_BLOCKER[0].unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def browser():
    """The one headless Chromium of a test process: Playwright's sync API allows one running instance
    per thread, so every browser test (tests/e2e and the apps' own) shares this one. Its event loop
    stays on this thread until the process ends, so the tests' own queries beside it are allowed for the
    rest of the process (set here once, never undone by a test's monkeypatch)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
