import pytest


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Photos go to a temporary directory, not the developer's private store."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
