import pytest

# The contracts' asserts live outside test_*.py files; rewrite them so a failure
# shows the values compared, not a bare AssertionError.
pytest.register_assert_rewrite(
    "tests.conformance.queue_contract", "tests.conformance.store_contract"
)
