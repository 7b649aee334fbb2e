#!/usr/bin/env python3
"""SIP benchmark: Switchboard and Kamailio side by side in one run, driven by the same SIPp.

Steps (each bounded): start `switchboard serve` (release build) on a fresh SQLite data dir;
provision one company with USERS lines through the REST API; then at each rate for DUR seconds:
  reg       REGISTER, 401 digest challenge (qop=auth), REGISTER with credentials, 200
  callauth  INVITE, 407, INVITE with credentials, routed by the call-handling plan to the callee
            line's registered device (a SIPp UAS), 180/200/ACK, hold HOLD_MS, BYE/200 (B2BUA:
            two legs and an RTP relay allocation per call)
The SIPp scenarios are the Kamailio anchor's own (../shared/bench/kamailio-anchor/sipp), read
where they are, so both servers see identical traffic; the anchor's run.sh then measures
Kamailio at the same rates. Memory: RSS of the server before and after registering every user,
and while calls are up (rate x hold concurrent calls).

Usage: bench/sip/run.sh   (env: ANCHOR, USERS, DUR, HOLD_MS, RATES_REG, RATES_CALLAUTH, SKIP_KAMAILIO)
Writes bench/sip/results-latest.md.
"""
import csv
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ANCHOR = os.environ.get("ANCHOR", os.path.join(ROOT, "..", "shared", "bench", "kamailio-anchor"))
# Each line calls the next one and is called by the one before, once per pass over the lines;
# with as many lines as calls per second and a 1 s hold, a line at 1000/s would be asked to take
# a third call while in two, which a line refuses as busy (call waiting allows one more call,
# not two). 2000 lines keep every line within that at every rate of the run.
USERS = int(os.environ.get("USERS", "2000"))
DUR = int(os.environ.get("DUR", "15"))
HOLD_MS = int(os.environ.get("HOLD_MS", "1000"))
RATES_REG = [int(r) for r in os.environ.get("RATES_REG", "1000 2000 3000 5000 7500").split()]
RATES_CALL = [int(r) for r in os.environ.get("RATES_CALLAUTH", "100 200 400 600 800 1000").split()]
PERF_OPTS = os.environ.get("PERF_OPTS", "-g").split()
SIPP = shutil.which("sipp") or sys.exit("sipp is needed: apt-get install sip-tester")
BUFF = "1048576"
PASS = "Bench-Pass1!"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def api(port, method, path, token=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status >= 300:
        sys.exit(f"bench: {method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data) if data else None


class Elevated:
    """An elevated token (the operator's password confirmed again), which reading SIP passwords
    needs; renewed before its five minutes run out."""

    def __init__(self, port, tok):
        self.port, self.tok, self.at, self.value = port, tok, 0.0, None

    def __call__(self):
        if self.value is None or time.monotonic() - self.at > 240:
            self.value = api(self.port, "POST", "/api/v1/auth/reauth", self.tok, {"password": PASS})["token"]
            self.at = time.monotonic()
        return self.value


def provision(port, users, label):
    """One company with `users` lines, through the REST API: its SIP domain and, per line,
    (SIP username, SIP password, extension 10000 + i)."""
    tok = api(port, "POST", "/api/v1/auth/login", body={"username": "admin", "password": PASS})["token"]
    res = api(port, "POST", "/api/v1/resellers", tok, {"name": f"{label} Reseller"})["id"]
    co = api(port, "POST", "/api/v1/companies", tok,
             {"name": f"{label} Co", "reseller_id": res, "country": "US", "time_zone": "America/New_York",
              "first_language": "en", "max_users": users + 10, "max_lines": users + 10})
    creds = []
    elevated = Elevated(port, tok)
    for i in range(users):
        u = api(port, "POST", f"/api/v1/companies/{co['id']}/users", tok, {"name": f"User {i}"})
        line = api(port, "POST", f"/api/v1/companies/{co['id']}/lines", tok,
                   {"extension": str(10000 + i), "user_id": u["user"]["id"]})
        c = api(port, "GET", f"/api/v1/lines/{line['id']}/sip-credentials", elevated())
        creds.append((c["sip_username"], c["sip_password"], str(10000 + i)))
    return co["sip_domain"], creds


def write_csvs(work, creds):
    """reg.csv (each line registers itself) and calls.csv (each line calls the next one)."""
    with open(os.path.join(work, "reg.csv"), "w") as f:
        f.write("SEQUENTIAL\n" + "".join(f"{u};[authentication username={u} password={p}]\n" for u, p, _ in creds))
    with open(os.path.join(work, "calls.csv"), "w") as f:
        f.write("SEQUENTIAL\n")
        for i, (u, p, _) in enumerate(creds):
            f.write(f"{u};{creds[(i + 1) % len(creds)][2]};[authentication username={u} password={p}]\n")


def serve(work, flags, sip_ip="127.0.0.1"):
    """`switchboard serve` (SWITCHBOARD_BIN, else the release build, built when missing) on a fresh
    data directory in `work` with `flags`, SIP on `sip_ip`; the process and its HTTP and SIP ports."""
    binary = os.environ.get("SWITCHBOARD_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "switchboard")
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "--bin", "switchboard"], cwd=ROOT, check=True)
    http_port, sip_port = free_port(), free_port()
    env = dict(os.environ, SWITCHBOARD_ADMIN_PASSWORD=PASS, SWITCHBOARD_LOG="warn")
    log = open(os.path.join(work, "server.log"), "wb")
    srv = subprocess.Popen([binary, "serve", "--data-dir", os.path.join(work, "data"),
                            "--http-listen", f"127.0.0.1:{http_port}", "--sip-listen", f"{sip_ip}:{sip_port}",
                            "--rtp-ports", "30000-39999",
                            # The phones are on loopback, which is otherwise never sent media unasked.
                            "--media-trusted-networks", "127.0.0.0/8"] + flags,
                           stdout=log, stderr=subprocess.STDOUT, env=env)
    return srv, http_port, sip_port


def wait_healthy(port):
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("bench: the server did not become healthy")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def steal_ticks():
    """(steal, total) jiffies of the whole machine: the hypervisor's share, which moves every
    figure on a shared box."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[7], sum(v[:8])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


class CpuWindow:
    """The server's CPU (% of one core) from 3 s after a step starts to 1 s before its last
    call is started: the window the Kamailio anchor measures, so both figures are steady load."""

    def __init__(self, pid):
        import threading
        self.pct = 0.0
        self.steal = 0.0
        def sample():
            time.sleep(3)
            c0, t0, (s0, a0) = cpu_ticks(pid), time.monotonic(), steal_ticks()
            time.sleep(max(DUR - 4, 1))
            self.pct = (cpu_ticks(pid) - c0) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - t0) * 100
            s1, a1 = steal_ticks()
            self.steal = (s1 - s0) * 100 / max(a1 - a0, 1)
        self.thread = threading.Thread(target=sample)
        self.thread.start()

    def result(self):
        self.thread.join()
        return self.pct


def sipp_stats(d):
    """(successful, failed, retransmissions) from SIPp's -trace_stat file."""
    path = os.path.join(d, "stat.csv")
    if not os.path.exists(path):
        return 0, 0, 0
    rows = list(csv.reader(open(path), delimiter=";"))
    if len(rows) < 2:
        return 0, 0, 0
    head, last = rows[0], rows[-1]
    col = lambda name: int(last[head.index(name)]) if name in head else 0
    return col("SuccessfulCall(C)"), col("FailedCall(C)"), col("Retransmissions(C)")


def run_sipp(d, target, scen, port, rate, n, extra):
    os.makedirs(d, exist_ok=True)
    cmd = [SIPP, target, "-sf", scen, "-i", "127.0.0.1", "-p", str(port), "-r", str(rate), "-rp", "1000",
           "-m", str(n), "-nostdin", "-buff_size", BUFF, "-timeout", f"{DUR + 45}s",
           "-trace_stat", "-stf", "stat.csv", "-fd", "1"] + extra
    return subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    binary = os.environ.get("SWITCHBOARD_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--bin", "switchboard"], cwd=ROOT, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
        binary = os.path.join(target, "release", "switchboard")
    work = tempfile.mkdtemp(prefix="sb-sipbench-")
    http_port, sip_port, uas_port, uac_port = free_port(), free_port(), free_port(), free_port()
    env = dict(os.environ, SWITCHBOARD_ADMIN_PASSWORD=PASS)
    log = open(os.path.join(work, "server.log"), "wb")
    cmd = [binary, "serve", "--data-dir", os.path.join(work, "data"),
           "--http-listen", f"127.0.0.1:{http_port}", "--sip-listen", f"127.0.0.1:{sip_port}",
           "--sip-per-source", "0", "--rtp-ports", "30000-39999", "--media-trusted-networks", "127.0.0.0/8",
           # The load comes from one company and a few lines: the per-tenant caps would shed it.
           "--sip-max-calls", "0", "--sip-company-max-calls", "0", "--sip-line-max-calls", "0"]
    srv = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    lines = []
    try:
        wait_healthy(http_port)
        sys_token = api(http_port, "POST", "/api/v1/auth/login", body={"username": "admin", "password": PASS})["token"]
        reseller = api(http_port, "POST", "/api/v1/resellers", sys_token, {"name": "Bench Reseller"})["id"]
        co = api(http_port, "POST", "/api/v1/companies", sys_token,
                 {"name": "Bench Co", "reseller_id": reseller, "country": "US", "time_zone": "America/New_York", "first_language": "en",
                  "max_users": USERS + 10, "max_lines": USERS + 10})
        domain = co["sip_domain"]
        creds = []
        elevated = Elevated(http_port, sys_token)
        t0 = time.monotonic()
        for i in range(USERS):
            u = api(http_port, "POST", f"/api/v1/companies/{co['id']}/users", sys_token, {"name": f"User {i}"})
            ext = str(10000 + i)
            line = api(http_port, "POST", f"/api/v1/companies/{co['id']}/lines", sys_token,
                       {"extension": ext, "user_id": u["user"]["id"]})
            c = api(http_port, "GET", f"/api/v1/lines/{line['id']}/sip-credentials", elevated())
            creds.append((c["sip_username"], c["sip_password"], ext))
        provision_s = time.monotonic() - t0
        with open(os.path.join(work, "reg_users.csv"), "w") as f:
            f.write("SEQUENTIAL\n")
            for user, pw, _ in creds:
                f.write(f"{user};[authentication username={user} password={pw}]\n")
        with open(os.path.join(work, "calls.csv"), "w") as f:
            f.write("SEQUENTIAL\n")
            for i, (user, pw, _) in enumerate(creds):
                callee = creds[(i + 1) % len(creds)][2]
                f.write(f"{user};{callee};[authentication username={user} password={pw}]\n")
        target = f"127.0.0.1:{sip_port}"
        rss_idle = rss_kib(srv.pid)
        # Register everyone with the UAS as contact (setup, then measured steps at each rate): a
        # tenth first, then the rest, so that the memory per registration is a slope that leaves
        # out what any registration burst costs once (tables, allocator pools).
        tenth = max(USERS // 10, 1)
        reg_args = ["-inf", os.path.join(work, "reg_users.csv"), "-key", "domain", domain,
                    "-key", "contact_hostport", f"127.0.0.1:{uas_port}"]
        run_sipp(os.path.join(work, "prereg1"), target, os.path.join(ANCHOR, "sipp", "reg_auth.xml"), uac_port,
                 500, tenth, reg_args)
        time.sleep(6)
        rss_tenth = rss_kib(srv.pid)
        with open(os.path.join(work, "reg_rest.csv"), "w") as f:
            f.write("SEQUENTIAL\n")
            for user, pw, _ in creds[tenth:]:
                f.write(f"{user};[authentication username={user} password={pw}]\n")
        rest_args = list(reg_args)
        rest_args[1] = os.path.join(work, "reg_rest.csv")
        run_sipp(os.path.join(work, "prereg2"), target, os.path.join(ANCHOR, "sipp", "reg_auth.xml"), uac_port,
                 500, USERS - tenth, rest_args)
        # Let the transient tables (answered transactions 5 s, nonce counts) settle first.
        time.sleep(6)
        rss_reg = rss_kib(srv.pid)
        results = {"reg": [], "callauth": []}
        steal = []
        uas_dir = os.path.join(work, "uas")
        os.makedirs(uas_dir)
        uas = subprocess.Popen([SIPP, "-sf", os.path.join(ANCHOR, "sipp", "uas.xml"), "-i", "127.0.0.1",
                                "-p", str(uas_port), "-nostdin", "-buff_size", BUFF,
                                "-timeout", f"{len(RATES_CALL) * (DUR + 60) + 60}s"],
                               cwd=uas_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        # PERF_CALLS=file records the server's profile over the call steps (PERF_OPTS replaces
        # "-g", e.g. "--call-graph dwarf -F 300" for a release build without frame pointers).
        cprof = subprocess.Popen(["perf", "record", *PERF_OPTS, "-o", os.environ["PERF_CALLS"], "-p", str(srv.pid)],
                                 stderr=subprocess.DEVNULL) if os.environ.get("PERF_CALLS") else None
        try:
            for rate in RATES_CALL:
                d = os.path.join(work, f"callauth-r{rate}")
                window = CpuWindow(srv.pid)
                peak = [rss_kib(srv.pid)]
                proc = subprocess.Popen(
                    [SIPP, target, "-sf", os.path.join(ANCHOR, "sipp", "uac_auth.xml"), "-i", "127.0.0.1",
                     "-p", str(uac_port + 1), "-r", str(rate), "-rp", "1000", "-m", str(rate * DUR), "-nostdin",
                     "-buff_size", BUFF, "-timeout", f"{DUR + 45}s", "-d", str(HOLD_MS),
                     "-inf", os.path.join(work, "calls.csv"), "-key", "domain", domain,
                     "-trace_stat", "-stf", "stat.csv", "-fd", "1"],
                    cwd=(os.makedirs(d) or d), stdout=subprocess.DEVNULL,
                    stderr=open(os.path.join(d, "sipp.err"), "wb"))
                while proc.poll() is None:
                    peak.append(rss_kib(srv.pid))
                    time.sleep(0.5)
                cpu = window.result()
                steal.append(window.steal)
                ok, failed, retrans = sipp_stats(d)
                concurrent = rate * HOLD_MS / 1000
                per_call = (max(peak) - rss_reg) / concurrent if concurrent else 0
                results["callauth"].append((rate, ok, failed, retrans, cpu, max(peak), per_call))
                print(f"callauth {rate}/s: ok {ok} failed {failed} retrans {retrans} server cpu {cpu:.0f}% "
                      f"steal {window.steal:.0f}% "
                      f"peak rss {max(peak)} KiB", flush=True)
                time.sleep(HOLD_MS / 1000 + 2)
        finally:
            if cprof:
                cprof.send_signal(2)
                cprof.wait()
            uas.terminate()
            uas.wait()
        # Registration steps last, on a fresh process over the same data (registrations are
        # restored): an overloaded call step leaves retransmissions and calls behind.
        srv.terminate()
        srv.wait()
        srv = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        wait_healthy(http_port)
        # PERF=file records the server's profile over the registration steps (perf report -i file).
        prof = subprocess.Popen(["perf", "record", *PERF_OPTS, "-o", os.environ["PERF"], "-p", str(srv.pid)],
                                stderr=subprocess.DEVNULL) if os.environ.get("PERF") else None
        for rate in RATES_REG:
            d = os.path.join(work, f"reg-r{rate}")
            window = CpuWindow(srv.pid)
            run_sipp(d, target, os.path.join(ANCHOR, "sipp", "reg_auth.xml"), uac_port, rate, rate * DUR,
                     ["-inf", os.path.join(work, "reg_users.csv"), "-key", "domain", domain,
                      "-key", "contact_hostport", f"127.0.0.1:{uas_port}"])
            cpu = window.result()
            steal.append(window.steal)
            ok, failed, retrans = sipp_stats(d)
            results["reg"].append((rate, ok, failed, retrans, cpu))
            print(f"reg {rate}/s: ok {ok} failed {failed} retrans {retrans} server cpu {cpu:.0f}% "
                  f"steal {window.steal:.0f}%", flush=True)
        if prof:
            prof.send_signal(2)
            prof.wait()
    finally:
        srv.terminate()
        srv.wait()
    kam = {}
    kam_rows = []
    if not os.environ.get("SKIP_KAMAILIO") and shutil.which("kamailio"):
        out = os.path.join(work, "kamailio")
        env = dict(os.environ, SIPP=SIPP, DUR=str(DUR), USERS=str(USERS), HOLD_MS=str(HOLD_MS), OUT=out,
                   RATES_REG=" ".join(map(str, RATES_REG)), RATES_CALLAUTH=" ".join(map(str, RATES_CALL)),
                   QUIET_MAX="20")
        subprocess.run(["bash", os.path.join(ANCHOR, "run.sh"), "reg", "callauth"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tsv = os.path.join(out, "results.tsv")
        if os.path.exists(tsv):
            for row in csv.DictReader(open(tsv), delimiter="\t"):
                # A step counts as passed only when every call succeeded *and* SIPp sent at the
                # rate asked (else "100 %" may hide a step that ran at a third of it).
                rate = int(row["rate"])
                ok_pct = float(row["ok_pct"] or 0)
                achieved = float(row["achieved_cps"] or 0)
                kam.setdefault(row["test"], []).append(
                    (rate, ok_pct if achieved >= 0.95 * rate else min(ok_pct, 99.99), row["kam_cpu_pct"]))
                kam_rows.append(row)
    best = lambda rows: max([r[0] for r in rows if r[1] > 0 and r[2] == 0] or [0])
    kbest = lambda t: max([r for r, pct, _ in kam.get(t, []) if pct >= 100.0] or [0])
    report = [
        "# SIP benchmark (bench/sip/run.sh)", "",
        f"{time.strftime('%Y-%m-%d %H:%M')} UTC; {os.cpu_count()} cores; SIPp and both servers on the same cores; "
        f"{USERS} lines; {DUR} s per step; hold {HOLD_MS} ms; SQLite; hypervisor steal during "
        f"Switchboard's steps {min(steal or [0]):.0f}-{max(steal or [0]):.0f} % of the machine.", "",
        "| test | rate /s | ok | failed | retransmissions | server CPU % (steady load) |", "|---|---|---|---|---|---|",
    ]
    for rate, ok, failed, retrans, cpu in results["reg"]:
        report.append(f"| reg | {rate} | {ok} | {failed} | {retrans} | {cpu:.0f} |")
    for rate, ok, failed, retrans, cpu, _, _ in results["callauth"]:
        report.append(f"| callauth | {rate} | {ok} | {failed} | {retrans} | {cpu:.0f} |")
    sb_reg, sb_call = best(results["reg"]), best(results["callauth"])
    k_reg, k_call = kbest("reg"), kbest("callauth")
    ratio = lambda a, b: f"{a / b:.2f}x" if b else "n/a"
    kshow = lambda t, best_rate: f"{best_rate}/s" if best_rate else ("no step passed" if kam.get(t) else "not run")
    # With SIPp as the ceiling both servers may pass the same steps: then the CPU each needs
    # per request at the highest step both pass says which does more with a core.
    def cpu_at(test, rows_sb):
        both = [r[0] for r in rows_sb if r[2] == 0 and r[1] > 0
                and any(k == r[0] and pct >= 100.0 for k, pct, _ in kam.get(test, []))]
        if not both:
            return None
        rate = max(both)
        sb_cpu = next(r[4] for r in rows_sb if r[0] == rate)
        k_cpu = next(c for k, _, c in kam[test] if k == rate)
        try:
            k_cpu = float(k_cpu)
        except (TypeError, ValueError):
            return None
        return rate, sb_cpu, k_cpu
    per_call = [r[6] for r in results["callauth"] if r[2] == 0 and r[6] > 0]
    if kam_rows:
        report += ["", "Kamailio in the same run (the anchor's own measurement):", "",
                   "| test | rate /s | ok % | achieved /s | p99 ms | Kamailio CPU % |", "|---|---|---|---|---|---|"]
        report += [f"| {r['test']} | {r['rate']} | {r['ok_pct']} | {r['achieved_cps']} | {r['p99_ms']} | {r['kam_cpu_pct']} |"
                   for r in kam_rows]
    report += [
        "", "| highest rate at 100 % success (at the rate asked) | Switchboard | Kamailio (same run) | ratio |", "|---|---|---|---|",
        f"| REGISTER with digest | {sb_reg}/s | {kshow('reg', k_reg)} | {ratio(sb_reg, k_reg)} |",
        f"| authenticated call set-ups (B2BUA vs proxy) | {sb_call}/s | {kshow('callauth', k_call)} | {ratio(sb_call, k_call)} |",
        "",
    ]
    for test, name in (("reg", "REGISTER with digest"), ("callauth", "authenticated call set-ups")):
        at = cpu_at(test, results[test])
        if at:
            rate, sb_cpu, k_cpu = at
            report.append(
                f"- {name} at {rate}/s (highest step both pass): Switchboard {sb_cpu:.0f} % of a core, "
                f"Kamailio {k_cpu:.0f} %: {sb_cpu * 10 / rate:.3f} vs {k_cpu * 10 / rate:.3f} ms of CPU per "
                f"request, Kamailio needs {k_cpu / sb_cpu if sb_cpu else 0:.2f}x the CPU.")
    report += [
        "",
        f"Memory: RSS {rss_idle} KiB idle, {rss_tenth} KiB with {tenth} registrations, {rss_reg} KiB with {USERS}: "
        f"{(rss_reg - rss_tenth) * 1024 / max(USERS - tenth, 1):.0f} bytes per registration (slope); "
        f"per active call (peak RSS over the registered baseline / concurrent calls): "
        f"{(min(per_call) if per_call else 0):.1f} KiB at best, {(max(per_call) if per_call else 0):.1f} KiB at worst.",
        f"Provisioning {USERS} users and lines through the API took {provision_s:.1f} s.",
    ]
    text = "\n".join(report) + "\n"
    open(os.path.join(HERE, "results-latest.md"), "w").write(text)
    print(text)
    if not os.environ.get("KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work)


if __name__ == "__main__":
    main()
