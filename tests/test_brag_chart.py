"""The BRAG chart PNG: valid, a sensible size, in the right colours, and safe to draw in threads."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from bot.brag_chart import GroupCounts, brag_chart_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BLUE = (0x1D, 0x70, 0xB8)
GREEN = (0x00, 0x70, 0x3C)
AMBER = (0xF4, 0x77, 0x38)
RED = (0xD4, 0x35, 0x1C)
GREY = (0xB1, 0xB4, 0xB6)

NO_RED = [
    GroupCounts(1, "Understanding of Need", {"blue": 3, "green": 5, "not started": 2}),
    GroupCounts(2, "Joint Commissioning", {"green": 1, "amber": 4}),
]
LONG_NAMES = [
    GroupCounts(
        n,
        f"Working group {n}: Education, Health and Care Plans, Timeliness and Quality Assurance",
        {"blue": 100 * n, "green": 250, "amber": 7, "red": 120, "not started": 1},
    )
    for n in range(1, 13)
]


def colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {rgb for _, rgb in image.getcolors(maxcolors=image.width * image.height)}


def assert_sensible_png(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert 800 <= image.width <= 2000
        assert 400 <= image.height <= 1600


def test_draws_the_statuses_present_and_no_others() -> None:
    png = brag_chart_png(NO_RED, subtitle="Board meeting, 20 January 2025")

    assert_sensible_png(png)
    seen = colours(png)
    assert {BLUE, GREEN, AMBER, GREY} <= seen
    assert RED not in seen  # not in any bar, nor in the legend


def test_red_appears_when_a_group_has_red_actions() -> None:
    png = brag_chart_png([GroupCounts(3, "Preparing for Adulthood", {"red": 2})])

    assert RED in colours(png)
    assert GREEN not in colours(png)


NOTHING = {
    "no groups": [],
    "no counts": [GroupCounts(1, "Understanding of Need", {})],
    "zero counts": [GroupCounts(2, "Local Offer", {"red": 0, "green": 0})],
}


@pytest.mark.parametrize("groups", NOTHING.values(), ids=NOTHING.keys())
def test_nothing_to_show_still_gives_a_png(groups: list[GroupCounts]) -> None:
    png = brag_chart_png(groups)

    assert_sensible_png(png)
    assert not {BLUE, GREEN, AMBER, RED, GREY} & colours(png)


def test_twelve_long_named_groups_with_hundreds_of_actions() -> None:
    png = brag_chart_png(LONG_NAMES)

    assert_sensible_png(png)
    assert {BLUE, GREEN, AMBER, RED, GREY} <= colours(png)


def test_within_a_size_it_fits_a_teams_message_in_the_same_colours() -> None:
    png = brag_chart_png(LONG_NAMES, subtitle="As at 20 January 2020", max_px=1024)

    with Image.open(io.BytesIO(png)) as image:
        assert max(image.size) <= 1024
    assert {BLUE, GREEN, AMBER, RED, GREY} <= colours(png)
    # Inline as base64 in a Teams message of about 100 KB, with room for the card around it.
    assert len(png) * 4 / 3 < 80_000


def test_same_input_gives_same_bytes() -> None:
    assert brag_chart_png(NO_RED) == brag_chart_png(NO_RED)


def test_two_threads_draw_at_once() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(brag_chart_png, [NO_RED, LONG_NAMES, NO_RED, LONG_NAMES]))

    for png in results:
        assert_sensible_png(png)
    assert results[0] == results[2]
    assert results[1] == results[3]


@pytest.mark.parametrize("counts", [{"purple": 1}, {"green": -1}])
def test_rejects_unknown_statuses_and_negative_counts(counts: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        brag_chart_png([GroupCounts(1, "Understanding of Need", counts)])
