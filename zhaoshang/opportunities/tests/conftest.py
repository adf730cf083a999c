import pytest


@pytest.fixture
def demo(demo_district):
    """These tests read the demo district's published records (the portal's content),
    so they stand on the whole demo district, not on the personas alone."""
    return demo_district
