"""Dates as people in France read them: 'mardi 1er décembre 2026 à 14 h 30', in Paris time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def day(value: date, *, weekday: bool = True) -> str:
    """'mardi 1er décembre 2026' (the first of the month is '1er'); a datetime is read in Paris time."""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
    number = "1er" if value.day == 1 else str(value.day)
    text = f"{number} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def hour(moment: datetime) -> str:
    """'14 h 30', '9 h' (Paris time)."""
    local = moment.astimezone(PARIS) if moment.tzinfo else moment
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


def moment(value: datetime | str) -> str:
    """'mardi 1er décembre 2026 à 14 h 30' for an instant (ISO text accepted), in Paris time."""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{day(instant)} à {hour(instant)}"


def period(start: date | str, end: date | str) -> str:
    """'du lundi 4 janvier 2027 au vendredi 15 janvier 2027'."""
    first = date.fromisoformat(start) if isinstance(start, str) else start
    last = date.fromisoformat(end) if isinstance(end, str) else end
    return f"du {day(first)} au {day(last)}"


def span(start: datetime, end: datetime) -> str:
    """'jeudi 11 mars 2027 de 9 h à 12 h 30'; over several days 'du jeudi 11 mars 2027 à 9 h au vendredi 12
    mars 2027 à 17 h' (Paris time)."""
    if day(start) == day(end):
        return f"{day(start)} de {hour(start)} à {hour(end)}"
    return f"du {moment(start)} au {moment(end)}"
