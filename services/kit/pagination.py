"""Cursor pagination served by the `_id` index, newest first.

The engine (DocumentDB behind FerretDB) reads a secondary index as a bitmap and sorts what it found: a
sorted, limited query over a secondary index costs the whole match (100 ms at 50,000 documents). It walks
the `_id` index in order, though, when the filter holds a range on `_id`, and stops at the limit: 1-3 ms
at 100,000 documents, other conditions checked on the way (measured in `make bench-lists`). So lists are
ordered by `_id`, aggregates get time-ordered ids (`kit.ids.new_id`, a UUID version 7, newest sorts last), and a
page's cursor is the last `_id` it showed. A list over a small set (a person's conventions) uses its
secondary index without this.

The API keeps returning a plain JSON array; the next page is announced in `X-Next-Cursor` and a
`Link: <?...&after=...>; rel="next"` header (relative to the request), and asked for with `?after=<cursor>`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response
from pymongo.asynchronous.collection import AsyncCollection

from services.kit.mongo import Document

TOP = "\U0010ffff"  # sorts after every string id
After = Annotated[
    str | None,
    Query(max_length=200, description="the X-Next-Cursor of the previous page; absent for the first page"),
]


def newest_first(query: Document, after: str | None) -> Document:
    """`query` limited to the ids before the cursor (all of them on the first page): the range on `_id` is
    what makes the engine walk the `_id` index in order. Combine with `.sort("_id", -1).limit(n)`."""
    return {**query, "_id": {"$lt": after or TOP}}


async def newest_page(
    collection: AsyncCollection[Document],
    query: Document,
    after: str | None,
    limit: int,
    projection: Document | None = None,
    *,
    few: bool = False,
) -> list[Document]:
    """A page, newest first, after the cursor. With `few`, `query` holds an equality on an indexed field
    that selects a handful (one person's): they are read by that index and ordered here, since under an
    `_id` range the engine would walk the `_id` index instead, through all the others' documents."""
    if few:
        found = await collection.find(query, projection).to_list()
        newer = [d for d in found if after is None or str(d["_id"]) < after]
        return sorted(newer, key=lambda d: str(d["_id"]), reverse=True)[:limit]
    return await collection.find(newest_first(query, after), projection).sort("_id", -1).limit(limit).to_list()


def announce_next(request: Request, response: Response, items: list[Any], limit: int, id_of: Any = None) -> None:
    """When the page is full, say where the next one starts (the last item's id)."""
    if len(items) < limit or not items:
        return
    last = items[-1]
    cursor = str(id_of(last) if id_of is not None else last["_id"])
    response.headers["X-Next-Cursor"] = cursor
    # a reference relative to the request (its query only), so that it holds behind the console's /api/<service>/
    response.headers["Link"] = f'<?{request.url.include_query_params(after=cursor).query}>; rel="next"'
