"""A `Message` as an e-mail: the subject, a plain-text part and an HTML part saying the same (the
multipart/alternative the SMTP adapter sends). Pure.

The HTML part escapes every value it interpolates, and shows links only as a button or a link's words:
a secure link is long and unguessable, and is never printed as text there; the plain-text part, which has
no other way, carries the URL on its own line (after the words of the action), so that it can be copied."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.notifications.domain.messages import Message

PLATFORM = "Parcours, la plateforme des structures d'accompagnement des Pays de la Loire"

SUBJECT_PREFIX = "[Parcours] "
BUTTON = (
    "display:inline-block;padding:12px 24px;background:#0b4f9c;color:#ffffff;text-decoration:none;"
    "border-radius:6px;font-weight:bold"
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(message: Message, greeting_name: str, agency: str = "") -> Rendered:
    return Rendered(
        f"{SUBJECT_PREFIX}{message.title}", text(message, greeting_name, agency), html(message, greeting_name, agency)
    )


def _hello(greeting_name: str) -> str:
    return f"Bonjour {greeting_name}," if greeting_name else "Bonjour,"


def _signature(agency: str) -> str:
    return f"{agency}, avec {PLATFORM}" if agency else PLATFORM


def text(message: Message, greeting_name: str, agency: str = "") -> str:
    parts = [_hello(greeting_name), message.body]
    if message.email_only:
        parts.append(message.email_only)
    if message.facts:
        parts.append("\n".join(f"{label} : {value}" for label, value in message.facts))
    if message.url:
        parts.append(f"{message.action or 'Ouvrir'} :\n{message.url}")
    if message.footer:
        parts.append(f"{message.footer}\n{message.footer_url}" if message.footer_url else message.footer)
    if message.why:
        parts.append(message.why)
    return "\n\n".join(parts) + f"\n\n-- \n{_signature(agency)}"


def html(message: Message, greeting_name: str, agency: str = "") -> str:
    facts = "".join(
        f'<tr><th scope="row" style="text-align:left;padding:4px 12px 4px 0;font-weight:normal;color:#555">'
        f'{escape(label)}</th><td style="padding:4px 0"><strong>{escape(value)}</strong></td></tr>'
        for label, value in message.facts
    )
    button = (
        f'<p style="margin:24px 0"><a href="{escape(message.url, quote=True)}" style="{BUTTON}">'
        f"{escape(message.action or 'Ouvrir')}</a></p>"
        if message.url
        else ""
    )
    footer = ""
    if message.footer:
        link = (
            f' <a href="{escape(message.footer_url, quote=True)}" style="color:#0b4f9c">'
            f"{escape(message.footer_action or 'Ouvrir')}</a>"
            if message.footer_url
            else ""
        )
        footer = f'<p style="margin:16px 0">{escape(message.footer)}{link}</p>'
    why = f'<p style="margin:24px 0 0;color:#555;font-size:13px">{escape(message.why)}</p>' if message.why else ""
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(message.title)}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f5f7">'
        '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;'
        'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">'
        f'<p style="margin:0 0 8px;color:#555;font-size:13px">{escape(agency or "Parcours")}</p>'
        f'<h1 style="font-size:20px;margin:0 0 16px">{escape(message.title)}</h1>'
        f"<p>{escape(_hello(greeting_name))}</p>"
        f"<p>{escape(message.body)}</p>"
        + (f"<p>{escape(message.email_only)}</p>" if message.email_only else "")
        + (
            f'<table role="presentation" style="border-collapse:collapse;margin:16px 0">{facts}</table>'
            if facts
            else ""
        )
        + button
        + footer
        + why
        + '<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">'
        f'<p style="margin:0;color:#555;font-size:13px">{escape(_signature(agency))}</p>'
        "</div></body></html>"
    )
