from retrieval.headers import parse_header


def test_date_header_gives_date_title_and_body_start() -> None:
    text = " date 2021-07-15 In Afghanistan, the US relies on the Taliban.\n\nBody text."
    h = parse_header(text)
    assert h.date == "2021-07-15"
    assert h.title == "In Afghanistan, the US relies on the Taliban."
    assert text[h.body_start :] == "\nBody text."


def test_invalid_date_is_not_a_date() -> None:
    h = parse_header("date 2021-13-45 Title here\nbody")
    assert h.date is None
    assert h.title == "Title here"


def test_markdown_heading_gives_title() -> None:
    h = parse_header("\n# Getting started\n\nSome text")
    assert h.title == "Getting started"
    assert h.date is None
    assert h.body_start == 0


def test_no_header() -> None:
    h = parse_header("Just some text.\nMore text.")
    assert h.title is None and h.date is None and h.body_start == 0
