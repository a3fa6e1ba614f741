"""Emoji names: suggestions, validation, clashes."""

import pytest

from emojiforge.errors import InvalidInput
from emojiforge.names import option_names, resolve_clash, suggest_name, validate_name


@pytest.mark.parametrize(
    ("description", "name"),
    [
        ("happy dance", "happy-dance"),
        ("Ship it!!", "ship-it"),
        ("Café au lait", "cafe-au-lait"),
        ("the cat with a hat on fire right now", "cat-hat-fire"),
        ("+1", "plus-1"),
        ("🎉", "custom-emoji"),
        ("a", "emoji-a"),
    ],
)
def test_suggested_names_read_like_the_description(description, name):
    assert suggest_name(description) == name
    assert validate_name(suggest_name(description)) == name


@pytest.mark.parametrize("name", [":Party-Parrot:", "  party_parrot "])
def test_names_are_normalised(name):
    assert validate_name(name) in {"party-parrot", "party_parrot"}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "Give the emoji a name"),
        ("x", "at least 2"),
        ("a" * 49, "at most 48"),
        ("party parrot", "' '"),
        ("../etc/passwd", "'.'"),
        ("-dash", "Start the name"),
        ("thumbsup", "built-in"),
    ],
)
def test_invalid_names_say_what_is_wrong(name, says):
    with pytest.raises(InvalidInput) as caught:
        validate_name(name)
    assert caught.value.field == "name"
    assert says in caught.value.message


def test_clash_gets_a_readable_suffix():
    assert resolve_clash("party", set()) == "party"
    assert resolve_clash("party", {"party"}) == "party-2"
    assert resolve_clash("party", {"party", "party-2"}) == "party-3"


def test_options_never_clash_with_each_other_or_the_workspace():
    assert option_names("ok", 3, {"ok"}) == ["ok-2", "ok-3", "ok-4"]
