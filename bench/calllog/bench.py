#!/usr/bin/env python3
"""Call-log CSV export: ROWS call records of one company, exported through
GET /api/v1/companies/{id}/calls?format=csv, timed end to end (first byte to last) with the
server's RSS sampled while it streams. The anchor (shared/bench/rest-anchor/RESULTS.md) is
1,000,000 rows: sqlite3 CLI 1.16 s, PostgreSQL COPY 0.76 s, Rust row iterator + csv crate 0.93 s.
Rows are written straight into the SQLite file (the API has no bulk import of call records).
Usage: bench/calllog/run.sh   (env ROWS, SWITCHBOARD_BIN, PERF). Writes bench/calllog/results-latest.md.
"""
import http.client, json, os, secrets, socket, sqlite3, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ROWS = int(os.environ.get("ROWS", "1000000"))
PASS = "Bench-Pass1!"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def api(port, method, path, token=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = f"Bearer {token}"
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse(); data = r.read(); c.close()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    binary = os.environ.get("SWITCHBOARD_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--bin", "switchboard"], cwd=ROOT, check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "switchboard")
    work = tempfile.mkdtemp(prefix="sb-csvbench-")
    port = free_port()
    srv = subprocess.Popen([binary, "serve", "--data-dir", work, "--http-listen", f"127.0.0.1:{port}",
                            "--sip-listen", f"127.0.0.1:{free_port()}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, SWITCHBOARD_ADMIN_PASSWORD=PASS))
    try:
        for _ in range(400):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/healthz")
                if c.getresponse().status == 200: break
            except OSError:
                time.sleep(0.05)
        tok = api(port, "POST", "/api/v1/auth/login", body={"username": "admin", "password": PASS})["token"]
        res = api(port, "POST", "/api/v1/resellers", tok, {"name": "R"})["id"]
        co = api(port, "POST", "/api/v1/companies", tok, {"name": "C", "reseller_id": res, "country": "US",
                 "time_zone": "America/New_York", "first_language": "en", "max_users": 50, "max_lines": 50})["id"]
        lines = []
        for i in range(20):
            u = api(port, "POST", f"/api/v1/companies/{co}/users", tok, {"name": f"U{i}"})["user"]["id"]
            lines.append(api(port, "POST", f"/api/v1/companies/{co}/lines", tok, {"extension": str(200 + i), "user_id": u})["id"])
        t0 = time.monotonic()
        db = sqlite3.connect(os.path.join(work, "switchboard.db"), timeout=30)
        db.execute("PRAGMA synchronous=OFF")
        start_ms = 1_790_000_000_000
        dirs = ["missed", "dialled", "received", "rejected"]
        batch = []
        for i in range(ROWS):
            at = start_ms + i * 1000
            rid = f"{at:012x}{secrets.token_hex(10)}"
            batch.append((rid, co, lines[i % 20], dirs[i % 4], f"+1555{i % 10000000:07d}", "Caller Name" if i % 3 else None,
                          at, i % 600, "sip:201@192.0.2.10:5062", 200, f"call-{i}"))
            if len(batch) == 50000:
                db.executemany("INSERT INTO call_records VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch); batch = []
        if batch:
            db.executemany("INSERT INTO call_records VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
        db.commit(); db.close()
        seed_s = time.monotonic() - t0
        peak = [rss(srv.pid)]
        stop = threading.Event()
        def sample():
            while not stop.is_set():
                peak.append(rss(srv.pid)); time.sleep(0.05)
        th = threading.Thread(target=sample); th.start()
        # PERF=file records the server's profile while it exports (perf report -i file).
        perf = os.environ.get("PERF")
        prof = subprocess.Popen(["perf", "record", "-g", "-o", perf, "-p", str(srv.pid)],
                                stderr=subprocess.DEVNULL) if perf else None
        runs = []
        for _ in range(3):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            t0 = time.monotonic()
            c.request("GET", f"/api/v1/companies/{co}/calls?format=csv", headers={"Authorization": f"Bearer {tok}"})
            r = c.getresponse()
            n = 0; lines_seen = 0
            while True:
                chunk = r.read(1 << 20)
                if not chunk: break
                n += len(chunk); lines_seen += chunk.count(b"\n")
            runs.append((time.monotonic() - t0, n, lines_seen - 1))
            c.close()
        stop.set(); th.join()
        if prof:
            prof.send_signal(2); prof.wait()
        before = peak[0]
        best = min(runs)
        text = "\n".join([
            "# Call-log CSV export (bench/calllog/run.sh)", "",
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC; {os.cpu_count()} cores; SQLite; {ROWS:,} rows of one company.", "",
            "| run | seconds | rows | MB |", "|---|---|---|---|",
            *[f"| {i + 1} | {t:.2f} | {rows:,} | {b / 1e6:.0f} |" for i, (t, b, rows) in enumerate(runs)],
            "",
            f"Best {best[0]:.2f} s for {best[2]:,} rows ({best[2] / best[0]:,.0f} rows/s); target 1.5 s; anchors: sqlite3 CLI 1.16 s, "
            f"PostgreSQL COPY 0.76 s, Rust row iterator + csv crate 0.93 s.",
            f"Server RSS {before} KiB before, peak {max(peak)} KiB while exporting (+{max(peak) - before} KiB).",
            f"(Seeding {ROWS:,} rows directly into SQLite took {seed_s:.1f} s.)", ""])
        open(os.path.join(HERE, "results-latest.md"), "w").write(text)
        print(text)
    finally:
        srv.terminate(); srv.wait()


if __name__ == "__main__":
    main()
