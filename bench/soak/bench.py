#!/usr/bin/env python3
"""Soak: USERS registered phones and CONCURRENT calls with audio both ways for DUR seconds.

One company with USERS lines is provisioned through the REST API and every line registered to a
SIPp UAS; SIPp then places authenticated calls between the lines, each held HOLD seconds with
G.711 audio streamed both ways (SIPp's rtp_stream), at the rate that keeps CONCURRENT calls up.
Every 10 s the server's resident memory, open file descriptors and threads are sampled; reported
are the failed calls and each figure's slope per hour over the second half of the run (the first
half includes the ramp-up).
Usage: bench/soak/run.sh  (env: SWITCHBOARD_BIN, USERS=1000, CONCURRENT=200, HOLD=20, DUR=600)
"""
import importlib.util, math, os, struct, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("sipbench", os.path.join(ROOT, "bench", "sip", "bench.py"))
sb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sb)

USERS = int(os.environ.get("USERS", "1000"))
CONCURRENT = int(os.environ.get("CONCURRENT", "200"))
HOLD = int(os.environ.get("HOLD", "20"))
DUR = int(os.environ.get("DUR", "600"))


def ulaw_tone(path, seconds=4, freq=440.0):
    """A µ-law WAV file (what SIPp's rtp_stream sends for PCMU)."""
    def ulaw(x):
        s = max(-32635, min(32635, int(x)))
        sign = 0x80 if s < 0 else 0
        s = abs(s) + 0x84
        exp = 7
        for e in range(7, -1, -1):
            if s & (0x4000 >> (7 - e)):
                exp = e
                break
        mant = (s >> (exp + 3)) & 0x0F
        return ~(sign | (exp << 4) | mant) & 0xFF
    data = bytes(ulaw(8000 * math.sin(2 * math.pi * freq * i / 8000)) for i in range(8000 * seconds))
    fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)


def with_audio(xml, wav, after):
    """A scenario that streams `wav` in a loop once `after` (the ACK) has gone by."""
    stream = f'\n  <nop>\n    <action>\n      <exec rtp_stream="{wav},-1,0"/>\n    </action>\n  </nop>\n'
    i = xml.index(after)
    j = xml.index("\n", xml.index("/>", i) if after.startswith("<recv") else xml.index("</send>", i))
    return xml[:j + 1] + stream + xml[j + 1:]


def sample(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    status = open(f"/proc/{pid}/status").read()
    threads = int(status.split("Threads:")[1].split()[0])
    return sb.rss_kib(pid), fds, threads


def slope_per_hour(points):
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points) or 1
    return sum((t - mt) * (v - mv) for t, v in points) / den * 3600


def main():
    work = tempfile.mkdtemp(prefix="sb-soak-")
    wav = os.path.join(work, "tone.wav")
    ulaw_tone(wav)
    srv, http_port, sip_port = sb.serve(work, ["--sip-per-source", "0", "--sip-company-max-calls", "0", "--sip-line-max-calls", "0"])
    uas_port, uac_port = sb.free_port(), sb.free_port()
    try:
        sb.wait_healthy(http_port)
        domain, creds = sb.provision(http_port, USERS, "Soak")
        sb.write_csvs(work, creds)
        target = f"127.0.0.1:{sip_port}"
        sb.run_sipp(os.path.join(work, "reg"), target, os.path.join(sb.ANCHOR, "sipp", "reg_auth.xml"), uac_port,
                    200, USERS, ["-inf", os.path.join(work, "reg.csv"), "-key", "domain", domain,
                                 "-key", "contact_hostport", f"127.0.0.1:{uas_port}"])
        uac_xml = with_audio(open(os.path.join(sb.ANCHOR, "sipp", "uac_auth.xml")).read(), wav, "ACK [next_url]")
        uas_xml = with_audio(open(os.path.join(sb.ANCHOR, "sipp", "uas.xml")).read(), wav, '<recv request="ACK"')
        for name, xml in (("uac.xml", uac_xml), ("uas.xml", uas_xml)):
            open(os.path.join(work, name), "w").write(xml)
        uas = subprocess.Popen([sb.SIPP, "-sf", os.path.join(work, "uas.xml"), "-i", "127.0.0.1",
                                "-p", str(uas_port), "-nostdin", "-timeout", f"{DUR + 120}s", "-mp", "40000"],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        rate = max(CONCURRENT / HOLD, 0.1)
        calls_dir = os.path.join(work, "calls")
        os.makedirs(calls_dir)
        uac = subprocess.Popen([sb.SIPP, target, "-sf", os.path.join(work, "uac.xml"), "-i", "127.0.0.1",
                                "-p", str(uac_port + 1), "-r", str(CONCURRENT), "-rp", str(HOLD * 1000),
                                "-m", str(int(rate * DUR)),
                                "-l", str(CONCURRENT + 20), "-nostdin", "-timeout", f"{DUR + HOLD + 60}s",
                                "-d", str(HOLD * 1000), "-mp", "50000",
                                "-inf", os.path.join(work, "calls.csv"), "-key", "domain", domain,
                                "-trace_stat", "-stf", "stat.csv", "-fd", "10"],
                               cwd=calls_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples, t0 = [], time.monotonic()
        while uac.poll() is None:
            samples.append((time.monotonic() - t0, *sample(srv.pid)))
            time.sleep(10)
        ok, failed, retrans = sb.sipp_stats(calls_dir)
        uas.kill()
        late = [s for s in samples if s[0] >= DUR / 2]
        print(f"calls: {ok} completed, {failed} failed, {retrans} retransmissions "
              f"({rate:.1f}/s held {HOLD} s: about {CONCURRENT} at once, audio both ways)")
        for k, name, unit in ((1, "RSS", "KiB"), (2, "open files", ""), (3, "threads", "")):
            vals = [s[k] for s in samples]
            print(f"{name}: min {min(vals)} max {max(vals)} {unit}; slope over the second half "
                  f"{slope_per_hour([(s[0], s[k]) for s in late]):+.1f} {unit}/hour")
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()
