"""The cross-site checks on their own (pure)."""

from __future__ import annotations

from emojiforge.playground.guard import allowed_hosts, cross_site_refusal, host_refusal

JSON = {"Content-Type": "application/json; charset=utf-8", "Host": "127.0.0.1:3000"}


def test_same_origin_json_passes_with_either_browser_header():
    assert cross_site_refusal({**JSON, "Origin": "http://127.0.0.1:3000"}) is None
    assert cross_site_refusal({**JSON, "sec-fetch-site": "same-origin"}) is None


def test_another_port_on_the_same_machine_is_another_origin():
    assert cross_site_refusal({**JSON, "Origin": "http://127.0.0.1:8080"}) is not None


def test_the_bind_address_is_allowed_but_a_wildcard_is_not_a_host_name():
    assert host_refusal({"Host": "[::1]:3000"}, allowed_hosts("127.0.0.1")) is None
    assert host_refusal({"host": "LOCALHOST:3000"}, allowed_hosts("127.0.0.1")) is None
    assert host_refusal({"Host": "192.168.1.5:3000"}, allowed_hosts("192.168.1.5")) is None
    assert "0.0.0.0" not in allowed_hosts("0.0.0.0")
    assert host_refusal({}, allowed_hosts("127.0.0.1")) is not None
