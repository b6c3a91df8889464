"""A batch killed with SIGKILL resumes without loss or duplicates; the service survives bad load."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import ROOT

CLASSIFY = os.path.join(ROOT, "classify.py")
LINES = ["县公安局开展反诈宣传，发放宣传资料{n}份，劝阻潜在受害人{k}名。",
         "某旅行社以零团费招揽老年游客后强迫购物，被罚款{n}元。",
         "今天第{n}次去公园散步，看到{k}只白鹭。",
         "Police arrested {k} suspects in a Ponzi scheme that took ${n} from retirees."]


def write_input(path, n):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = LINES[i % len(LINES)].format(n=100 + i, k=i % 17 + 1)
            f.write(json.dumps({"id": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")


def ids_in(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["id"] for line in f]


def test_sigkill_then_resume_leaves_every_id_exactly_once(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(source, 3000)
    args = [sys.executable, CLASSIFY, str(source), "-o", str(out), "-j", "2", "-q",
            "--batch-size", "16"]
    run = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 20_000):
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # the parent and its workers, mid-run
    run.wait()
    done_before = len(ids_in(out)) if out.stat().st_size else 0
    assert 0 < done_before < 3000, "the kill should land mid-run"
    resumed = subprocess.run(args + ["--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    ids = ids_in(out)
    assert sorted(ids) == sorted(f"doc-{i}" for i in range(3000))
    assert "already done" in resumed.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_service_answers_mixed_load_without_5xx_and_memory_stays_flat():
    import http.client

    port = free_port()
    server = subprocess.Popen([sys.executable, CLASSIFY, "--serve", "--port", str(port)],
                              env={**os.environ, "FRAUDTAG_MAX_BODY_BYTES": "100000"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        bodies = [json.dumps({"id": "ok", "text": "冒充客服退款诈骗，请勿点击链接"}).encode(),
                  json.dumps({"documents": [{"text": "零团费旅游强迫购物"}] * 5}).encode(),
                  b"{broken json", b"\x00\xff\xfe\x80binary", b"x" * 150_000,
                  json.dumps({"text": ""}).encode(), json.dumps([1, 2, 3]).encode()]
        statuses = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

        def send(body):
            try:
                conn.request("POST", "/v1/classify", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                conn.close()
                conn.connect()
                return "reset"

        for body in bodies * 5:  # warm up before the first memory reading
            send(body)
        before = rss_kb(server.pid)
        seconds = float(os.environ.get("SOAK_SECONDS", "10"))
        end, sent = time.time() + seconds, 0
        while time.time() < end and sent < 20_000:
            status = send(bodies[sent % len(bodies)])
            statuses[status] = statuses.get(status, 0) + 1
            sent += 1
        after = rss_kb(server.pid)
        conn.close()
    finally:
        server.terminate()
        server.wait(10)
    assert not any(isinstance(s, int) and s >= 500 for s in statuses), statuses
    assert set(statuses) <= {200, 413, 422, "reset"}, statuses
    assert statuses.get(200, 0) > 0 and statuses.get(422, 0) > 0 and statuses.get(413, 0) > 0
    assert after - before < 30_000, f"RSS grew from {before} KB to {after} KB"
    print(f"{sent} requests in {seconds:.0f} s: {statuses}; RSS {before} -> {after} KB")


def _fuzz_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_inputs",
                                                  os.path.join(ROOT, "bench", "fuzz_inputs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def records_in(path):
    with open(path, "rb") as f:  # split at \n only: a record may hold U+2028
        return [json.loads(line) for line in f.read().split(b"\n") if line]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A folder of 60 generated hostile inputs, each one record (bench/fuzz_inputs.py)."""
    fuzz = _fuzz_module()
    folder = str(tmp_path_factory.mktemp("fuzz") / "hostile")
    return fuzz, folder, fuzz.make_hostile(folder, 60)


def test_a_batch_of_hostile_files_gives_one_record_per_input_and_exit_3(hostile, tmp_path):
    fuzz, folder, inputs = hostile
    out = tmp_path / "out.jsonl"
    result, _, _ = fuzz.run_cli(folder, str(out), 2, "--batch-size", "8")  # 8 batches: workers
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    records = records_in(out)
    assert len(records) == inputs
    assert len({r["source"] for r in records}) == inputs  # each file once, the loop adds none
    assert f"{inputs} documents" in result.stderr


def test_resume_over_hostile_files_finishes_without_loss_or_duplicates(hostile, tmp_path):
    fuzz, folder, inputs = hostile
    out = tmp_path / "out.jsonl"
    first, _, _ = fuzz.run_cli(folder, str(out), 1)  # one process
    assert first.returncode == 3 and len(records_in(out)) == inputs, first.stderr
    lines = out.read_bytes().split(b"\n")
    out.write_bytes(b"\n".join(lines[:inputs // 2]) + b"\n" + lines[inputs // 2][:15])  # torn
    result, _, _ = fuzz.run_cli(folder, str(out), 2, "--resume", "--batch-size", "8")
    assert result.returncode == 3, result.stderr
    records = records_in(out)
    assert len(records) == inputs and len({r["source"] for r in records}) == inputs


def test_stream_answers_every_hostile_line_and_keeps_going():
    lines = [b'{"id": "deep", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
             b'{"id": "s\\ud800", "text": "\\udfff\xe5\x86\x92\xe5\x85\x85\xe5\xae\xa2\xe6\x9c\x8d"}',
             b"\x00\xff binary", "一条\u2028微博\u0085又一句".encode(), b"[1, 2]", b"{bad",
             b'{"id": "last", "text": "ok"}']
    result = subprocess.run([sys.executable, CLASSIFY, "--stream"], input=b"\n".join(lines),
                            capture_output=True, timeout=120)
    assert result.returncode == 3, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.split(b"\n") if line]
    assert [r["id"] for r in records] == ["stdin:1", "s\ufffd", "stdin:3", "stdin:4", "stdin:5",
                                          "stdin:6", "last"]
    assert [("error" in r) for r in records] == [True, False, True, False, False, True, False]
    assert records[4]["meta"] == {"line": 5}  # not an object: read as a plain line
