"""Slack rate limits and outages during delivery: waited out, retried, never posted twice."""

from __future__ import annotations

from tests.reliability.conftest import Pipeline, make_job


def deliver_one(pipeline: Pipeline) -> str:
    job = make_job()
    pipeline.intake.submit(job)
    return job.job_id


def test_a_429_with_retry_after_is_waited_out_and_the_result_posted_once(pipeline):
    job_id = deliver_one(pipeline)
    pipeline.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    assert pipeline.runner.drain() == 1
    assert pipeline.store.get(job_id).status == "delivered"
    assert len(pipeline.slack.calls_to("chat.postMessage")) == 2  # refused, then sent
    assert len(pipeline.results()) == 1
    assert len(pipeline.slack.uploads) == 1


def test_a_5xx_while_sharing_the_upload_is_retried_and_shared_once(pipeline):
    job_id = deliver_one(pipeline)
    pipeline.slack.fail_next("files.completeUploadExternal", status=503, times=2)
    pipeline.runner.drain()
    assert pipeline.store.get(job_id).status == "delivered"
    shared = [m for m in pipeline.slack.messages if m["method"] == "files.completeUploadExternal"]
    assert len(shared) == 1
    assert len(pipeline.results()) == 1


def test_slack_down_past_the_client_retries_sends_the_job_back_and_skips_done_steps(pipeline):
    job_id = deliver_one(pipeline)
    # 1 try + 3 retries of the client, all refused: the job goes back to the queue.
    pipeline.slack.fail_next("chat.postMessage", status=500, times=4)
    pipeline.runner.drain()
    record = pipeline.store.get(job_id)
    assert record.status != "delivered"
    assert pipeline.queue.approximate_depth() == (0, 1)
    assert not pipeline.notices()  # a retry is not a failure: nobody is told yet

    pipeline.after_visibility_timeout()
    assert pipeline.runner.drain() == 1
    assert pipeline.store.get(job_id).status == "delivered"
    # The upload happened on the first receive and is not repeated on the second.
    assert len(pipeline.slack.calls_to("files.completeUploadExternal")) == 1
    assert len(pipeline.slack.uploads) == 1
    assert len(pipeline.results()) == 1
    assert pipeline.queue.approximate_depth() == (0, 0)
    assert pipeline.dead_letter.approximate_depth() == (0, 0)


def test_slack_down_on_every_receive_ends_in_the_dead_letter_queue_with_one_notice(pipeline):
    job_id = deliver_one(pipeline)
    pipeline.slack.fail_next("files.getUploadURLExternal", status=500, times=12)
    for _ in range(3):
        pipeline.runner.drain()
        pipeline.after_visibility_timeout()
    assert pipeline.runner.drain() == 0  # the fourth receive dead-letters it instead
    assert pipeline.store.get(job_id).status == "failed"
    assert pipeline.dead_letter.approximate_depth() == (1, 0)
    assert pipeline.queue.approximate_depth() == (0, 0)
    assert not pipeline.slack.uploads
    [notice] = pipeline.notices()
    assert "req_" in notice["text"]
