"""The HTTP service: FastAPI + uvicorn over the same Pipeline as the CLI.

    POST /v1/classify   {"id": "...", "text": "..."}  or  {"documents": [{...}, ...]}
    GET  /v1/health     liveness and the model's labels
    GET  /v1/model      the model's manifest
    GET  /docs, /redoc  OpenAPI documentation (served from the package: works offline)

Concurrent requests are gathered into one model call: scikit-learn's per-call overhead is larger
than the prediction itself. Errors share one shape: {"error": {"status": N, "message": "..."}}.
Set FRAUDTAG_TOKEN to require `Authorization: Bearer <token>`.
"""

import asyncio
import hmac
import json
import os
import re
from contextlib import asynccontextmanager
from typing import Any

import h11
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from uvicorn.protocols.http.h11_impl import H11Protocol

from pipeline.resources import model_dir
from pipeline.settings import resolve

# Requests up to this many characters together are scored on the event loop itself (for a short
# post a thread hop costs more than the work); longer ones go to a thread, so that one costly post
# cannot stall the other clients. 2,000 characters take 6 ms (zh) to 15 ms (en), medians of 15 on
# a busy 2-core machine; a 200-character post 0.4 ms.
_INLINE_CHARS = 2_000
_MAX_DEPTH = 64  # JSON nesting a request may have: documents need 3 levels, meta a few more


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Batcher:
    """Gathers the documents of concurrent requests and scores them in one pipeline call.

    A request adds its documents and, if it is the first to wait, schedules a flush on the
    event loop: the requests that arrive meanwhile join the same call. Light requests (up to
    _INLINE_CHARS together) are scored on the loop itself; heavy ones queue for a thread, one
    batch at a time, while the loop keeps answering, light requests included.
    """

    def __init__(self, pipeline, monitor) -> None:
        self.pipeline = pipeline
        self.monitor = monitor  # repost clusters across requests; used on the event loop only
        self.pending: list[tuple[list, asyncio.Future]] = []
        self.heavy: list[tuple[list, asyncio.Future]] = []  # waiting for the thread
        self.running: asyncio.Task | None = None  # the batch in a thread, if any

    async def classify(self, docs: list) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self.pending:
            loop.call_soon(self._flush)
        self.pending.append((docs, future))
        return await future

    def _flush(self) -> None:
        jobs, self.pending = self.pending, []
        light, chars = [], 0
        for job in jobs:
            size = sum(len(doc.text) for doc in job[0])
            if chars + size <= _INLINE_CHARS:
                light.append(job)
                chars += size
            else:
                self.heavy.append(job)
        if light:
            docs = [doc for batch, _ in light for doc in batch]
            self._answer(light, lambda: self.pipeline.run(docs))
        if self.heavy and self.running is None:
            jobs, self.heavy = self.heavy, []
            docs = [doc for batch, _ in jobs for doc in batch]
            self.running = asyncio.get_running_loop().create_task(self._in_thread(jobs, docs))

    async def _in_thread(self, jobs: list, docs: list) -> None:
        loop = asyncio.get_running_loop()
        try:
            try:
                done = await loop.run_in_executor(None, self.pipeline.run, docs)
            except Exception as e:  # noqa: BLE001 - answer every waiting request
                self._fail(jobs, e)
            else:
                self._answer(jobs, lambda: done)
        finally:
            self.running = None
            loop.call_soon(self._flush)  # the heavy jobs that queued meanwhile

    @staticmethod
    def _fail(jobs: list, error: Exception) -> None:
        for _, future in jobs:
            if not future.done():
                future.set_exception(error)

    def _answer(self, jobs: list, run) -> None:
        try:
            records = [self.monitor.observe(doc.to_record(), doc.signature, doc.text)
                       if doc.signature is not None else doc.to_record() for doc in run()]
        except Exception as e:  # noqa: BLE001 - answer every waiting request
            Batcher._fail(jobs, e)
            return
        position = 0
        for batch, future in jobs:
            if not future.done():  # its client may have gone
                future.set_result(records[position:position + len(batch)])
            position += len(batch)


_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # an escaped surrogate in the body


def _parse(body: bytes, max_documents: int) -> tuple[list, bool]:
    """Documents from a request body, and whether the body was a list of them."""
    payload = _json_body(body)
    many = isinstance(payload, dict) and "documents" in payload
    items = payload["documents"] if many else [payload]
    if not isinstance(items, list) or not items:
        raise HTTPProblem(422, '"documents" must be a non-empty list of {"id", "text"} objects')
    if len(items) > max_documents:
        raise HTTPProblem(413, f"{len(items)} documents in one request; the limit is "
                          f"{max_documents} (FRAUDTAG_MAX_DOCUMENTS): split the request")
    return [_document(item, n, many) for n, item in enumerate(items)], many


def _json_body(body: bytes) -> Any:
    """The body as JSON: UTF-8, not nested too deep, valid, and with no lone surrogate."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPProblem(422, "the body is not UTF-8 text; send JSON like "
                          '{"id": "p1", "text": "..."}') from None
    if _too_deep(text):
        raise HTTPProblem(422, f"the body nests arrays or objects more than {_MAX_DEPTH} deep; "
                          'send {"id": "p1", "text": "..."} or {"documents": [...]}')
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise HTTPProblem(422, f"the body is not valid JSON ({e.msg} at line {e.lineno} column "
                          f"{e.colno}); send {{\"id\": \"p1\", \"text\": \"...\"}}") from None
    if _LONE_SURROGATE.search(text):
        try:
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            raise HTTPProblem(422, "the body holds a lone surrogate escape (e.g. \\ud800), "
                              f"which is no character ({e.reason}); send valid Unicode text"
                              ) from None
    return payload


def _document(item: Any, n: int, many: bool):
    from pipeline.document import Document

    where = f"documents[{n}]" if many else "the body"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise HTTPProblem(422, f'{where} needs a "text" string field')
    if not item["text"].strip():
        raise HTTPProblem(422, f'{where}: "text" is empty')
    meta = {k: v for k, v in item.items() if k not in ("id", "text")}
    return Document(str(item.get("id", n)), "http", item["text"], meta)


def _too_deep(text: str) -> bool:
    """Whether JSON `text` nests deeper than _MAX_DEPTH (json.loads would recurse into a
    RecursionError on a body of 100,000 brackets). Brackets inside strings count too: a
    conservative bound that real documents do not come near."""
    if text.count("[") + text.count("{") <= _MAX_DEPTH:
        return False
    depth = 0
    for bracket in re.finditer(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', text):
        token = bracket.group()
        if token in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
    return False


def create_app(settings: dict[str, Any] | None = None):
    """The FastAPI application, with the model loaded and warmed up at start."""
    from fastapi_offline import FastAPIOffline  # Swagger UI and ReDoc assets in the package

    from pipeline.model.store import load_model

    settings = resolve(settings)
    model = load_model(model_dir(settings["model"]))
    state: dict[str, Any] = {}
    app = FastAPIOffline(title="fraudtag",
                         version=model.manifest.get("format_version", 1).__str__(),
                         description=__doc__, lifespan=_lifespan(model, settings, state))
    _add_error_handlers(app)
    _add_read_routes(app, model, state)
    # A plain Starlette route: the handler reads and checks its own body, so FastAPI's
    # per-request parameter machinery would be spent for nothing (a tenth of the throughput).
    # Its OpenAPI entry is written by hand.
    app.add_route("/v1/classify", _classify_handler(settings, state), methods=["POST"])
    generated = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generated()
            schema["paths"]["/v1/classify"] = CLASSIFY_OPENAPI
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return app


def _lifespan(model, settings: dict[str, Any], state: dict[str, Any]):
    """At start: the pipeline warmed up on one document, and the batcher that shares it."""
    from pipeline.app.monitor import Monitor
    from pipeline.cluster.reposts import RepostClusters
    from pipeline.document import Document
    from pipeline.engine.memory import settle
    from pipeline.engine.stages import Pipeline

    @asynccontextmanager
    async def lifespan(app):
        pipeline = Pipeline(model, segmenter=settings["segmenter"], signatures=True)
        pipeline.run([Document("warm-up", "start", "启动预热：防范电信网络诈骗。Warm-up text.")])
        settle()
        state["batcher"] = Batcher(pipeline, Monitor(
            clusters=RepostClusters(window=settings["cluster_window"])))
        yield

    return lifespan


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def _add_error_handlers(app) -> None:
    """Every failure answers in the one error shape, never as text/plain."""

    @app.exception_handler(HTTPProblem)
    async def _expected(request: Request, exc: HTTPProblem):
        return _problem(exc.status, exc.message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        return _problem(500, f"internal error ({type(exc).__name__}); the request was not "
                        "processed: retry, and report it if it persists")

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        return _problem(404, f"no endpoint {request.url.path}; see /docs")

    @app.exception_handler(405)
    async def _method(request: Request, exc):
        return _problem(405, f"{request.method} is not allowed on {request.url.path}; see /docs")


def _add_read_routes(app, model, state: dict[str, Any]) -> None:
    @app.get("/v1/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "labels": model.labels}

    @app.get("/v1/model")
    async def manifest() -> dict[str, Any]:
        return model.manifest

    @app.get("/v1/clusters")
    async def clusters(top: int = 20) -> dict[str, Any]:
        """The largest repost clusters seen since the service started (in its window)."""
        if not 1 <= top <= 1000:
            raise HTTPProblem(422, f"top={top}: ask for 1 to 1000 clusters")
        return {"clusters": [c.to_record() for c in state["batcher"].monitor.clusters.top(top)]}


def _classify_handler(settings: dict[str, Any], state: dict[str, Any]):
    from pipeline.output.writers import dumps

    max_body, body_timeout = settings["max_body_bytes"], settings["timeout_body"]
    max_documents = settings["max_documents"]
    token = settings["token"].encode("utf-8")

    async def classify(request: Request):
        _check_token(request, token)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body:
            raise HTTPProblem(413, f"body of {declared} bytes; the limit is {max_body} "
                              "(FRAUDTAG_MAX_BODY_BYTES): split the request")
        try:
            body = await asyncio.wait_for(_read_body(request, max_body), body_timeout)
        except asyncio.TimeoutError:
            raise HTTPProblem(408, f"the body did not arrive within {body_timeout:g} s "
                              "(FRAUDTAG_TIMEOUT_BODY): send it at once") from None
        docs, many = _parse(body, max_documents)
        records = await state["batcher"].classify(docs)
        payload = {"results": records} if many else records[0]
        # our records are plain JSON already: skip FastAPI's field-by-field jsonable_encoder
        return Response(dumps(payload), media_type="application/json")

    return classify


def _check_token(request: Request, token: bytes) -> None:
    if token and not hmac.compare_digest(  # constant time: no guessing it byte by byte
            request.headers.get("authorization", "").encode("utf-8", "replace"),
            b"Bearer " + token):
        raise HTTPProblem(401, "missing or wrong bearer token: send the header "
                          "'Authorization: Bearer <FRAUDTAG_TOKEN>'")


async def _read_body(request: Request, max_body: int) -> bytes:
    if request.headers.get("content-length", "").isdigit():  # within the limit: read it whole
        return await request.body()
    body = bytearray()  # no length given (chunked): count as it comes
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_body:
            raise HTTPProblem(413, f"body over {max_body} bytes "
                              "(FRAUDTAG_MAX_BODY_BYTES): split the request")
    return bytes(body)


CLASSIFY_OPENAPI = {"post": {
    "summary": "Classify",
    "description": "Tag one document, or a list of up to FRAUDTAG_MAX_DOCUMENTS, by fraud type "
                   "and extract its measures; the response follows the output contract "
                   "(a record, or {\"results\": [records]}).",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
        {"type": "object", "required": ["text"],
         "properties": {"id": {"type": "string"}, "text": {"type": "string"}}},
        {"type": "object", "required": ["documents"],
         "properties": {"documents": {"type": "array", "items": {"type": "object"}}}}]}}}},
    "responses": {
        "200": {"description": "the result record(s)"},
        **{str(status): {"description": what, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"error": {"type": "object", "properties": {
                "status": {"type": "integer"}, "message": {"type": "string"}}}}}}}}
           for status, what in ((401, "missing or wrong bearer token"),
                                (408, "the body came too slowly"),
                                (413, "body or document list over the limit"),
                                (422, "not UTF-8 JSON, or no text"))}},
}}


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's line and headers
    (FRAUDTAG_TIMEOUT_HEAD seconds).

    uvicorn times out only idle keep-alive connections: a client that connects and sends
    nothing, or a header byte every few seconds, would hold a connection for as long as it likes.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_head = resolve()["timeout_head"]
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head has arrived
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:  # waits for the next request
            self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.head_timer = self.loop.call_later(self.timeout_head, self._head_too_slow)

    def _disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_too_slow(self) -> None:
        self.head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def serve(model_dir: str, host: str, port: int, workers: int, segmenter: str) -> int:
    """Run the service; uvicorn logs "Uvicorn running on http://HOST:PORT" once it listens,
    then one access line per request."""
    import uvicorn

    # uvicorn's workers build the app by name, each in its own process: the settings reach
    # them as their environment variables, read and checked by resolve() there
    os.environ["FRAUDTAG_MODEL"] = model_dir
    os.environ["FRAUDTAG_SEGMENTER"] = segmenter
    settings = resolve()
    uvicorn.run("pipeline.app.service:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=True,
                http="pipeline.app.service:TimedH11Protocol",  # by name: workers import it
                timeout_keep_alive=int(settings["timeout_keep_alive"]))
    return 0
