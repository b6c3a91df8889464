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
