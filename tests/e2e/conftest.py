"""Browser tests against the real product: a fresh demo (migrate + seed_demo) served by ``run_demo``
(uvicorn with WebSockets, the Huey worker and every app process such as the alarm receiver), driven by
Playwright in Debian's /usr/bin/chromium. Skipped when chromium is missing.

On PostgreSQL (DATABASE_URL set) the demo gets its own database ``<name>_e2e``, dropped afterwards.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
DEMO_PASSWORD = "Huxiao@2026"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="Debian chromium is not installed (/usr/bin/chromium)")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DemoServer:
    url: str
    port: int
    dc09_port: int
    env: dict
    var_dir: Path

    def manage(self, *args, timeout=300):
        """Run a manage.py command against the demo's database (e.g. to move the clock or seed)."""
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True, timeout=timeout)


def _e2e_database_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") + "_e2e_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _recreate_pg(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_pg(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed")
    var_dir = tmp_path_factory.mktemp("demo-var")
    env = {k: v for k, v in os.environ.items() if k not in ("HUXIAO_TESTING", "DJANGO_SETTINGS_MODULE")}
    env.update(HUXIAO_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1", HUEY_NAME=f"huxiao-e2e-{os.getpid()}",
               CACHE_KEY_PREFIX=f"huxiao-e2e-{os.getpid()}")
    pg_url = None
    if os.environ.get("DATABASE_URL"):
        pg_url = _e2e_database_url(os.environ["DATABASE_URL"])
        _recreate_pg(pg_url)
        env["DATABASE_URL"] = pg_url
    port, dc09_port = free_port(), free_port()
    server = DemoServer(f"http://127.0.0.1:{port}", port, dc09_port, env, var_dir)
    server.manage("migrate", "--noinput", timeout=600)
    server.manage("seed_demo", timeout=600)
    log = open(var_dir / "demo.log", "w")
    proc = subprocess.Popen([sys.executable, "manage.py", "run_demo", "--port", str(port), "--dc09-port",
                             str(dc09_port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(server.url + "/login/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((var_dir / "demo.log").read_text()) from None
            time.sleep(0.3)
    else:
        raise RuntimeError("demo server did not start:\n" + (var_dir / "demo.log").read_text())
    yield server
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    log.close()
    if pg_url:
        _drop_pg(pg_url)


@pytest.fixture
def new_page(browser):
    """new_page() -> a fresh page in its own context (own cookies), 1280x900, zh-CN."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


def login(page, server: DemoServer, username: str, password: str = DEMO_PASSWORD):
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url, f"login as {username} failed"


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


