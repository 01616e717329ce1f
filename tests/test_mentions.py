import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mentions import MentionError, parse_channel, parse_user, take_user


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<@U123ABC|sam.smith>", "U123ABC"),
        ("<@U123ABC|Sam Smith>", "U123ABC"),
        ("<@U123ABC|>", "U123ABC"),
        ("<@U123ABC>", "U123ABC"),
        ("U0123ABCDE", "U0123ABCDE"),
        ("W0123ABCDE", "W0123ABCDE"),
        ("@U123ABC", "U123ABC"),
        ("  <@U123ABC>  ", "U123ABC"),
        ("U12", "U12"),
        ("U1", None),
        ("u123abc", None),
        ("<@u123abc>", None),
        ("X123ABC", None),
        ("bob", None),
        ("@Sam", None),
        ("<@U123ABC", None),
        ("<#C123ABC|general>", None),
        ("<!here>", None),
        ("", None),
    ],
)
def test_parse_user(token, expected):
    assert parse_user(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<#C123ABC|send-board>", "C123ABC"),
        ("<#C123ABC|>", "C123ABC"),
        ("<#C123ABC>", "C123ABC"),
        ("C123ABC", "C123ABC"),
        ("G123ABC", "G123ABC"),
        ("#send-board", None),
        ("<@U123ABC>", None),
        ("c123abc", None),
        ("", None),
    ],
)
def test_parse_channel(token, expected):
    assert parse_channel(token) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U123ABC|Sam Smith> chase the LA", ("U123ABC", "chase the LA")),
        ("  <@U123ABC>", ("U123ABC", "")),
        ("W123ABC  two  spaces ", ("W123ABC", "two  spaces")),
        ("<@U123ABC>next", ("U123ABC", "next")),
    ],
)
def test_take_user(text, expected):
    assert take_user(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "A person is missing — mention them, like @Sam Smith."),
        ("  ", "A person is missing — mention them, like @Sam Smith."),
        ("bob to chase", "“bob” is not a Slack user — mention them, like @Sam Smith."),
        (
            "<#C123|send-board>",
            "“#send-board” is not a Slack user — mention them, like @Sam Smith.",
        ),
        (
            "<!subteam^S12|@send-team> x",
            "“@send-team” is not a Slack user — mention them, like @Sam Smith.",
        ),
        ("<!here>", "“@here” is not a Slack user — mention them, like @Sam Smith."),
    ],
)
def test_take_user_refuses_with_reason(text, message):
    with pytest.raises(MentionError) as caught:
        take_user(text)
    assert str(caught.value) == message


# Real Slack user IDs always hold a digit; bare words like "URGENT" must not read as people.
user_ids = st.from_regex(r"[UW][A-Z0-9]{1,5}[0-9][A-Z0-9]{0,4}", fullmatch=True)
names = st.text(alphabet=st.characters(blacklist_characters=">"))


@pytest.mark.parametrize("word", ["URGENT", "USA", "WHO", "@UK"])
def test_bare_capitalised_words_are_not_people(word):
    assert parse_user(word) is None


@settings(max_examples=300)
@given(st.text())
def test_parse_user_never_raises(text):
    assert parse_user(text) is None or isinstance(parse_user(text), str)
    assert parse_channel(text) is None or isinstance(parse_channel(text), str)


@settings(max_examples=200)
@given(user_ids, names)
def test_parse_user_reads_generated_mentions(uid, name):
    assert parse_user(f"<@{uid}|{name}>") == uid
    assert parse_user(f"<@{uid}>") == uid
    assert parse_user(uid) == uid


@settings(max_examples=200)
@given(user_ids, names, st.text())
def test_take_user_splits_off_the_rest(uid, name, rest):
    assert take_user(f"<@{uid}|{name}> {rest}") == (uid, rest.strip())


@settings(max_examples=200)
@given(st.text())
def test_take_user_only_raises_mention_error(text):
    try:
        uid, _ = take_user(text)
    except MentionError as error:
        assert "\n" not in str(error)
    else:
        assert parse_user(uid) == uid
