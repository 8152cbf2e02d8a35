"""Running a coroutine from a test, even when the test's thread already runs an event loop (the
session-wide Playwright browser of the e2e tests keeps one running on the worker's main thread)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
