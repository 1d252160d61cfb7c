import pytest


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded documents go to a throwaway private root in every test."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    yield
