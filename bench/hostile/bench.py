#!/usr/bin/env python3
"""Hostile load: real calls go on while Switchboard is attacked the way a public SIP port is.

One company with USERS lines is provisioned through the REST API, its lines registered to a SIPp
UAS; then for DUR seconds, at once:
  - real calls: SIPp places authenticated calls between the lines at CALL_RATE a second;
  - a flood of INVITEs with spoofed sources (raw socket, root): FLOOD_PPS a second, each from a
    random address in 127/8 (so the answers stay on loopback), random Call-IDs, for the company's
    numbers and extensions, as a carrier or a stranger would send them;
  - with NETNS=1 (the default), a second flood with real routing: SIPp in a network namespace,
    NS_SOURCES instances each from its own address, NS_FLOOD_RATE INVITEs a second in all
    (netns.py); Switchboard then listens on every address, and what crosses the veth is counted;
  - sipvicious: svmap (discovery), svwar (username enumeration) and svcrack
    (password guessing on one line, with the right password last in a 300-word list), with
    their own User-Agents; svwar's list holds every real username (the worst case).
Reported: calls completed and failed, whether svwar found extensions and svcrack the password,
the server's CPU and resident memory.
Usage: bench/hostile/run.sh  (env: SWITCHBOARD_BIN, USERS, DUR, CALL_RATE, FLOOD_PPS, NETNS,
NS_SOURCES, NS_FLOOD_RATE)
"""
import importlib.util, os, random, socket, struct, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("sipbench", os.path.join(ROOT, "bench", "sip", "bench.py"))
sb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sb)

USERS = int(os.environ.get("USERS", "20"))
DUR = int(os.environ.get("DUR", "60"))
CALL_RATE = int(os.environ.get("CALL_RATE", "10"))
FLOOD_PPS = int(os.environ.get("FLOOD_PPS", "3000"))
NETNS = os.environ.get("NETNS", "1") == "1"
NS_SOURCES = int(os.environ.get("NS_SOURCES", "8"))
NS_FLOOD_RATE = int(os.environ.get("NS_FLOOD_RATE", "2000"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
# Where Switchboard listens: on the host's end of the veth when the namespace floods (the
# namespace cannot reach the host's loopback), so the real calls and tools go there too.
SIP_IP = netns.HOST_IP if NETNS else "127.0.0.1"


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def spoofed(src, dst, sport, dport, payload):
    """An IPv4 packet with a UDP datagram, from whatever source we like."""
    udp_len = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, random.randrange(65536), 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def flood(sip_port, targets, stop, sent):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    period = 1.0 / FLOOD_PPS
    nxt = time.monotonic()
    while not stop.is_set():
        src = f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        to = random.choice(targets)
        cid = f"{random.getrandbits(64):x}"
        msg = (f"INVITE sip:{to}@{SIP_IP}:{sip_port} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP {src}:9;branch=z9hG4bK{cid}\r\nMax-Forwards: 70\r\n"
               f"From: \"Bank\" <sip:+15550001111@{src}>;tag={cid}\r\nTo: <sip:{to}@{SIP_IP}>\r\n"
               f"Call-ID: {cid}@{src}\r\nCSeq: 1 INVITE\r\nContact: <sip:x@{src}:5060>\r\n"
               "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n").encode()
        try:
            # From port 9 (discard): answers to the spoofed sources reach no local listener.
            raw.sendto(spoofed(src, SIP_IP, 9, sip_port, msg), (SIP_IP, 0))
            sent[0] += 1
        except OSError:
            pass
        nxt += period
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)


def sipvicious(tool, args):
    exe = os.path.join(os.path.expanduser("~/.local/bin"), tool)
    exe = exe if os.path.exists(exe) else tool
    try:
        r = subprocess.run([exe] + args, capture_output=True, text=True, timeout=DUR + 120)
        return r.stdout + r.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{tool}: {e}"


def main():
    work = tempfile.mkdtemp(prefix="sb-hostile-")
    if NETNS:
        netns.up()
    srv, http_port, sip_port = sb.serve(work, [], SIP_IP)
    uas_port, uac_port = sb.free_port(), sb.free_port()
    try:
        sb.wait_healthy(http_port)
        domain, creds = sb.provision(http_port, USERS, "Hostile")
        sb.write_csvs(work, creds)
        target = f"{SIP_IP}:{sip_port}"
        sb.run_sipp(os.path.join(work, "reg"), target, os.path.join(sb.ANCHOR, "sipp", "reg_auth.xml"), uac_port,
                    100, USERS, ["-inf", os.path.join(work, "reg.csv"), "-key", "domain", domain,
                                 "-key", "contact_hostport", f"{SIP_IP}:{uas_port}", "-i", SIP_IP])
        uas = subprocess.Popen([sb.SIPP, "-sf", os.path.join(sb.ANCHOR, "sipp", "uas.xml"), "-i", SIP_IP,
                                "-p", str(uas_port), "-nostdin", "-timeout", f"{DUR + 120}s"],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        window = sb.CpuWindow(srv.pid)
        rss0 = sb.rss_kib(srv.pid)
        stop, sent = threading.Event(), [0]
        targets = [c[2] for c in creds] + ["+15550000001", "15550000001", "911", "*97"]
        flooder = threading.Thread(target=flood, args=(sip_port, targets, stop, sent))
        flooder.start()
        ns_before = netns.counters() if NETNS else (0, 0)
        ns_flood = netns.flood(sb.SIPP, work, sip_port, targets, NS_SOURCES, NS_FLOOD_RATE, DUR) if NETNS else []
        names = os.path.join(work, "names.txt")
        with open(names, "w") as f:
            # The worst case: the attacker's list holds every real username and extension.
            f.write("".join(f"{c[0]}\n{c[2]}\n" for c in creds) + "admin\n100\n200\n")
        dictionary = os.path.join(work, "words.txt")
        victim = creds[0]
        with open(dictionary, "w") as f:
            f.write("".join(f"guess{i}\n" for i in range(299)) + victim[1] + "\n")
        outs = {}
        def attack(name, tool, args):
            outs[name] = sipvicious(tool, args)
        attackers = [
            threading.Thread(target=attack, args=("svmap", "sipvicious_svmap",
                             ["-P", str(sb.free_port()), "-p", str(sip_port), SIP_IP])),
            threading.Thread(target=attack, args=("svwar", "sipvicious_svwar",
                             ["-d", names, "--domain", domain, "-P", str(sb.free_port()),
                              f"udp://{SIP_IP}:{sip_port}"])),
            threading.Thread(target=attack, args=("svcrack", "sipvicious_svcrack",
                             ["-u", victim[0], "-d", dictionary, "--domain", domain, "-P", str(sb.free_port()),
                              f"udp://{SIP_IP}:{sip_port}"])),
        ]
        for a in attackers:
            a.start()
        calls_dir = os.path.join(work, "calls")
        sb.run_sipp(calls_dir, target, os.path.join(sb.ANCHOR, "sipp", "uac_auth.xml"), uac_port + 1,
                    CALL_RATE, CALL_RATE * DUR, ["-inf", os.path.join(work, "calls.csv"), "-key", "domain", domain,
                                                 "-d", "1000", "-i", SIP_IP])
        stop.set()
        flooder.join()
        for p in ns_flood:
            p.wait()
        ns_after = netns.counters() if NETNS else (0, 0)
        for a in attackers:
            a.join()
        ok, failed, retrans = sb.sipp_stats(calls_dir)
        cpu = window.result()
        rss1 = sb.rss_kib(srv.pid)
        uas.kill()
        cracked = victim[1] in outs.get("svcrack", "")
        found = [c[0] for c in creds if c[0] in outs.get("svwar", "")]
        seen = f"{SIP_IP}:{sip_port}" in outs.get("svmap", "")
        print(f"real calls: {ok} completed, {failed} failed, {retrans} retransmissions (asked {CALL_RATE * DUR})")
        print(f"spoofed INVITEs sent: {sent[0]} in {DUR} s ({sent[0] // max(DUR, 1)}/s)")
        print(f"svmap saw the server: {seen}; svwar found extensions: {found or 'none'}; svcrack cracked: {cracked}")
        if NETNS:
            ns_in, ns_out = ns_after[0] - ns_before[0], ns_after[1] - ns_before[1]
            ns_calls = sum(sb.sipp_stats(os.path.join(work, f"nsflood{i}"))[0] for i in range(NS_SOURCES))
            print(f"namespace flood: {ns_calls} INVITEs from {NS_SOURCES} sources by SIPp, {ns_in} packets in "
                  f"({ns_in // max(DUR, 1)}/s); {ns_out} packets back to it (answers, retransmissions, ARP)")
        print(f"server CPU over the run: {cpu:.1f} % of one core; RSS {rss0} -> {rss1} KiB")
        for name, out in outs.items():
            with open(os.path.join(work, f"{name}.txt"), "w") as f:
                f.write(out)
        print(f"attack tools' output: {work}/sv*.txt")
    finally:
        srv.terminate()
        srv.wait()
        if NETNS:
            netns.down()


if __name__ == "__main__":
    main()
