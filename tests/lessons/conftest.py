"""Shared by the lessons' tests."""

import pytest


@pytest.fixture
def verdict(capsys):
    """``verdict(check, *args)`` runs an exercise check and returns (its return
    value, what it printed), after asserting the two agree: True when it printed
    a ✅ and no ❌ or ✏️ (a check may pass some parts and fail others), False
    otherwise."""

    def run(check, *args, **kwargs):
        result = check(*args, **kwargs)
        printed = capsys.readouterr().out
        assert result is True or result is False, f"a check returns True or False, not {result!r}"
        says_right = "✅" in printed and "❌" not in printed and "✏️" not in printed
        assert says_right == result, (
            f"the printed verdict disagrees with the returned {result}:\n{printed}")
        return result, printed

    return run
