"""The HTTP service: FastAPI + uvicorn over the same Pipeline as the CLI.

    POST /v1/classify   {"id": "...", "text": "..."}  or  {"documents": [{...}, ...]}
    GET  /v1/health     liveness and the model's labels
    GET  /v1/model      the model's manifest
    GET  /docs          OpenAPI documentation

Concurrent requests are gathered into one model call: scikit-learn's per-call overhead is larger
than the prediction itself. Errors share one shape: {"error": {"status": N, "message": "..."}}.
Set FRAUDTAG_TOKEN to require `Authorization: Bearer <token>`.
"""

import asyncio
import json
import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

SETTINGS = {  # name: (default, help); read from FRAUDTAG_<NAME> environment variables
    "model": ("models/default", "model directory"),
    "segmenter": ("rjieba", "Chinese segmenter"),
    "token": ("", "bearer token required on /v1/classify (empty: none)"),
    "max_body_bytes": ("1000000", "largest request body accepted (413 beyond)"),
    "max_documents": ("256", "most documents in one request (413 beyond)"),
}


def settings_from_env() -> dict[str, str]:
    return {name: os.environ.get(f"FRAUDTAG_{name.upper()}", default)
            for name, (default, _) in SETTINGS.items()}


_INLINE_CHARS = 20_000  # batches up to this size are scored on the event loop itself


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Batcher:
    """Gathers the documents of concurrent requests and scores them in one pipeline call.

    A request adds its documents and, if it is the first to wait, schedules a flush on the
    event loop: the requests that arrive meanwhile join the same call. Small batches are scored
    on the loop itself (a thread hop costs more than the work); a large one goes to a thread,
    one at a time, while the loop keeps answering.
    """

    def __init__(self, pipeline) -> None:
        self.pipeline = pipeline
        self.pending: list[tuple[list, asyncio.Future]] = []
        self.running: asyncio.Task | None = None  # the batch in a thread, if any

    async def classify(self, docs: list) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self.pending:
            loop.call_soon(self._flush)
        self.pending.append((docs, future))
        return await future

    def _flush(self) -> None:
        if self.running is not None or not self.pending:
            return  # the batch in its thread flushes what waits when it ends
        jobs, self.pending = self.pending, []
        docs = [doc for batch, _ in jobs for doc in batch]
        if sum(len(doc.text) for doc in docs) <= _INLINE_CHARS:
            self._answer(jobs, lambda: self.pipeline.run(docs))
        else:
            self.running = asyncio.get_running_loop().create_task(self._in_thread(jobs, docs))

    async def _in_thread(self, jobs: list, docs: list) -> None:
        loop = asyncio.get_running_loop()
        try:
            done = await loop.run_in_executor(None, self.pipeline.run, docs)
            self._answer(jobs, lambda: done)
        finally:
            self.running = None
            loop.call_soon(self._flush)

    @staticmethod
    def _answer(jobs: list, run) -> None:
        try:
            records = [doc.to_record() for doc in run()]
        except Exception as e:  # noqa: BLE001 - answer every waiting request
            for _, future in jobs:
                if not future.done():
                    future.set_exception(e)
            return
        position = 0
        for batch, future in jobs:
            if not future.done():  # its client may have gone
                future.set_result(records[position:position + len(batch)])
            position += len(batch)


def _parse(body: bytes, max_documents: int) -> tuple[list, bool]:
    """Documents from a request body, and whether the body was a list of them."""
    from pipeline.document import Document

    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise HTTPProblem(422, "the body is not UTF-8 text; send JSON like "
                          '{"id": "p1", "text": "..."}') from None
    except json.JSONDecodeError as e:
        raise HTTPProblem(422, f"the body is not valid JSON ({e.msg} at line {e.lineno} column "
                          f"{e.colno}); send {{\"id\": \"p1\", \"text\": \"...\"}}") from None
    many = isinstance(payload, dict) and "documents" in payload
    items = payload["documents"] if many else [payload]
    if not isinstance(items, list) or not items:
        raise HTTPProblem(422, '"documents" must be a non-empty list of {"id", "text"} objects')
    if len(items) > max_documents:
        raise HTTPProblem(413, f"{len(items)} documents in one request; the limit is "
                          f"{max_documents} (FRAUDTAG_MAX_DOCUMENTS): split the request")
    docs = []
    for n, item in enumerate(items):
        where = f"documents[{n}]" if many else "the body"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise HTTPProblem(422, f'{where} needs a "text" string field')
        if not item["text"].strip():
            raise HTTPProblem(422, f'{where}: "text" is empty')
        meta = {k: v for k, v in item.items() if k not in ("id", "text")}
        docs.append(Document(str(item.get("id", n)), "http", item["text"], meta))
    return docs, many


def create_app(settings: dict[str, str] | None = None):
    """The FastAPI application, with the model loaded and warmed up at start."""
    from pipeline.engine.memory import settle
    from pipeline.engine.stages import Pipeline
    from pipeline.model.store import load_model
    from pipeline.output.writers import dumps

    settings = settings or settings_from_env()
    max_body = int(settings["max_body_bytes"])
    max_documents = int(settings["max_documents"])
    token = settings["token"]
    model = load_model(settings["model"])
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app):
        pipeline = Pipeline(model, segmenter=settings["segmenter"])
        from pipeline.document import Document

        pipeline.run([Document("warm-up", "start", "启动预热：防范电信网络诈骗。Warm-up text.")])
        settle()
        state["batcher"] = Batcher(pipeline)
        yield

    app = FastAPI(title="fraudtag", version=model.manifest.get("format_version", 1).__str__(),
                  description=__doc__, lifespan=lifespan)

    def problem(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)

    @app.exception_handler(HTTPProblem)
    async def _problem(request: Request, exc: HTTPProblem):
        return problem(exc.status, exc.message)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        return problem(404, f"no endpoint {request.url.path}; see /docs")

    @app.exception_handler(405)
    async def _method(request: Request, exc):
        return problem(405, f"{request.method} is not allowed on {request.url.path}; see /docs")

    @app.get("/v1/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "labels": model.labels}

    @app.get("/v1/model")
    async def manifest() -> dict[str, Any]:
        return model.manifest

    async def classify(request: Request):
        if token and request.headers.get("authorization") != f"Bearer {token}":
            raise HTTPProblem(401, "missing or wrong bearer token: send the header "
                              "'Authorization: Bearer <FRAUDTAG_TOKEN>'")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body:
            raise HTTPProblem(413, f"body of {declared} bytes; the limit is {max_body} "
                              "(FRAUDTAG_MAX_BODY_BYTES): split the request")
        if declared and declared.isdigit():  # within the limit: read it whole
            body = await request.body()
        else:  # no length given (chunked): count as it comes
            body = bytearray()
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > max_body:
                    raise HTTPProblem(413, f"body over {max_body} bytes "
                                      "(FRAUDTAG_MAX_BODY_BYTES): split the request")
        docs, many = _parse(bytes(body), max_documents)
        records = await state["batcher"].classify(docs)
        payload = {"results": records} if many else records[0]
        # our records are plain JSON already: skip FastAPI's field-by-field jsonable_encoder
        return Response(dumps(payload), media_type="application/json")

    # A plain Starlette route: the handler reads and checks its own body, so FastAPI's
    # per-request parameter machinery would be spent for nothing (a tenth of the throughput).
    # Its OpenAPI entry is written by hand below.
    app.add_route("/v1/classify", classify, methods=["POST"])
    generated = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generated()
            schema["paths"]["/v1/classify"] = CLASSIFY_OPENAPI
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return app


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
                                (413, "body or document list over the limit"),
                                (422, "not UTF-8 JSON, or no text"))}},
}}


def serve(model_dir: str, host: str, port: int, workers: int, segmenter: str) -> int:
    import uvicorn

    os.environ["FRAUDTAG_MODEL"] = model_dir
    os.environ["FRAUDTAG_SEGMENTER"] = segmenter
    uvicorn.run("pipeline.app.service:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning")
    return 0
