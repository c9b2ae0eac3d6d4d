import pytest

from dashboard.data.reference import cercle_seats, mali_regions, region_outline
from dashboard.viz.maps import Basemap


@pytest.fixture(scope="session")
def basemap():
    """The bundled vector basemap: Ségou outline, Mali's regions, cercle seats."""
    return Basemap(region=region_outline(), other_regions=mali_regions(), seats=cercle_seats())
