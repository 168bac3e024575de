"""WebVTT subtitles, checked before they are kept: the `WEBVTT` signature, then cues whose timings parse and
run forward (https://www.w3.org/TR/webvtt1/). Pure; the problems are said in French, for the person who
sent the file."""

from __future__ import annotations

import re

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t].*)?$")
MAX_PROBLEMS = 5


def seconds(hours: str | None, minutes: str, secs: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def _blocks(text: str) -> list[list[str]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def problems(text: str) -> list[str]:
    """What is wrong with `text` as WebVTT ([] when it is fine): at most `MAX_PROBLEMS` sentences."""
    body = text.removeprefix("\ufeff")
    first = body.split("\n", 1)[0].rstrip("\r")
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        return ["Le fichier de sous-titres doit commencer par « WEBVTT » (format WebVTT)."]
    found: list[str] = []
    cues = 0
    for number, block in enumerate(_blocks(body)[1:], start=1):
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            found.append(f"Le bloc n° {number} n'a pas de minutage (00:00:01.000 --> 00:00:04.000).")
            continue
        match = TIMING.match(block[timing_at].strip())
        if match is None:
            found.append(f"Le minutage du bloc n° {number} est mal formé : « HH:MM:SS.mmm --> HH:MM:SS.mmm ».")
            continue
        start, end = seconds(*match.groups()[:4]), seconds(*match.groups()[4:])
        if end <= start:
            found.append(f"Dans le bloc n° {number}, la fin du sous-titre ne suit pas son début.")
        cues += 1
    if not found and cues == 0:
        found.append("Le fichier de sous-titres ne contient aucun sous-titre.")
    return found[:MAX_PROBLEMS]
