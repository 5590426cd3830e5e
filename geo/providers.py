"""Optional online geocoders (天地图, 高德) behind one interface, used only when a key is configured."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from types import MappingProxyType
from typing import ClassVar, Protocol, runtime_checkable

from geo.crs import gcj02_to_wgs84
from geo.geocode import GeocodeResult
from geo.rate_limit import RateLimiter

# locate(lon, lat) -> (county_adcode, county_name, town_name), "" when the point is outside our counties.
Locate = Callable[[float, float], tuple[str, str, str]]

TIANDITU_URL = "https://api.tianditu.gov.cn/geocoder"
AMAP_URL = "https://restapi.amap.com/v3/geocode/geo"

_LABELS = MappingProxyType({"tianditu": "天地图", "amap": "高德"})

# Match levels as the services name them. 高德's list is the one in its 2023-12-07 notice
# (https://lbs.amap.com/news/geocoder_api); 天地图 documents `level` only as "类别名称" and its own
# example answers "地名地址", so that value is included. Every level below 乡镇 is a point the service
# placed from the address text: we call it "digitised", never "surveyed".
_DIGITISED = frozenset({
    "门牌号", "门址", "单元号", "楼层", "房间", "兴趣点", "道路", "道路交叉路口", "村庄", "热点商圈",
    "公交站台", "公交地铁站点", "地铁站", "住宅区", "小巷", "地名地址", "未知",
})
_PRECISION_BY_LEVEL = MappingProxyType({
    **dict.fromkeys(_DIGITISED, "digitised"),
    "乡镇": "town",
    "开发区": "town",  # a zone's centroid: about as far off as a town centroid
    "区县": "county",
})
# A city, province or country centroid says nothing about where in the region the address is.
_COARSE = frozenset({"市", "城市", "地级市", "省", "国家"})
# 高德 has no score; these mirror how far a point of each precision can be from the address.
_DEFAULT_CONFIDENCE = MappingProxyType({"digitised": 0.9, "town": 0.7, "county": 0.5})
_UNCONFIRMED_CONFIDENCE = 0.5  # 高德 "未知": a POI whose level it could not confirm

# 高德 infocodes worth a plain-language hint (https://lbs.amap.com/api/webservice/guide/tools/info).
_AMAP_HINTS = MappingProxyType({
    "10001": "the key is wrong or expired",
    "10002": "the key may not call this service (needs a Web服务 key), or the URL path is wrong",
    "10003": "the daily quota is used up; it resets at 00:00",
    "10004": "too many requests this minute; lower the rate",
    "10005": "this server's IP is not on the key's whitelist",
    "10009": "the key is for another platform; use a Web服务 key",
    "10010": "too many requests from this IP",
    "10013": "the key was deleted",
    "10044": "the account's daily quota is used up",
})
_KEY_HTTP_CODES = frozenset({401, 403, 418})  # 天地图 answers a bad or over-quota tk at the HTTP level


class ProviderConfigError(ValueError):
    """An online geocoder was set up wrongly (a programmer or configuration error)."""


class MissingKeyError(ProviderConfigError):
    """An online geocoder was constructed without an API key."""


class UnknownProviderError(ProviderConfigError):
    """The `geocoder` setting names a provider this module does not have."""


class ProviderResponseError(RuntimeError):
    """A service answered with something we cannot use; geocode() turns it into "unparseable"."""


@runtime_checkable
class Geocoder(Protocol):
    """Anything that turns one address into a GeocodeResult."""

    name: str

    def geocode(self, address: str) -> GeocodeResult:
        """The service's answer for one address."""
        ...


@dataclass(frozen=True)
class _Hit:
    """One point a service returned, before level and region are judged."""

    provider: str
    query: str
    lon: float
    lat: float
    level: str
    matched: str
    admin: tuple[str, str, str]  # county_adcode, county, town
    in_region: bool | None  # None: neither an adcode nor a locate callback could tell
    where: str = ""  # the service's own place name, for messages
    score: float | None = None
    rivals: tuple[str, ...] = ()  # other districts the service also matched


def _check_settings(owner: str, key: str, base_url: str, timeout: float, region_adcode: str) -> None:
    if not key.strip():
        raise MissingKeyError(f"{owner} needs an API key; leave the geocoder on 'offline' without one")
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https") or "?" in base_url:
        raise ProviderConfigError(f"{owner}: base_url must be an http(s) URL without a query: {base_url!r}")
    if timeout <= 0:
        raise ProviderConfigError(f"{owner}: timeout must be positive, got {timeout}")
    if not (len(region_adcode) == 6 and region_adcode.isdigit()):
        raise ProviderConfigError(f"{owner}: region_adcode must be 6 digits, got {region_adcode!r}")


def _fetch_json(url: str, timeout: float, label: str) -> object:
    """GET a URL and decode JSON; every failure becomes a ProviderResponseError naming the service.
    Messages never include the URL, because it carries the key."""
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "heze-park-map"})
    try:
        # A fresh opener per call so proxy settings are read from the environment each time.
        with urllib.request.build_opener().open(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        keyish = exc.code in _KEY_HTTP_CODES
        hint = " — the key may be invalid, over quota or not authorised" if keyish else ""
        raise ProviderResponseError(f"{label}: HTTP {exc.code} {exc.reason}{hint}") from exc
    except TimeoutError as exc:
        raise ProviderResponseError(f"{label}: no answer within {timeout:g} s (timeout)") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ProviderResponseError(f"{label}: no answer within {timeout:g} s (timeout)") from exc
        raise ProviderResponseError(f"{label}: cannot reach the service ({exc.reason})") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise ProviderResponseError(f"{label}: connection failed ({exc.__class__.__name__})") from exc
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        snippet = body[:60].decode("utf-8", "replace")
        raise ProviderResponseError(f"{label}: invalid JSON in the response ({snippet!r}…)") from exc


def _text(value: object) -> str:
    """高德 sends [] instead of "" for empty fields; lists of names are joined."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value.strip() if isinstance(value, str) else ""


def _coords(lon: object, lat: object, label: str) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ProviderResponseError(f"{label}: the response has no usable coordinates") from exc
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise ProviderResponseError(f"{label}: coordinates out of range ({x}, {y})")
    return x, y


def _located(locate: Locate | None, lon: float, lat: float, region_adcode: str
             ) -> tuple[tuple[str, str, str], bool | None]:
    """County/town from our own boundaries, and whether that county is in the region."""
    if locate is None:
        return ("", "", ""), None
    adcode, county, town = locate(lon, lat)
    return (adcode, county, town), bool(adcode) and adcode[:4] == region_adcode[:4]


def _unparseable(provider: str, query: str, message: str) -> GeocodeResult:
    return GeocodeResult(query=query, status="unparseable", message=message, provider=provider)


def _finish(hit: _Hit) -> GeocodeResult:
    """Judge region, ambiguity and level, in that order, and build the result."""
    label = _LABELS[hit.provider]
    base = {"query": hit.query, "provider": hit.provider, "matched": hit.matched}
    if hit.in_region is False:
        return GeocodeResult(status="not_in_region", **base,
                             message=f"{label} placed this address outside the region ({hit.where or '?'}).")
    if hit.rivals:
        places = "、".join(hit.rivals)
        return GeocodeResult(status="ambiguous", **base, message=(
            f"{label} matched it in several districts ({places}); add the county to the address."))
    precision = _PRECISION_BY_LEVEL.get(hit.level)
    if precision is None:
        why = "is only a city/province centroid" if hit.level in _COARSE else "is a level we cannot place"
        return GeocodeResult(status="ambiguous", **base,
                             message=f"{label} matched at level '{hit.level}', which {why}; add detail.")
    county_adcode, county, town = hit.admin
    confidence = hit.score if hit.score is not None else _DEFAULT_CONFIDENCE[precision]
    message = f"{label} matched at level '{hit.level}'."
    if precision == "digitised":
        message = (f"Point placed by {label} from the address text (level '{hit.level}'): "
                   "digitised by a service, not surveyed.")
    if hit.level == "未知":
        confidence = min(confidence, _UNCONFIRMED_CONFIDENCE)
    if hit.in_region is None:
        message += " Region not checked (no adcode and no locate callback)."
    return GeocodeResult(status="ok", **base, county_adcode=county_adcode, county=county,
                         town="" if precision == "county" else town, lon=hit.lon, lat=hit.lat,
                         precision=precision, confidence=round(max(0.0, min(1.0, confidence)), 3),
                         message=message)




@dataclass(frozen=True)
class _OnlineGeocoder:
    """What both services share: key, region, endpoint, timeout, the rate limit and geocode()."""

    key: str = field(repr=False)
    _: KW_ONLY
    region_adcode: str  # the region results must fall in (no default: the caller's region)
    base_url: str = ""
    timeout: float = 8.0
    locate: Locate | None = None
    limiter: RateLimiter = field(default_factory=RateLimiter, repr=False, compare=False)
    name: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _check_settings(type(self).__name__, self.key, self.base_url, self.timeout,
                        self.region_adcode)

    def request_url(self, address: str) -> str:
        """The service's request URL for one address (the key included)."""
        raise NotImplementedError

    def _hit(self, query: str, payload: object) -> _Hit:
        raise NotImplementedError

    def geocode(self, address: str) -> GeocodeResult:
        label = _LABELS[self.name]
        query = address.strip()
        if not query:
            return _unparseable(self.name, address, f"{label}: the address is empty.")
        self.limiter.wait()  # the services throttle; every caller of this geocoder takes turns
        try:
            payload = _fetch_json(self.request_url(query), self.timeout, label)
            return _finish(self._hit(query, payload))
        except ProviderResponseError as exc:
            return _unparseable(self.name, address, str(exc))


@dataclass(frozen=True)
class TiandituGeocoder(_OnlineGeocoder):
    """天地图 geocoder. Request and answer as documented on lbs.tianditu.gov.cn (地理编码查询, mirrored at
    https://blog.csdn.net/mcband/article/details/134915002):
    GET {base_url}?ds={"keyWord":"<address>"}&tk=<key>, answered by
    {"status":"0","msg":"ok","location":{"lon","lat","level",...}}; status 0 正常, 101 结果为空,
    404 出错. Coordinates are CGCS2000, which we treat as WGS-84 (they differ by centimetres)."""

    base_url: str = TIANDITU_URL
    name: ClassVar[str] = "tianditu"

    def request_url(self, address: str) -> str:
        """The service's request URL for one address (the key included)."""
        ds = json.dumps({"keyWord": address}, ensure_ascii=False, separators=(",", ":"))
        return f"{self.base_url}?{urllib.parse.urlencode({'ds': ds, 'tk': self.key.strip()})}"

    def _hit(self, query: str, payload: object) -> _Hit:
        if not isinstance(payload, dict):
            raise ProviderResponseError("天地图: unexpected response (not a JSON object)")
        status, msg = str(payload.get("status", "")), _text(payload.get("msg"))
        if status != "0":
            raise ProviderResponseError(_tianditu_failure(status, msg))
        location = payload.get("location")
        if not isinstance(location, dict):
            raise ProviderResponseError("天地图: the response has no location")
        lon, lat = _coords(location.get("lon"), location.get("lat"), "天地图")
        admin, in_region = _located(self.locate, lon, lat, self.region_adcode)
        try:
            score: float | None = float(location["score"]) / 100.0
        except (KeyError, TypeError, ValueError):
            score = None
        where = f"{admin[1]} {admin[0]}" if admin[0] else f"{lon:.4f}, {lat:.4f} is in none of our counties"
        return _Hit(self.name, query, lon, lat, _text(location.get("level")),
                    _text(location.get("keyWord")) or query, admin, in_region, where=where, score=score)


def _tianditu_failure(status: str, msg: str) -> str:
    if status == "101":
        return f"天地图: no match for this address (status 101{', ' + msg if msg else ''})."
    if any(word in msg.lower() for word in ("key", "tk", "权限", "授权")):
        return f"天地图: the key was rejected ({msg}); check tianditu_key."
    if not status:
        return f"天地图: unexpected response without a status ({msg or 'no msg'})."
    return f"天地图: the service reported an error (status {status}: {msg or 'no msg'})."


@dataclass(frozen=True)
class AmapGeocoder(_OnlineGeocoder):
    """高德 geocoder, as documented at https://lbs.amap.com/api/webservice/guide/api/georegeo: GET
    {base_url}?address=&city=&key=&output=JSON, answer {"status":"1","count",...,"geocodes":[{"adcode",
    "location":"lon,lat","level",...}]}; status 0 carries info/infocode. `location` is GCJ-02."""

    _: KW_ONLY
    city: str  # the city 高德 searches in (the region's name, e.g. 济宁市); no default
    base_url: str = AMAP_URL
    name: ClassVar[str] = "amap"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.city.strip():
            raise ProviderConfigError("AmapGeocoder: city must name the region's city, e.g. 菏泽市")

    def request_url(self, address: str) -> str:
        """The service's request URL for one address (the key included)."""
        params = {"address": address, "city": self.city, "key": self.key.strip(), "output": "JSON"}
        return f"{self.base_url}?{urllib.parse.urlencode(params)}"

    def _hit(self, query: str, payload: object) -> _Hit:
        first, rivals = _amap_first(payload)
        lon_gcj, _, lat_gcj = _text(first.get("location")).partition(",")
        lon, lat = (float(v) for v in gcj02_to_wgs84(*_coords(lon_gcj, lat_gcj, "高德")))
        adcode, district = _text(first.get("adcode")), _text(first.get("district"))
        own = (adcode, district, _amap_town(first))
        ours, in_region = _located(self.locate, lon, lat, self.region_adcode)
        if adcode:  # 高德's own adcode decides the region; our boundaries only refine the names
            in_region = adcode[:4] == self.region_adcode[:4]
        admin = (ours[0] or own[0], ours[1] or own[1], ours[2] or own[2]) if in_region else own
        where = f"{_text(first.get('city')) or _text(first.get('province'))}{district} {adcode}".strip()
        return _Hit(self.name, query, lon, lat, _text(first.get("level")),
                    _text(first.get("formatted_address")) or query, admin, in_region,
                    where=where, rivals=rivals)


def _amap_first(payload: object) -> tuple[dict[str, object], tuple[str, ...]]:
    """The first geocode, and the distinct districts when 高德 matched more than one."""
    if not isinstance(payload, dict):
        raise ProviderResponseError("高德: unexpected response (not a JSON object)")
    if str(payload.get("status", "")) != "1":
        info, code = _text(payload.get("info")) or "no info", _text(payload.get("infocode")) or "?"
        hint = _AMAP_HINTS.get(code, "see 高德's error-code table")
        raise ProviderResponseError(f"高德: request refused: {info} (infocode {code}) — {hint}.")
    geocodes = [g for g in payload.get("geocodes") or [] if isinstance(g, dict)]
    if str(payload.get("count", "")) == "0" or not geocodes:
        raise ProviderResponseError("高德: no match for this address (count 0).")
    districts = tuple(dict.fromkeys(_text(g.get("district")) or _text(g.get("adcode")) for g in geocodes))
    return geocodes[0], districts if len(districts) > 1 else ()


def _amap_town(geocode: Mapping[str, object]) -> str:
    """高德's geo answer usually leaves `township` empty; for a 乡镇 match the town is what follows the
    district in formatted_address."""
    town = _text(geocode.get("township"))
    if town or _text(geocode.get("level")) != "乡镇":
        return town
    prefix = "".join(_text(geocode.get(k)) for k in ("province", "city", "district"))
    address = _text(geocode.get("formatted_address"))
    return address[len(prefix):] if prefix and address.startswith(prefix) else ""


_PROVIDERS = MappingProxyType({"tianditu": TiandituGeocoder, "amap": AmapGeocoder})


def provider_from_settings(settings: Mapping[str, str], *, region_adcode: str, city: str,
                           locate: Locate | None = None,
                           limiter: RateLimiter | None = None) -> Geocoder | None:
    """The configured online geocoder for the region (`city`: its name, as 高德 searches by it),
    or None when the offline one should be used (the default, and also when the chosen provider
    has no key). `limiter`: the rate limit its calls share (default DEFAULT_RATE_PER_S)."""
    choice = (settings.get("geocoder") or "offline").strip().lower()
    if choice == "offline":
        return None
    if choice not in _PROVIDERS:
        raise UnknownProviderError(
            f"geocoder setting {choice!r} is unknown; use one of offline, {', '.join(_PROVIDERS)}")
    key = (settings.get(f"{choice}_key") or "").strip()
    if not key:
        return None
    options: dict[str, object] = {"region_adcode": region_adcode, "locate": locate,
                                  "limiter": limiter or RateLimiter()}
    base_url = (settings.get(f"{choice}_geocode_url") or "").strip()
    if base_url:  # else the provider's public endpoint
        options["base_url"] = base_url
    if choice == "amap":
        options["city"] = city
    return _PROVIDERS[choice](key, **options)
