"""The HTTP service through FastAPI's test client: results, limits, errors, the token."""

import json

import pytest
from conftest import ROOT

from pipeline.app.service import create_app


def settings(**changes):
    base = {"model": f"{ROOT}/models/default", "segmenter": "rjieba", "token": "",
            "max_body_bytes": "20000", "max_documents": "3"}
    return {**base, **changes}


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings())) as c:
        yield c


def test_one_document_and_a_list(client, shipped_model):
    r = client.post("/v1/classify", json={"id": "p1", "text": "冒充公检法说你涉嫌洗钱，要求转账到安全账户"})
    assert r.status_code == 200
    assert r.json()["id"] == "p1" and set(r.json()["scores"]) == set(shipped_model.labels)
    assert "telecom" in r.json()["labels"]
    r = client.post("/v1/classify", json={"documents": [{"id": "a", "text": "零团费旅游团强迫购物"},
                                                        {"text": "明天开会"}]})
    assert [x["id"] for x in r.json()["results"]] == ["a", "1"]


@pytest.mark.parametrize("body,status,needle", [
    (b"{not json", 422, "not valid JSON"),
    (b"\xff\xfe\x00binary", 422, "not UTF-8"),
    (json.dumps({"id": "x"}).encode(), 422, '"text"'),
    (json.dumps({"text": "  "}).encode(), 422, "empty"),
    (json.dumps({"documents": []}).encode(), 422, "non-empty list"),
    (json.dumps({"documents": [{"text": "a"}] * 4}).encode(), 413, "limit is 3"),
    (json.dumps({"text": "长" * 30000}, ensure_ascii=False).encode(), 413, "limit is 20000"),
])
def test_bad_requests_get_one_error_shape(client, body, status, needle):
    r = client.post("/v1/classify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert r.json()["error"]["status"] == status
    assert needle in r.json()["error"]["message"]


def test_health_model_docs_and_404(client, shipped_model):
    assert client.get("/v1/health").json() == {"status": "ok", "labels": shipped_model.labels}
    assert client.get("/v1/model").json()["model_sha256"] == shipped_model.manifest["model_sha256"]
    assert "/v1/classify" in client.get("/openapi.json").json()["paths"]
    assert client.get("/nope").json()["error"]["status"] == 404
    assert client.get("/v1/classify").status_code == 405


def test_bearer_token():
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings(token="s3cret"))) as c:
        assert c.post("/v1/classify", json={"text": "刷单"}).status_code == 401
        ok = c.post("/v1/classify", json={"text": "刷单"},
                    headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200


def test_concurrent_small_and_large_requests_are_all_answered(shipped_model):
    """Small batches are scored on the event loop, a large one in a thread: none is lost."""
    import asyncio

    import httpx

    from pipeline.app.service import create_app

    app = create_app(settings(max_body_bytes="5000000"))
    large = "关于开展打击整治养老诈骗专项行动的通知。共发放宣传资料1500余份。" * 2000

    async def main():
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                bodies = [{"id": f"s{i}", "text": f"刷单返利是诈骗，第{i}条提醒"} for i in range(12)]
                bodies.insert(5, {"id": "big", "text": large})
                replies = await asyncio.gather(*(client.post("/v1/classify", json=b)
                                                 for b in bodies))
        return bodies, replies

    bodies, replies = asyncio.run(main())
    assert [r.status_code for r in replies] == [200] * len(bodies)
    assert [r.json()["id"] for r in replies] == [b["id"] for b in bodies]
    assert replies[5].json()["measures"]


@pytest.mark.parametrize("body,needle", [
    (b"[" * 9_000 + b"]" * 9_000, "more than 64 deep"),  # json.loads: RecursionError
    (b'{"documents": ' + b"[" * 70 + b"]" * 70 + b"}", "more than 64 deep"),
    (b'{"id": "p", "text": "\\ud800 lone"}', "lone surrogate"),
    (b'{"id": "\\udfff", "text": "ok"}', "lone surrogate"),
])
def test_hostile_bodies_get_the_json_error_shape_not_a_500(client, body, needle):
    r = client.post("/v1/classify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    assert needle in r.json()["error"]["message"]


def test_a_surrogate_pair_is_a_character_not_an_error(client):
    r = client.post("/v1/classify", content=b'{"id": "e", "text": "\\ud83d\\ude00 \\u5237\\u5355"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["id"] == "e"


def test_an_unexpected_failure_is_answered_in_the_json_shape():
    from fastapi.testclient import TestClient

    app = create_app(settings())
    with TestClient(app, raise_server_exceptions=False) as c:
        def broken(docs):
            raise RuntimeError("boom")

        import pipeline.engine.stages

        original = pipeline.engine.stages.Pipeline.run
        pipeline.engine.stages.Pipeline.run = lambda self, docs: broken(docs)
        try:
            r = c.post("/v1/classify", json={"text": "刷单"})
        finally:
            pipeline.engine.stages.Pipeline.run = original
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == {"status": 500, "message": "internal error (RuntimeError); the "
                                 "request was not processed: retry, and report it if it persists"}


def test_the_token_is_compared_in_constant_time(monkeypatch):
    import hmac

    from fastapi.testclient import TestClient

    seen = []
    compare = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return compare(a, b)

    import pipeline.app.service as service

    monkeypatch.setattr(service.hmac, "compare_digest", spy)
    with TestClient(create_app(settings(token="s3cret"))) as c:
        assert c.post("/v1/classify", json={"text": "刷单"},
                      headers={"Authorization": "Bearer s3crex"}).status_code == 401
    assert seen == [(b"Bearer s3crex", b"Bearer s3cret")]


def test_a_costly_post_is_scored_off_the_event_loop(shipped_model):
    """While a long post is scored, a light request is answered: the long one runs in a
    thread. (The pipeline is slowed by a sleep per long document, standing for CPU work.)"""
    import asyncio
    import time

    import httpx

    import pipeline.engine.stages

    app = create_app(settings(max_body_bytes="5000000"))
    original = pipeline.engine.stages.Pipeline.run
    finished = []

    def slow_run(self, docs):
        if any(len(doc.text) > 2_000 for doc in docs):
            time.sleep(1.0)
        result = original(self, docs)
        finished.extend(doc.id for doc in docs)
        return result

    async def main():
        async with app.router.lifespan_context(app):
            pipeline.engine.stages.Pipeline.run = slow_run
            try:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                    heavy = asyncio.create_task(client.post(
                        "/v1/classify", json={"id": "heavy", "text": "刷单返利是诈骗。" * 1000}))
                    await asyncio.sleep(0.1)
                    light = await client.post("/v1/classify", json={"id": "light", "text": "刷单"})
                    assert light.status_code == 200
                    assert "heavy" not in finished  # answered while the heavy one still runs
                    assert (await heavy).status_code == 200
            finally:
                pipeline.engine.stages.Pipeline.run = original

    asyncio.run(main())
    assert finished == ["light", "heavy"]


def test_docs_are_served_without_a_cdn(client):
    import re

    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(s.startswith("/") for s in sources), sources
        for source in sources:
            if source.endswith(".js"):
                r = client.get(source)
                assert r.status_code == 200 and len(r.content) > 10_000


def test_the_server_says_where_it_listens_logs_requests_and_drops_silent_clients(tmp_path):
    import os
    import queue
    import signal
    import socket
    import subprocess
    import sys
    import threading
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FRAUDTAG_TIMEOUT_HEAD": "1", "FRAUDTAG_TIMEOUT_BODY": "1"}
    server = subprocess.Popen([sys.executable, f"{ROOT}/classify.py", "--serve", "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env)
    output: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [output.put(line) for line in server.stdout],
                     daemon=True).start()

    def wait_for(needle):
        seen = []
        while not seen or needle not in seen[-1]:
            try:
                seen.append(output.get(timeout=60))
            except queue.Empty:
                raise AssertionError(f"no {needle!r} in {seen}") from None

    try:
        wait_for(f"running on http://127.0.0.1:{port}")
        import httpx

        assert httpx.post(f"http://127.0.0.1:{port}/v1/classify",
                          json={"text": "刷单"}).status_code == 200
        wait_for('"POST /v1/classify HTTP/1.1" 200')
        silent, slow = socket.create_connection(("127.0.0.1", port)), \
            socket.create_connection(("127.0.0.1", port))
        with silent, slow:
            started = time.monotonic()
            slow.sendall(b"POST /v1/cl")
            for conn in (silent, slow):
                conn.settimeout(10)
                assert conn.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 8
        with socket.create_connection(("127.0.0.1", port)) as dribble:  # a body that stalls
            dribble.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            b"application/json\r\nContent-Length: 100\r\n\r\n{\"text\"")
            dribble.settimeout(10)
            reply = b""
            while b'"status":408' not in reply:
                chunk = dribble.recv(4096)
                if not chunk:
                    break
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 408") and b'"status":408' in reply, reply
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)


def test_clusters_are_kept_across_requests():
    from fastapi.testclient import TestClient

    post = "【XX银行】您的账户存在异常，请于{n}小时内点击 http://k{n}.xyz/v 完成验证，逾期冻结。"
    with TestClient(create_app(settings())) as c:
        first = c.post("/v1/classify", json={"id": "a", "text": post.format(n=1)}).json()
        second = c.post("/v1/classify", json={"documents": [
            {"id": "b", "text": post.format(n=2)}, {"id": "c", "text": "今晚七点小区门口见"}]}
        ).json()["results"]
        assert (first["cluster_size"], second[0]["cluster_size"]) == (1, 2)
        assert second[0]["cluster"] == first["cluster"] != second[1]["cluster"]
        top = c.get("/v1/clusters", params={"top": 1}).json()["clusters"]
        assert [(t["cluster"], t["size"], t["first_seen"], t["last_seen"]) for t in top] == \
            [(first["cluster"], 2, "a", "b")]
        assert c.get("/v1/clusters", params={"top": 0}).status_code == 422
