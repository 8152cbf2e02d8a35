"""Datum conversions against published points, and distances."""

import pytest

from huxiao.patrols import geo


def test_wgs84_to_gcj02_at_tiananmen():
    # the widely quoted pair: WGS-84 39.908692, 116.397477 is GCJ-02 39.910093, 116.403719
    lat, lng = geo.wgs84_to_gcj02(39.908692, 116.397477)
    assert geo.distance_m(lat, lng, 39.910093, 116.403719) < 1.0


def test_gcj02_to_wgs84_and_bd09_match_a_reference_library():
    # reference values of gcoord's tests (lng 123, lat 45)
    lat, lng = geo.gcj02_to_wgs84(45.0, 123.0)
    assert lat == pytest.approx(44.99804071, abs=1e-5) and lng == pytest.approx(122.99395597, abs=1e-5)
    lat, lng = geo.gcj02_to_bd09(45.0, 123.0)
    assert lat == pytest.approx(45.00636899, abs=1e-6) and lng == pytest.approx(123.00636499, abs=1e-6)


@pytest.mark.parametrize("datum", [geo.Datum.GCJ02, geo.Datum.BD09])
def test_round_trip_to_wgs84_within_a_centimetre(datum):
    wgs = (31.723, 119.597)
    shown = geo.wgs84_to_gcj02(*wgs)
    if datum == geo.Datum.BD09:
        shown = geo.gcj02_to_bd09(*shown)
    assert geo.distance_m(*shown, *wgs) > 300  # what a 200 m fence would wrongly flag
    assert geo.distance_m(*geo.to_wgs84(*shown, datum), *wgs) < 0.01


def test_outside_china_gcj02_is_wgs84():
    assert geo.wgs84_to_gcj02(48.8584, 2.2945) == (48.8584, 2.2945)
    assert geo.to_wgs84(48.8584, 2.2945, geo.Datum.GCJ02) == (48.8584, 2.2945)


def test_distance():
    assert geo.distance_m(31.723, 119.597, 31.723, 119.597) == 0
    assert geo.distance_m(0, 0, 1, 0) == pytest.approx(111195, rel=1e-3)  # one degree of latitude
