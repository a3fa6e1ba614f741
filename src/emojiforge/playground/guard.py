"""Keep other websites out of the playground (pure checks on request headers).

The server binds to loopback, but a page on any website can still make the
visitor's browser send requests to 127.0.0.1. Two checks stop that:

- The Host header must name this machine, so a DNS-rebinding page (whose own
  hostname now resolves to 127.0.0.1) can neither read nor submit anything.
- A POST must be JSON and come from our own origin: browsers send ``Origin``
  (and ``Sec-Fetch-Site``) on cross-site requests and scripts cannot forge
  them, while a cross-site ``<form>`` cannot send ``application/json`` at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - names, not binds


def allowed_hosts(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names the page may be reached by: loopback, plus the bind address
    when it is a specific one (e.g. a LAN address given to ``--host``)."""
    hosts = set(LOOPBACK_HOSTS) | {h.lower() for h in extra}
    if bind_host not in _WILDCARD_HOSTS:
        hosts.add(bind_host.lower())
    return frozenset(hosts)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _hostname(host_header: str) -> str:
    # "127.0.0.1:3000" → "127.0.0.1"; "[::1]:3000" → "::1".
    return (urlsplit(f"//{host_header}").hostname or "").lower()


def host_refusal(headers: Mapping[str, str], allowed: frozenset[str]) -> str | None:
    """Why the request's Host is refused, or None when it is one of ``allowed``."""
    host = _lower(headers).get("host", "")
    if _hostname(host) not in allowed:
        return "unknown host"
    return None


def cross_site_refusal(headers: Mapping[str, str]) -> str | None:
    """Why a state-changing request is refused, or None when it is same-origin JSON."""
    lowered = _lower(headers)
    content_type = lowered.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return "send Content-Type: application/json"
    fetch_site = lowered.get("sec-fetch-site")
    origin = lowered.get("origin")
    if fetch_site is None and origin is None:
        return "send an Origin header"
    if fetch_site is not None and fetch_site != "same-origin":
        return "cross-site requests are refused"
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme != "http" or parts.netloc.lower() != lowered.get("host", "").lower():
            return "cross-site requests are refused"
    return None
