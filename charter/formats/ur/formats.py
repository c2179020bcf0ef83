"""Urdu as written in Pakistan (decision 0020): day, month's name, year; the 24-hour clock; Western
digits (0-9), as Pakistan's Urdu press, offices and phones write them."""

from charter.formats.en.formats import *  # noqa: F403 (the same order, clock, digits and grouping)

DATETIME_FORMAT = "j F Y، H:i"  # the Arabic comma
