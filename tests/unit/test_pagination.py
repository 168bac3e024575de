"""Cursor pagination: ids that sort in creation order, the page filter, and the next page's headers."""

from __future__ import annotations

import itertools
import uuid

from starlette.requests import Request
from starlette.responses import Response

from services.kit.ids import new_id
from services.kit.pagination import TOP, announce_next, newest_first


def test_ids_made_later_sort_later_and_are_uuid_version_7() -> None:
    made = [new_id() for _ in range(2000)]
    # the first 48 bits (13 characters) are the millisecond: never going back; the rest is random
    assert all(a[:13] <= b[:13] for a, b in itertools.pairwise(made))
    assert len(set(made)) == 2000
    assert {uuid.UUID(i).version for i in made} == {7}


def test_the_page_filter_is_a_range_on_the_id_before_the_cursor() -> None:
    assert newest_first({"agency_id": "a"}, None) == {"agency_id": "a", "_id": {"$lt": TOP}}
    assert newest_first({"agency_id": "a"}, "01a2") == {"agency_id": "a", "_id": {"$lt": "01a2"}}


def request(path: str, query: str) -> Request:
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": [],
             "scheme": "http", "server": ("127.0.0.1", 8011)}  # fmt: skip
    return Request(scope)


def test_a_full_page_announces_the_next_relative_to_the_request_so_it_holds_behind_the_console() -> None:
    response = Response()
    items = [{"_id": "c"}, {"_id": "b"}]
    announce_next(request("/peers", "limit=2&q=ma"), response, items, limit=2)
    assert response.headers["X-Next-Cursor"] == "b"
    assert response.headers["Link"] == '<?limit=2&q=ma&after=b>; rel="next"'


def test_a_short_page_is_the_last() -> None:
    response = Response()
    announce_next(request("/peers", "limit=3"), response, [{"_id": "c"}], limit=3)
    assert "X-Next-Cursor" not in response.headers and "Link" not in response.headers
