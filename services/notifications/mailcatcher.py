"""A real SMTP server for local runs and tests that catches every e-mail, and a page that lists them so a
newcomer can follow the links end to end. Like a provider with idempotency, it keeps one copy per
Message-ID. Messages are kept in a JSON-lines file, so they survive a restart.

    python -m services.notifications.mailcatcher     (SMTP on PARCOURS_MAILCATCHER_SMTP_PORT, 1025;
                                                       the page on PARCOURS_MAILCATCHER_HTTP_PORT, 8025)
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

LINK = re.compile(r"(https?://[^\s<]+)")


class Mailbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.messages: list[dict[str, Any]] = []
        if path.exists():
            self.messages = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        self.ids = {m["message_id"] for m in self.messages}
        self.duplicates = 0

    def add(self, raw: bytes, recipients: list[str]) -> None:
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        message_id = str(parsed.get("Message-ID", "")) or f"<none-{len(self.messages)}>"
        if message_id in self.ids:
            self.duplicates += 1
            return
        body = parsed.get_body(preferencelist=("plain",))
        attachments = [
            {
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "method": str(part.get_param("method") or ""),
                "content": part.get_content() if part.get_content_maintype() == "text" else "",
            }
            for part in parsed.iter_attachments()
            if isinstance(part, EmailMessage)
        ]
        rich = parsed.get_body(preferencelist=("html",))
        message = {
            "message_id": message_id,
            "to": recipients,
            "from": str(parsed.get("From", "")),
            "subject": str(parsed.get("Subject", "")),
            "content_type": parsed.get_content_type(),  # multipart/alternative for text and HTML
            "text": body.get_content() if body is not None else "",
            "attachments": attachments,
            "html": rich.get_content() if rich is not None else "",
            "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.messages.append(message)
        self.ids.add(message_id)
        with self.path.open("a") as out:
            out.write(json.dumps(message, ensure_ascii=False) + "\n")

    def clear(self) -> None:
        self.messages, self.ids = [], set()
        self.path.write_text("")


class Catcher:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.mailbox.add(content, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def web(mailbox: Mailbox) -> FastAPI:
    app = FastAPI(title="Parcours · courriels attrapés", docs_url=None, redoc_url=None)

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/messages")
    async def messages() -> dict[str, Any]:
        return {"messages": mailbox.messages, "duplicates_refused": mailbox.duplicates}

    @app.delete("/messages")
    async def clear() -> dict[str, int]:
        mailbox.clear()
        return {"messages": 0}

    @app.get("/messages/{index}/html", response_class=HTMLResponse)
    async def rich(index: int) -> HTMLResponse:
        """A message's HTML part as the recipient's mail client shows it."""
        if not 0 <= index < len(mailbox.messages) or not mailbox.messages[index].get("html"):
            return HTMLResponse("<p>Pas de partie HTML pour ce courriel.</p>", status_code=404)
        return HTMLResponse(str(mailbox.messages[index]["html"]))

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        rows = "".join(
            f"<article><h2>{html.escape(m['subject'])}</h2><p class='meta'>De {html.escape(m.get('from', ''))}"
            f" · à {html.escape(', '.join(m['to']))} · {html.escape(m['received_at'])}"
            + (f" · <a href='/messages/{index}/html'>version HTML</a>" if m.get("html") else "")
            + "</p><pre>"
            + LINK.sub(r'<a href="\1">\1</a>', html.escape(m["text"]))
            + "</pre>"
            + "".join(
                f"<p class='meta'>Pièce jointe : {html.escape(a['filename'])} ({html.escape(a['content_type'])})</p>"
                for a in m.get("attachments", [])
            )
            + "</article>"
            for index, m in reversed(list(enumerate(mailbox.messages)))
        )
        empty = "<p>Aucun courriel pour l'instant.</p>"
        return (
            "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Courriels attrapés · Parcours</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
            "article{border:1px solid #ccc;border-radius:.5rem;padding:1rem;margin:1rem 0}"
            "pre{white-space:pre-wrap;font:inherit}.meta{color:#555}a{color:#0b4f9c}"
            "a:focus{outline:3px solid #f5a623}</style></head><body>"
            f"<h1>Courriels attrapés ({len(mailbox.messages)})</h1>"
            "<p>Les courriels que Parcours envoie en local arrivent ici, rien ne part vraiment.</p>"
            f"{rows or empty}</body></html>"
        )

    return app


async def main() -> None:
    folder = Path(os.environ.get("PARCOURS_DATA_DIR", ".data/local"))
    mailbox = Mailbox(folder / "mail" / "caught.jsonl")
    smtp_port = int(os.environ.get("PARCOURS_MAILCATCHER_SMTP_PORT", "1025"))
    http_port = int(os.environ.get("PARCOURS_MAILCATCHER_HTTP_PORT", "8025"))
    controller = Controller(Catcher(mailbox), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        server = uvicorn.Server(uvicorn.Config(web(mailbox), host="127.0.0.1", port=http_port, log_level="warning"))
        print(f"mail catcher: SMTP on 127.0.0.1:{smtp_port}, messages on http://127.0.0.1:{http_port}/", flush=True)
        await server.serve()
    finally:
        controller.stop()


if __name__ == "__main__":
    asyncio.run(main())
