import pytest


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch):
    """Run on_commit callbacks (notifications) at once: the test's transaction never commits."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
