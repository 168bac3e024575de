"""The four services behind the console's one address, over HTTP: each may run as several instances, and
requests go to each in turn; one that does not answer (a connection refused: nothing was sent) is skipped
for the next. What the services answer comes back as a stream, read by whoever forwards it."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Mapping

import httpx

log = logging.getLogger(__name__)

# hop-by-hop headers (RFC 9110, 7.6.1) and those the proxy sets itself
NOT_FORWARDED = frozenset(
    {"host", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length"}
)  # fmt: skip


def forwarded(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers that cross the proxy, either way."""
    return {name: value for name, value in headers.items() if name.lower() not in NOT_FORWARDED}


class UpstreamTimedOut(Exception):
    """The service took longer than the proxy waits (`proxy_timeout_seconds`): a 504."""


class Upstream:
    """The instances of one service, from a comma-separated list of base URLs."""

    def __init__(self, urls: str) -> None:
        self.urls = [url.strip().rstrip("/") for url in urls.split(",") if url.strip()]
        self._turn = itertools.cycle(range(len(self.urls)))

    def in_turn(self) -> list[str]:
        """Every instance, starting with the next one in turn."""
        start = next(self._turn)
        return self.urls[start:] + self.urls[:start]


class Upstreams:
    """Every service by name, and the one HTTP client that reaches them."""

    def __init__(self, urls: Mapping[str, str], client: httpx.AsyncClient) -> None:
        self.services = {service: Upstream(url) for service, url in urls.items()}
        self.client = client

    async def send(
        self,
        service: str,
        method: str,
        path: str,
        *,
        query: str,
        headers: Mapping[str, str],
        body: bytes | AsyncIterator[bytes],
        forwarded_for: str,
    ) -> httpx.Response | None:
        """The first answer of the service's instances in turn, still streaming (the caller closes it);
        None when none answers, UpstreamTimedOut when one took too long. An error after the request may have
        been sent is not tried again; nor is a streamed body (an upload), which can be read only once."""
        sent_headers = forwarded(headers) | {"x-forwarded-for": forwarded_for}
        for base in self.services[service].in_turn():
            outgoing = self.client.build_request(
                method, f"{base}/{path}", params=query, headers=sent_headers, content=body
            )
            try:
                return await self.client.send(outgoing, stream=True)
            except httpx.ConnectError as error:  # refused before anything was sent: the next instance may answer
                log.warning("proxy to %s at %s failed: %s", service, base, error)
                if not isinstance(body, bytes):
                    return None
            except httpx.TimeoutException as error:  # sent, perhaps: not tried again
                log.warning("proxy to %s at %s timed out: %s", service, base, error)
                raise UpstreamTimedOut(service) from error
            except httpx.TransportError as error:
                log.warning("proxy to %s at %s failed: %s", service, base, error)
                return None
        return None

    async def aclose(self) -> None:
        await self.client.aclose()
