import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tokens import QUOTE_CHARS, TokenError, rest_after, split_args
from bot.typed_text import mention_marker

# Mentions as the core gets them from a door: markers that may hold spaces.
SAM = mention_marker(1, "Sam Smith")
KIM = mention_marker(2, "Kim")

UNCLOSED = 'A quote is not closed — put the title in "double quotes".'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("add 3  items", ["add", "3", "items"]),
        ('add "Local Offer review" 06/02/2020', ["add", "Local Offer review", "06/02/2020"]),
        ("add “Local Offer review” now", ["add", "Local Offer review", "now"]),
        ('add “Local Offer review" now', ["add", "Local Offer review", "now"]),
        ("add ″Local Offer review″ now", ["add", "Local Offer review", "now"]),
        ("add „Local Offer review“ now", ["add", "Local Offer review", "now"]),
        ("“Young People's Forum” next", ["Young People's Forum", "next"]),
        ("Young People's Forum", ["Young", "People's", "Forum"]),
        ("‘single’ quotes", ["‘single’", "quotes"]),
        ('title ""', ["title", ""]),
        ('a"b c"d', ["ab cd"]),
        (f"assign {SAM} 3", ["assign", SAM, "3"]),
        (f"{SAM}{KIM}", [f"{SAM}{KIM}"]),
        (f'"{SAM} and co"', [f"{SAM} and co"]),
        ("a < b", ["a", "<", "b"]),
        ("line one\nline\ttwo", ["line", "one", "line", "two"]),
    ],
)
def test_split_args(text, expected):
    assert split_args(text) == expected


@pytest.mark.parametrize("text", ['add "Local Offer', "add “Local Offer", 'a "b" "c', "″"])
def test_unclosed_quote_is_refused(text):
    with pytest.raises(TokenError) as caught:
        split_args(text)
    assert str(caught.value) == UNCLOSED


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("note 3   Met with  parent carers.  ", 2, "Met with  parent carers."),
        ('note "Local Offer" It\'s 6" long', 2, "It's 6\" long"),
        (f"note {SAM} thanks, Sam", 2, "thanks, Sam"),
        ("note 3", 2, ""),
        ("note", 5, ""),
        ("  note 3  ", 0, "note 3"),
        ("note\n3\nfirst line\nsecond line", 2, "first line\nsecond line"),
    ],
)
def test_rest_after(text, n, expected):
    assert rest_after(text, n) == expected


@settings(max_examples=300)
@given(st.text())
def test_split_args_returns_list_or_token_error(text):
    try:
        args = split_args(text)
    except TokenError as error:
        assert str(error) == UNCLOSED
    else:
        assert all(isinstance(arg, str) for arg in args)


plain_text = st.text(alphabet=st.characters(blacklist_characters=QUOTE_CHARS + "<>"))


@settings(max_examples=300)
@given(plain_text)
def test_plain_text_splits_like_str_split(text):
    assert split_args(text) == text.split()


@settings(max_examples=200)
@given(st.lists(plain_text.filter(lambda s: s.strip()), max_size=5), plain_text)
def test_rest_after_skips_quoted_args(args, rest):
    text = " ".join(f"“{arg}”" for arg in args) + " " + rest
    assert split_args(text)[: len(args)] == args
    assert rest_after(text, len(args)) == rest.strip()
