import pytest

from dashboard.data.reference import cercle_seats, mali_regions, region_outline
from dashboard.viz.maps import Basemap


@pytest.fixture(scope="session")
def basemap():
    """The bundled vector basemap: Ségou outline, Mali's regions, cercle seats."""
    return Basemap(region=region_outline(), other_regions=mali_regions(), seats=cercle_seats())


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory):
    """The package built as a wheel and installed (not editable) into a throw-away venv (see tests/wheel.py)."""
    from tests import wheel

    try:
        return wheel.build_and_install(tmp_path_factory.mktemp("wheel"))
    except wheel.InstallError as exc:
        pytest.fail(str(exc))
