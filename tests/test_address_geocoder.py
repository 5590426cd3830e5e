"""Tests for parks.files.geocoder.address_geocoder: online provider first, offline when it fails."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from geo import providers
from geo.geocode import GeocodeResult
from geo.rate_limit import RateLimiter
from parks.files import geocoder


@dataclass(frozen=True)
class FakeService:
    """Stands in for 天地图/高德 (their HTTP behaviour is covered in test_providers.py)."""

    answer: GeocodeResult
    name: str = "amap"

    def geocode(self, address: str) -> GeocodeResult:
        return GeocodeResult(**{**self.answer.as_dict(), "query": address})


def _with(monkeypatch, answer: GeocodeResult | None):
    service = FakeService(answer) if answer else None
    monkeypatch.setattr(geocoder, "provider_from_settings", lambda *a, **k: service)
    return geocoder.address_geocoder("371700", {"geocoder": "amap", "amap_key": "k"})


def test_offline_when_no_provider_is_configured(monkeypatch):
    found = _with(monkeypatch, None)("郓城县随官屯镇")
    assert (found.provider, found.town) == ("offline", "随官屯镇")


def test_online_answer_is_used(monkeypatch):
    answer = GeocodeResult("", "ok", "371725", "郓城县", "", 115.94, 35.59, "digitised",
                           provider="amap", confidence=0.9)
    found = _with(monkeypatch, answer)("郓城县某路1号")
    assert (found.provider, found.precision, found.lon) == ("amap", "digitised", 115.94)


@pytest.mark.parametrize("message", ["高德: timed out", "高德: invalid key (10001)"])
def test_service_failure_falls_back_to_offline_and_says_so(monkeypatch, message):
    failed = GeocodeResult("", "unparseable", message=message, provider="amap")
    found = _with(monkeypatch, failed)("郓城县随官屯镇")
    assert (found.status, found.provider, found.town) == ("ok", "offline", "随官屯镇")
    assert message in found.message


def test_not_in_region_from_the_service_is_kept(monkeypatch):
    outside = GeocodeResult("", "not_in_region", message="adcode 410902", provider="amap")
    assert _with(monkeypatch, outside)("濮阳市东明路").status == "not_in_region"


def test_the_online_service_searches_in_the_imported_region(monkeypatch):
    seen = []
    monkeypatch.setattr(providers, "_fetch_json", lambda url, *a: seen.append(url) or {})
    locate = geocoder.address_geocoder("370800", {"geocoder": "amap", "amap_key": "k"},
                                       limiter=RateLimiter(sleep=lambda s: None))
    assert locate("任城区某路1号").provider == "offline"  # {} is no answer: offline fallback
    assert "city=%E6%B5%8E%E5%AE%81%E5%B8%82" in seen[0]  # 济宁市, never 菏泽


def test_an_online_answer_carries_the_functional_area_read_offline(monkeypatch):
    answer = GeocodeResult("", "ok", "371702", "牡丹区", "", 115.5, 35.2, "digitised",
                           provider="amap", confidence=0.9)
    found = _with(monkeypatch, answer)("菏泽高新区万福街道长江路")
    assert (found.provider, found.functional_area) == ("amap", "菏泽高新区")
