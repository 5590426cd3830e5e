"""Online geocoders (天地图, 高德) against a local server replaying documented responses; no internet."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from geo.crs import gcj02_to_wgs84
from geo.providers import (
    AMAP_URL,
    TIANDITU_URL,
    AmapGeocoder,
    Geocoder,
    MissingKeyError,
    ProviderConfigError,
    ProviderResponseError,
    TiandituGeocoder,
    UnknownProviderError,
    provider_from_settings,
)
from geo.rate_limit import RateLimiter
from tests.fake_time import FakeTime

FIXTURES = Path(__file__).parent / "data" / "provider_responses"
KEY = "test-key-0123456789"
SLOW_S = 0.8  # the slow endpoint's delay, well past the client's timeout
TIMEOUT_S = 0.2
HOUSE = "山东省菏泽市郓城县唐塔路58号"
PATHS = {"tianditu": "/tianditu/geocoder", "amap": "/amap/v3/geocode/geo"}
LABELS = {"tianditu": "天地图", "amap": "高德"}
HEZE = {"region_adcode": "371700"}
REQUIRED = {TiandituGeocoder: HEZE, AmapGeocoder: {**HEZE, "city": "菏泽市"}}


def _no_wait() -> RateLimiter:
    """A limiter that never sleeps: these tests are about requests and answers, not pace."""
    return RateLimiter(sleep=lambda seconds: None)


def _make(cls: type, key: str = KEY, **kwargs: object) -> TiandituGeocoder | AmapGeocoder:
    return cls(key, **{**REQUIRED[cls], "limiter": _no_wait(), **kwargs})


def _fixtures() -> dict[tuple[str, str], dict[str, object]]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))]
    return {(d["provider"], d["query"]): d for d in docs}


def _query_text(provider: str, params: dict[str, list[str]]) -> str:
    if provider == "tianditu":
        return json.loads(params.get("ds", ["{}"])[0]).get("keyWord", "")
    return params.get("address", [""])[0]


@dataclass
class Replay:
    """The running replay server and every request it received (path, params, raw query)."""

    base: str
    requests: list[tuple[str, dict[str, list[str]], str]] = field(default_factory=list)

    def url(self, provider: str, *, slow: bool = False) -> str:
        return f"{self.base}{'/slow' if slow else ''}{PATHS[provider]}"


def _handler(fixtures: dict[tuple[str, str], dict[str, object]], replay: Replay) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            replay.requests.append((parts.path, params, parts.query))
            if parts.path.startswith("/slow/"):
                time.sleep(SLOW_S)  # longer than the client waits: it must give up first
                return self._send(200, b"{}")
            provider = "tianditu" if parts.path == PATHS["tianditu"] else "amap"
            doc = fixtures.get((provider, _query_text(provider, params)))
            if doc is None:
                return self._send(404, b"no fixture for this query")
            text = doc.get("body_text")  # malformed bodies are replayed verbatim
            body = text if isinstance(text, str) else json.dumps(doc["body"], ensure_ascii=False)
            return self._send(int(doc["http_status"]), body.encode())

        def _send(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client timed out and hung up; nothing to answer
                pass

        def log_message(self, *args: object) -> None:  # keep pytest's output clean
            pass

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Replay]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    replay = Replay(f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(_fixtures(), replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield replay
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def replay(server: Replay) -> Replay:
    server.requests.clear()
    return server


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that is not to the local replay server, and ignore proxies."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    real = socket.create_connection

    def local_only(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        assert address[0] == "127.0.0.1", f"a test tried to reach {address[0]}"
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", local_only)


@dataclass
class FakeLocate:
    """Stands in for the app's point-in-county lookup: only a box around 郓城县 is "ours"."""

    calls: list[tuple[float, float]] = field(default_factory=list)

    def __call__(self, lon: float, lat: float) -> tuple[str, str, str]:
        self.calls.append((lon, lat))
        if 115.8 <= lon <= 116.1 and 35.55 <= lat <= 35.75:
            return "371725", "郓城县", "黄安镇" if lat > 35.65 else "唐塔街道"
        return "", "", ""


@pytest.fixture
def locate() -> FakeLocate:
    return FakeLocate()


def _local(geocoder: TiandituGeocoder | AmapGeocoder) -> TiandituGeocoder | AmapGeocoder:
    assert urlsplit(geocoder.base_url).hostname == "127.0.0.1"
    return geocoder


@pytest.fixture
def tianditu(replay: Replay, locate: FakeLocate) -> TiandituGeocoder:
    return _local(_make(TiandituGeocoder, base_url=replay.url("tianditu"), locate=locate, timeout=3.0))


@pytest.fixture
def amap(replay: Replay, locate: FakeLocate) -> AmapGeocoder:
    return _local(_make(AmapGeocoder, base_url=replay.url("amap"), locate=locate, timeout=3.0))


def _provider(name: str, replay: Replay, **kwargs: object) -> TiandituGeocoder | AmapGeocoder:
    cls = TiandituGeocoder if name == "tianditu" else AmapGeocoder
    kwargs.setdefault("base_url", replay.url(name))
    return _local(_make(cls, **kwargs))


def test_amap_request_sends_key_city_and_encoded_address(amap: AmapGeocoder, replay: Replay) -> None:
    amap.geocode(HOUSE)
    [(path, params, raw)] = replay.requests
    assert path == PATHS["amap"]
    assert params == {"address": [HOUSE], "city": ["菏泽市"], "key": [KEY], "output": ["JSON"]}
    assert raw.isascii() and quote(HOUSE) in raw  # UTF-8 percent-encoded, never raw CJK


def test_tianditu_request_sends_ds_json_and_tk(tianditu: TiandituGeocoder, replay: Replay) -> None:
    tianditu.geocode(f"  {HOUSE} ")
    [(path, params, raw)] = replay.requests
    assert path == PATHS["tianditu"]
    assert set(params) == {"ds", "tk"} and params["tk"] == [KEY]
    assert json.loads(params["ds"][0]) == {"keyWord": HOUSE}  # stripped, in the documented JSON
    assert raw.isascii() and "%7B%22keyWord%22" in raw


def test_empty_address_makes_no_request(amap: AmapGeocoder, tianditu: TiandituGeocoder,
                                        replay: Replay) -> None:
    for geocoder in (amap, tianditu):
        result = geocoder.geocode("   ")
        assert result.status == "unparseable" and "empty" in result.message
    assert replay.requests == []


def test_amap_shifts_gcj02_to_wgs84(amap: AmapGeocoder, locate: FakeLocate) -> None:
    result = amap.geocode(HOUSE)
    want_lon, want_lat = gcj02_to_wgs84(115.947280, 35.596199)
    assert result.lon == pytest.approx(want_lon, abs=1e-9)
    assert result.lat == pytest.approx(want_lat, abs=1e-9)
    assert abs(result.lon - 115.947280) > 1e-3  # the shift really happened (~500 m here)
    assert locate.calls == [(result.lon, result.lat)]  # our boundaries see WGS-84, not GCJ-02


def test_tianditu_keeps_cgcs2000_coordinates(tianditu: TiandituGeocoder, locate: FakeLocate) -> None:
    result = tianditu.geocode(HOUSE)
    assert (result.lon, result.lat) == (115.9418, 35.5965)
    assert locate.calls == [(115.9418, 35.5965)]


@pytest.mark.parametrize("name", ["tianditu", "amap"])
@pytest.mark.parametrize(("query", "precision", "town"), [
    (HOUSE, "digitised", "唐塔街道"),
    ("郓城县黄安镇", "town", "黄安镇"),
    ("郓城县", "county", ""),  # a county centroid must not claim the town it happens to fall in
])
def test_level_maps_to_precision(name: str, query: str, precision: str, town: str, replay: Replay,
                                 locate: FakeLocate) -> None:
    result = _provider(name, replay, locate=locate).geocode(query)
    assert (result.status, result.precision, result.provider) == ("ok", precision, name)
    assert (result.county_adcode, result.county, result.town) == ("371725", "郓城县", town)
    assert 0 < result.confidence <= 1
    if precision == "digitised":
        assert "digitised by a service" in result.message and LABELS[name] in result.message


def test_confidence_follows_tianditu_score(tianditu: TiandituGeocoder) -> None:
    assert tianditu.geocode(HOUSE).confidence == 1.0
    assert tianditu.geocode("郓城县黄安镇").confidence == 0.9


def test_amap_town_without_locate_comes_from_formatted_address(replay: Replay) -> None:
    result = _provider("amap", replay).geocode("郓城县黄安镇")
    assert (result.county_adcode, result.county, result.town) == ("371725", "郓城县", "黄安镇")


def test_city_level_is_ambiguous_without_a_point(amap: AmapGeocoder) -> None:
    result = amap.geocode("菏泽市")
    assert result.status == "ambiguous"
    assert result.lon is None and result.lat is None and result.precision == ""
    assert "'市'" in result.message and "高德" in result.message


def test_matches_in_two_districts_are_ambiguous(amap: AmapGeocoder) -> None:
    result = amap.geocode("人民路")
    assert result.status == "ambiguous"
    assert "牡丹区" in result.message and "定陶区" in result.message


def test_amap_not_in_region_from_adcode(replay: Replay) -> None:
    everywhere_ours = lambda lon, lat: ("371725", "郓城县", "")  # noqa: E731
    result = _provider("amap", replay, locate=everywhere_ours).geocode("濮阳市东明路")
    assert result.status == "not_in_region"  # 高德's adcode 410902 decides, not the callback
    assert "410902" in result.message and "濮阳市" in result.message
    assert result.lon is None and result.county_adcode == ""


def test_tianditu_not_in_region_from_locate(tianditu: TiandituGeocoder, locate: FakeLocate) -> None:
    result = tianditu.geocode("濮阳市东明路")
    assert result.status == "not_in_region"
    assert locate.calls == [(115.029, 35.762)]
    assert "none of our counties" in result.message


def test_tianditu_without_locate_says_region_unchecked(replay: Replay) -> None:
    result = _provider("tianditu", replay).geocode("濮阳市东明路")
    assert result.status == "ok" and result.county_adcode == ""
    assert "Region not checked" in result.message


def test_region_adcode_is_configurable(replay: Replay) -> None:
    puyang = _provider("amap", replay, region_adcode="410900").geocode("濮阳市东明路")
    assert puyang.status == "ok" and puyang.county_adcode == "410902" and puyang.county == "华龙区"
    assert _provider("amap", replay, region_adcode="410900").geocode(HOUSE).status == "not_in_region"


@pytest.mark.parametrize(("name", "query", "expected"), [
    ("amap", "服务器错误", "HTTP 500"),
    ("tianditu", "服务器错误", "HTTP 500"),
    ("amap", "损坏响应", "invalid JSON"),
    ("tianditu", "损坏响应", "invalid JSON"),
    ("amap", "无效密钥测试", "INVALID_USER_KEY (infocode 10001) — the key is wrong or expired"),
    ("tianditu", "无效密钥测试", "HTTP 403 Forbidden — the key may be invalid"),
    ("amap", "配额测试", "DAILY_QUERY_OVER_LIMIT (infocode 10003) — the daily quota"),
    ("amap", "火星基地1号", "no match"),
    ("tianditu", "火星基地1号", "no match for this address (status 101"),
])
def test_failures_are_unparseable_with_a_clear_message(name: str, query: str, expected: str,
                                                       replay: Replay) -> None:
    result = _provider(name, replay).geocode(query)
    assert result.status == "unparseable" and result.provider == name
    assert result.message.startswith(LABELS[name]) and expected in result.message
    assert KEY not in result.message  # the URL carries the key; messages must not
    assert result.lon is None and result.lat is None


@pytest.mark.parametrize("name", ["tianditu", "amap"])
def test_timeout_is_unparseable(name: str, replay: Replay) -> None:
    geocoder = _provider(name, replay, base_url=replay.url(name, slow=True), timeout=TIMEOUT_S)
    started = time.monotonic()
    result = geocoder.geocode(HOUSE)
    assert time.monotonic() - started < SLOW_S  # gave up before the server answered
    assert result.status == "unparseable" and "timeout" in result.message
    assert result.message.startswith(LABELS[name])


def test_unreachable_service_is_unparseable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    geocoder = _local(_make(AmapGeocoder, base_url=f"http://127.0.0.1:{port}/v3/geocode/geo",
                            timeout=1.0))
    result = geocoder.geocode(HOUSE)
    assert result.status == "unparseable" and "cannot reach" in result.message


@pytest.mark.parametrize(("cls", "payload"), [
    *((TiandituGeocoder, p) for p in ([], "ok", {"status": "0"}, {"status": "0", "location": "x"},
                                      {"status": "0", "location": {"lon": "a"}},
                                      {"status": "0", "location": {"lon": "200", "lat": "35"}})),
    *((AmapGeocoder, p) for p in (None, {"status": "1", "count": "1", "geocodes": "x"},
                                  {"status": "1", "count": "1", "geocodes": [1]},
                                  {"status": "1", "count": "1", "geocodes": [{"location": []}]},
                                  {"status": "1", "count": "1", "geocodes": [{"location": "115.9"}]})),
])
def test_odd_response_shapes_raise_only_response_errors(cls: type, payload: object) -> None:
    with pytest.raises(ProviderResponseError):  # which geocode() turns into "unparseable"
        _make(cls)._hit("x", payload)


@pytest.mark.parametrize("cls", [TiandituGeocoder, AmapGeocoder])
def test_construction_checks(cls: type) -> None:
    with pytest.raises(MissingKeyError, match="needs an API key"):
        _make(cls, "  ")
    with pytest.raises(ProviderConfigError, match="base_url"):
        _make(cls, base_url="ftp://example")
    with pytest.raises(ProviderConfigError, match="timeout"):
        _make(cls, timeout=0)
    with pytest.raises(ProviderConfigError, match="region_adcode"):
        _make(cls, region_adcode="3717")
    with pytest.raises(TypeError, match="region_adcode"):  # no default region: the caller's
        cls(KEY, **{k: v for k, v in REQUIRED[cls].items() if k != "region_adcode"})
    geocoder = _make(cls)
    assert KEY not in repr(geocoder)
    assert isinstance(geocoder, Geocoder)
    assert geocoder.base_url in (TIANDITU_URL, AMAP_URL)  # the public endpoints, never called here


@pytest.mark.parametrize("settings", [
    {}, {"geocoder": "offline", "tianditu_key": KEY, "amap_key": KEY},
    {"geocoder": "tianditu"}, {"geocoder": "amap", "amap_key": "  ", "tianditu_key": KEY},
])
def test_settings_without_online_provider_give_none(settings: dict[str, str]) -> None:
    assert provider_from_settings(settings, region_adcode="371700", city="菏泽市") is None


def test_settings_pick_provider_key_url_region_and_city(replay: Replay, locate: FakeLocate) -> None:
    settings = {"geocoder": " AMAP ", "amap_key": KEY, "amap_geocode_url": replay.url("amap")}
    geocoder = provider_from_settings(settings, locate=locate, region_adcode="370800",
                                      city="济宁市", limiter=_no_wait())
    assert isinstance(geocoder, AmapGeocoder) and geocoder.locate is locate
    assert (geocoder.region_adcode, geocoder.city) == ("370800", "济宁市")
    _local(geocoder).geocode(HOUSE)
    assert replay.requests[0][1]["city"] == ["济宁市"]  # a 济宁 import searches in 济宁
    tdt = provider_from_settings({"geocoder": "tianditu", "tianditu_key": KEY},
                                 region_adcode="371700", city="菏泽市")
    assert isinstance(tdt, TiandituGeocoder) and tdt.base_url == TIANDITU_URL


def test_unknown_provider_setting_raises() -> None:
    with pytest.raises(UnknownProviderError, match="offline, tianditu, amap"):
        provider_from_settings({"geocoder": "baidu", "baidu_key": KEY}, region_adcode="371700",
                               city="菏泽市")


def test_amap_needs_a_city() -> None:
    with pytest.raises(ProviderConfigError, match="city"):
        _make(AmapGeocoder, city=" ")


def test_a_provider_waits_its_turn_before_each_request(replay: Replay) -> None:
    fake = FakeTime()
    amap = _provider("amap", replay, limiter=RateLimiter(2.0, sleep=fake.sleep, clock=fake.clock))
    results = [amap.geocode(q) for q in (HOUSE, "濮阳市东明路", "损坏响应", "  ")]
    assert [r.status for r in results] == ["ok", "not_in_region", "unparseable", "unparseable"]
    assert fake.sleeps == pytest.approx([0.5, 0.5])  # an empty address sends nothing, waits not
    assert [_query_text("amap", p) for _, p, _ in replay.requests] == [HOUSE, "濮阳市东明路", "损坏响应"]
