"""A small run of the load benchmark (``make bench`` runs 1,000 at concurrency 50):
every distinct submission becomes exactly one job, whatever the concurrency."""

from __future__ import annotations

from bench import load


def test_concurrent_signed_requests_lose_and_duplicate_no_job():
    figures = load.run(100, 10, quiet=True)
    assert figures["distinct_submissions"] == 60
    assert figures["non_200"] == 0
    assert figures["refused_submissions"] == 0
    assert figures["modals_opened"] == 30
    assert figures["lost_jobs"] == 0
    assert figures["duplicated_jobs"] == 0
