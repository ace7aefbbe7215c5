"""The web app: the store's stories, briefs, articles and search as pages and a JSON API.

FastAPI with Jinja2 templates, served by uvicorn (`newsweave serve`). Every page has a JSON twin
at the same path plus `.json`, as Datasette does; /docs describes the API from its OpenAPI schema
(/openapi.json) on a page of its own, since FastAPI's Swagger page loads its script from a CDN.

The store is opened read-only for every request. The one write is the brief cache: a brief not
yet cached is woven on demand (one at a time: weaving is CPU-bound and the models load once) and
cached through a short write connection when the file is writable, so a read-only store is
served too. Article texts, titles, outlets and URLs are hostile input: templates autoescape,
links to originals are http(s) only with rel="noopener noreferrer", and every response carries
a Content-Security-Policy of `default-src 'self'` with no inline script or style anywhere, so
markup that got past the escaping could still neither run nor load anything.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsweave import __version__
from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.corpus.lookup import (
    NotFoundError,
    StorySummary,
    brief_story,
    cached_brief,
    independent_sources,
    list_stories,
    resolve_story,
    search_articles,
    since_day,
    stored_annotation,
    stored_article,
    story_version,
)
from newsweave.corpus.store import Store, StoreError
from newsweave.errors import NewsweaveError, UsageError
from newsweave.models import Brief
from newsweave.render.sections import is_web_link
from newsweave.web.pages import article_paragraphs, article_path, brief_page, story_rows

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Bounds on what a request may ask for: a page of the story list, a search, a request's body.
PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 25, 100, 10_000
MAX_QUERY = 200
MAX_BODY = 16 * 1024
ORIGINS_KEPT = 100_000
PAGES_KEPT = 64
JSON = "application/json"
_STORY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SINCE = r"^(\d{1,4}[hdw]|\d{4}-\d{2}-\d{2})$"


Size = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Stories per page.")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page, from 1.")]
Since = Annotated[
    str | None,
    Query(pattern=_SINCE, description="Only stories seen since: 12h, 2d, 1w or a date."),
]
Sources = Annotated[int, Query(ge=1, le=1000, description="Only stories of this many outlets.")]


@dataclass
class Site:
    """What the app serves from: the store file, the brief settings, the models (loaded once)."""

    db: Path
    settings: Settings
    models: Models
    weaving: threading.Lock = field(default_factory=threading.Lock)
    # Independent sources per story and member list: reading them compares the articles' texts
    # (half the time of a story-list page), and they change only when the members do.
    origins: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)
    # Rendered brief pages (HTML and JSON) per story version: decoding and rendering a big
    # brief takes tens of milliseconds, serving it again none. Keyed by the story's version, so
    # a story that changed is rendered anew; the oldest go first when PAGES_KEPT are held.
    pages: OrderedDict[tuple[str, int, str], bytes] = field(default_factory=OrderedDict)
    keeping: threading.Lock = field(default_factory=threading.Lock)

    def reader(self) -> Store:
        """A read-only connection for one request."""
        return Store(self.db, readonly=True)

    def independent(self, store: Store, story: StorySummary) -> int:
        """How many independent sources a story has, read once per set of members."""
        key = (story.id, story.articles)
        if key not in self.origins:
            if len(self.origins) >= ORIGINS_KEPT:
                self.origins.clear()
            self.origins[key] = independent_sources(store, story.id)
        return self.origins[key]

    def brief_page(self, story_id: str, kind: str, make: Callable[[str, Brief], bytes]) -> bytes:
        """A story's brief rendered by `make` (as `kind`), kept for its present version."""
        with self.reader() as store:
            story, version = story_version(store, story_id)
        key = (story, version, kind)
        with self.keeping:
            kept = self.pages.get(key)
        if kept is not None:
            return kept
        _story, brief = self.brief(story)
        page = make(story, brief)
        with self.keeping:
            self.pages[key] = page
            while len(self.pages) > PAGES_KEPT:
                self.pages.popitem(last=False)
        return page

    def brief(self, story_id: str) -> tuple[str, Brief]:
        """A story's brief: cached, or woven now and cached when the store can be written."""
        with self.reader() as store:
            story = resolve_story(store, story_id)
            cached = cached_brief(store, story, self.settings, self.models)
        if cached is not None:
            return story, cached
        with self.weaving:
            try:
                store = Store(self.db)
            except StoreError:
                store = self.reader()  # not writable: weave without caching
            with store:
                return story, brief_story(store, story, self.settings, self.models)


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.url.path == "/openapi.json"


def create_app(
    db: Path | str, settings: Settings | None = None, models: Models | None = None
) -> FastAPI:
    """The web app over one store.

    Args:
        db: The store file; it must exist (a missing or foreign file fails here, not per request).
        settings: Brief settings (the defaults when None).
        models: The models that weave briefs (made from the settings when None; loaded lazily).

    Raises:
        StoreError: When the file is not a readable newsweave store.
    """
    settings = settings or Settings()
    site = Site(Path(db), settings, models or Models(settings))
    with site.reader():
        pass  # fail now on a file that is not a store
    package = files("newsweave.web")
    templates = Jinja2Templates(directory=str(package.joinpath("templates")))
    templates.env.globals["version"] = __version__
    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Stories, briefs, articles and search of a newsweave store.",
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=str(package.joinpath("static"))), name="static")

    def render(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=code)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        size = request.headers.get("content-length", "0")
        if not size.isdigit() or int(size) > MAX_BODY:
            response: Response = JSONResponse({"error": "request body too large"}, 413)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def error(request: Request, status: int, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message}, status)
        return render(request, "error.html", status, status=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        ]
        return error(request, 400, "; ".join(problems))

    @app.exception_handler(NewsweaveError)
    async def newsweave_error(request: Request, exc: NewsweaveError) -> Response:
        # An unknown id, a value the store cannot use, or a store that cannot be read.
        status = 503
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, UsageError):
            status = 400
        return error(request, status, str(exc).replace(str(site.db), "the store"))

    def stories_data(
        since: str | None, min_sources: int, page_number: int, size: int
    ) -> dict[str, Any]:
        with site.reader() as store:
            found = list_stories(store, since_day(since) if since else None, min_sources)
            shown = found[(page_number - 1) * size : page_number * size]
            rows = story_rows(shown, lambda story: site.independent(store, story))
        pages = max(1, -(-len(found) // size))
        return {
            "rows": rows,
            "total": len(found),
            "page": page_number,
            "pages": pages,
            "size": size,
        }

    def page_link(path: str, data: dict[str, Any], page_number: int, **query: Any) -> str | None:
        if not 1 <= page_number <= data["pages"]:
            return None
        parameters = {k: v for k, v in query.items() if v not in (None, 1)}
        parameters |= {"page": page_number, "size": data["size"]}
        return path + "?" + "&".join(f"{k}={v}" for k, v in parameters.items())

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/stories", response_class=HTMLResponse, summary="The stories, newest first")
    def stories(
        request: Request,
        since: Since = None,
        min_sources: Sources = 1,
        page: PageNumber = 1,
        size: Size = PAGE_SIZE,
    ) -> HTMLResponse:
        data = stories_data(since, min_sources, page, size)
        links = {
            "previous": page_link("/stories", data, page - 1, since=since, min_sources=min_sources),
            "next": page_link("/stories", data, page + 1, since=since, min_sources=min_sources),
        }
        return render(
            request, "stories.html", **data, links=links, since=since or "", min_sources=min_sources
        )

    @app.get("/stories.json", summary="The stories, newest first (JSON)")
    def stories_json(
        since: Since = None, min_sources: Sources = 1, page: PageNumber = 1, size: Size = PAGE_SIZE
    ) -> dict[str, Any]:
        data = stories_data(since, min_sources, page, size)
        items = [
            {
                **row["story"].to_dict(),
                "independent_sources": row["independent"],
                "activity": list(row["spark"].bars) if row["spark"] else [],
            }
            for row in data["rows"]
        ]
        return {
            "items": items,
            "total": data["total"],
            "page": page,
            "pages": data["pages"],
            "size": size,
            "next": page_link(
                "/stories.json", data, page + 1, since=since, min_sources=min_sources
            ),
        }

    def checked_story(story_id: str) -> str:
        if not _STORY_ID.fullmatch(story_id):
            raise HTTPException(400, f"story id {story_id[:64]!r}: letters, digits, - and _ only")
        return story_id

    @app.get("/stories/{story_id}.json", summary="A story's brief (the docs/output.md contract)")
    def story_json(story_id: str) -> Response:
        def make(_story: str, brief: Brief) -> bytes:
            return json.dumps(brief.to_dict(), ensure_ascii=False).encode("utf-8")

        return Response(site.brief_page(checked_story(story_id), "json", make), 200, None, JSON)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, summary="A story's brief")
    def story(request: Request, story_id: str) -> HTMLResponse:
        def make(story: str, brief: Brief) -> bytes:
            return bytes(render(request, "story.html", **brief_page(brief, story)).body)

        return HTMLResponse(site.brief_page(checked_story(story_id), "html", make))

    @app.get("/search.json", summary="Full-text search of titles and texts (JSON)")
    def search_json(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY)]) -> dict[str, Any]:
        with site.reader() as store:
            hits = search_articles(store, q)
        return {"query": q, "items": hits}

    @app.get("/search", response_class=HTMLResponse, summary="Full-text search")
    def search(
        request: Request, q: Annotated[str, Query(max_length=MAX_QUERY)] = ""
    ) -> HTMLResponse:
        hits = []
        if q.strip():
            with site.reader() as store:
                hits = search_articles(store, q)
        for hit in hits:
            hit["href"] = article_path(hit["id"])
        return render(request, "search.html", query=q, hits=hits)

    @app.get("/articles/{article_id:path}", summary="An article (add .json for JSON)")
    def article(
        request: Request,
        article_id: str,
        start: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
        end: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    ) -> Response:
        raw = request.scope.get("raw_path")
        if isinstance(raw, bytes) and raw.startswith(b"/articles/"):
            # The id as sent, decoded once: the decoded path would have turned an id holding
            # "%20" into one holding a space (ids are the inputs' own, any text at all).
            article_id = unquote(raw[len(b"/articles/") :].decode("utf-8", "replace"))
        with site.reader() as store:
            # `ID.json` is the JSON twin, unless an article's id itself ends in ".json".
            as_json = article_id.endswith(".json") and not store.rows(
                "SELECT 1 FROM articles WHERE id = ?", [article_id]
            )
            article_id = article_id.removesuffix(".json") if as_json else article_id
            found, stored = stored_article(store, article_id)
            if found.id != article_id:
                raise NotFoundError(f"no article {article_id!r}")
            cited = None
            if start is not None or end is not None:
                if start is None or end is None or not start < end <= len(found.text):
                    raise HTTPException(
                        400, f"start={start}, end={end}: not a span of this article"
                    )
                cited = (start, end)
            if as_json:
                return JSONResponse({**found.to_dict(), **stored})
            annotation = stored_annotation(store, article_id)
        return render(
            request,
            "article.html",
            article=found,
            stored=stored,
            paragraphs=article_paragraphs(annotation, cited),
            json_href=article_path(found.id) + ".json",
            link=found.url if is_web_link(found.url) else None,
        )

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return render(request, "docs.html", schema=app.openapi())

    return app
