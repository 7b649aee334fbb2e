"""The spoofed-source INVITE flood from a network namespace, with real routing.

A namespace `sbflood` is joined to the host by a veth pair (198.18.0.1 on the host's end,
198.18.0.2 on the namespace's, in the benchmarking range 198.18.0.0/15 of RFC 2544, so nothing
leaves the machine). The namespace owns the whole 198.18.128.0/17 ("AnyIP": a local route, so any
address in it can be bound and is answered by ARP), and SOURCES SIPp instances inside it flood
INVITEs, each from its own address in that range, as a carrier or a stranger would send them: for
the company's extensions and numbers, 911 and *97, with an SDP naming the sender. What crosses
the veth is counted on the host's end: packets in (the flood) and out (every answer Switchboard
sent to it, retransmissions included).
"""
import os, subprocess

NS, HOST_IF, NS_IF = "sbflood", "sbf0", "sbf1"
HOST_IP, NS_IP, SPOOF_NET = "198.18.0.1", "198.18.0.2", "198.18.128.0/17"
HERE = os.path.dirname(os.path.abspath(__file__))


def sh(*cmd, check=True):
    return subprocess.run(list(cmd), check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def down():
    """Removes the namespace (and with it the veth pair); nothing when it is not there."""
    sh("ip", "netns", "del", NS, check=False)
    sh("ip", "link", "del", HOST_IF, check=False)


def up():
    down()
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF, "netns", NS)
    sh("ip", "addr", "add", f"{HOST_IP}/15", "dev", HOST_IF)
    sh("ip", "link", "set", HOST_IF, "up")
    sh("ip", "-n", NS, "addr", "add", f"{NS_IP}/15", "dev", NS_IF)
    sh("ip", "-n", NS, "link", "set", NS_IF, "up")
    sh("ip", "-n", NS, "link", "set", "lo", "up")
    sh("ip", "-n", NS, "route", "add", "local", SPOOF_NET, "dev", "lo")


def counters():
    """(packets into the host from the namespace, packets from the host to it)."""
    read = lambda n: int(open(f"/sys/class/net/{HOST_IF}/statistics/{n}").read())
    return read("rx_packets"), read("tx_packets")


def source(i):
    return f"198.18.{128 + i // 250}.{1 + i % 250}"


def flood(sipp, work, sip_port, targets, sources, rate, dur):
    """Starts `sources` SIPp instances in the namespace, `rate` INVITEs a second in all."""
    procs = []
    each = max(rate // sources, 1)
    for i in range(sources):
        d = os.path.join(work, f"nsflood{i}")
        os.makedirs(d, exist_ok=True)
        cmd = ["ip", "netns", "exec", NS, sipp, f"{HOST_IP}:{sip_port}", "-sf",
               os.path.join(HERE, "flood.xml"), "-i", source(i), "-p", "5060",
               "-s", targets[i % len(targets)], "-r", str(each), "-rp", "1000",
               "-m", str(each * dur), "-nostdin", "-timeout", f"{dur + 20}s",
               "-buff_size", "4194304", "-trace_stat", "-stf", "stat.csv", "-fd", "1"]
        procs.append(subprocess.Popen(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs
