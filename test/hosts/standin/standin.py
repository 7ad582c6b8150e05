#!/usr/bin/python3
"""Stand-in daemon for the test RPMs (kube-*, kubelet, flanneld, dockerd-current, chronyd, firewalld).

One file, installed under each daemon's real path; the behaviour is chosen by the name it runs as.
Every stand-in records its argv and environment as JSON in /var/lib/hostwright-standin/<name>.json,
tells systemd READY=1 when NOTIFY_SOCKET is set (Type=notify units) and stays up until SIGTERM.
  kube-apiserver   answers GET /healthz -> ok (and /version) on --insecure-bind-address/--port
  flanneld         leases a /24 from etcd's v2 API under -etcd-prefix, writes /run/flannel/subnet.env
  dockerd-current  creates docker0 with the --bip address (keeps an existing docker0 as real docker does)
  chronyd          forks into the background and writes /var/run/chronyd.pid unless -d is given
"""
import ipaddress
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = os.path.basename(sys.argv[0])
RECORD_DIR = "/var/lib/hostwright-standin"


def log(msg):
    print(f"{NAME}: {msg}", file=sys.stderr, flush=True)


def flag(name, default=None):
    """Value of -name=v, --name=v, -name v or --name v (Go flag syntax, last one wins)."""
    value = default
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        for prefix in (f"-{name}", f"--{name}"):
            if arg == prefix and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith(prefix + "="):
                value = arg[len(prefix) + 1:]
    return value


def record():
    os.makedirs(RECORD_DIR, exist_ok=True)
    data = {"name": NAME, "argv": sys.argv, "env": dict(os.environ), "pid": os.getpid(),
            "uid": os.getuid(), "cwd": os.getcwd(), "started": time.time()}
    tmp = f"{RECORD_DIR}/.{NAME}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, f"{RECORD_DIR}/{NAME}.json")


def notify_ready():
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):
        path = "\0" + path[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(path)
        s.sendall(f"READY=1\nMAINPID={os.getpid()}".encode())


def stay_up():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: None)
    while True:
        signal.pause()


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


# ---------------------------------------------------------------- kube-apiserver
def apiserver():
    host = flag("insecure-bind-address", "127.0.0.1")
    port = int(flag("insecure-port", flag("port", "8080")))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/healthz":
                body, ctype = b"ok", "text/plain"
            elif self.path == "/version":
                body = json.dumps({"major": "1", "minor": "5", "gitVersion": "v1.5.2",
                                   "platform": "linux/amd64"}).encode()
                ctype = "application/json"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    notify_ready()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


# ---------------------------------------------------------------- flanneld
def etcd_request(endpoints, method, key, data=None, query=""):
    """One v2 keys request, trying each endpoint; returns (status, json) or raises OSError."""
    last = None
    for ep in endpoints:
        url = f"{ep.rstrip('/')}/v2/keys{key}{query}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=3) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except (OSError, ValueError) as e:
            last = e
    raise OSError(f"no etcd endpoint answered ({', '.join(endpoints)}): {last}")


def public_ip():
    explicit = flag("public-ip")
    if explicit:
        return explicit
    iface = flag("iface")
    cmd = ["ip", "-4", "-o", "addr", "show", "scope", "global"] + (["dev", iface] if iface else [])
    for line in run(*cmd).stdout.splitlines():
        return line.split()[3].split("/")[0]
    return "127.0.0.1"


def flanneld():
    endpoints = flag("etcd-endpoints", "http://127.0.0.1:2379,http://127.0.0.1:4001").split(",")
    prefix = flag("etcd-prefix", "/coreos.com/network").rstrip("/")
    ip = public_ip()
    while True:  # real flanneld blocks until the config key exists
        try:
            status, body = etcd_request(endpoints, "GET", f"{prefix}/config")
            if status == 200:
                config = json.loads(body["node"]["value"])
                break
            log(f"Couldn't fetch network config: {body.get('message', status)} ({prefix}/config)")
        except (OSError, ValueError, KeyError) as e:
            log(f"Couldn't fetch network config: {e}")
        time.sleep(1)
    network = ipaddress.ip_network(config["Network"])
    subnet_len = int(config.get("SubnetLen", 24))
    backend = (config.get("Backend") or {}).get("Type", "udp")
    mtu = 1450 if backend == "vxlan" else 1472
    subnet = lease(endpoints, prefix, network, subnet_len, ip)
    gateway = next(subnet.hosts())
    os.makedirs("/run/flannel", exist_ok=True)
    with open("/run/flannel/subnet.env", "w") as f:
        f.write(f"FLANNEL_NETWORK={network}\nFLANNEL_SUBNET={gateway}/{subnet_len}\n"
                f"FLANNEL_MTU={mtu}\nFLANNEL_IPMASQ=false\n")
    device = "flannel.1" if backend == "vxlan" else "flannel0"
    # Best effort: a dummy device carrying the address, like the real overlay device would.
    if run("ip", "link", "show", device).returncode != 0:
        run("ip", "link", "add", device, "type", "dummy")
    run("ip", "link", "set", device, "mtu", str(mtu), "up")
    run("ip", "addr", "replace", f"{gateway}/{network.prefixlen}", "dev", device)
    log(f"Lease acquired: {subnet} (PublicIP {ip}, backend {backend})")
    notify_ready()
    stay_up()


def lease(endpoints, prefix, network, subnet_len, ip):
    """Reuse this host's existing lease, else create a free one with prevExist=false."""
    value = json.dumps({"PublicIP": ip})
    while True:
        try:
            status, body = etcd_request(endpoints, "GET", f"{prefix}/subnets")
            taken = set()
            for node in (body.get("node", {}).get("nodes", []) if status == 200 else []):
                key = node["key"].rsplit("/", 1)[1]
                taken.add(key)
                if json.loads(node.get("value", "{}")).get("PublicIP") == ip:
                    return ipaddress.ip_network(key.replace("-", "/"))
            candidates = [s for s in network.subnets(new_prefix=subnet_len)
                          if f"{s.network_address}-{subnet_len}" not in taken]
            # Like flannel, skip the first subnet (it would hold the network address itself).
            candidates = [s for s in candidates if s.network_address != network.network_address] or candidates
            if not candidates:
                raise OSError(f"no free /{subnet_len} left in {network}")
            subnet = random.choice(candidates[:256])
            key = f"{prefix}/subnets/{subnet.network_address}-{subnet_len}"
            status, body = etcd_request(endpoints, "PUT", key, {"value": value}, "?prevExist=false")
            if status in (200, 201):
                return subnet
            log(f"lease {key} not taken ({status} {body.get('message')}), retrying")
        except (OSError, ValueError, KeyError) as e:
            log(f"Failed to acquire lease: {e}")
            time.sleep(1)


# ---------------------------------------------------------------- dockerd-current
def dockerd():
    bip = flag("bip", "172.17.0.1/16")
    mtu = flag("mtu")
    if run("ip", "link", "show", "docker0").returncode != 0:
        created = run("ip", "link", "add", "docker0", "type", "bridge")
        if created.returncode != 0:
            log(f"cannot create docker0: {created.stderr.strip()}")
    # Real docker keeps the address an existing docker0 already has (pitfall P9).
    has_addr = "inet " in run("ip", "-4", "addr", "show", "docker0").stdout
    if not has_addr:
        run("ip", "addr", "add", bip, "dev", "docker0")
    if mtu:
        run("ip", "link", "set", "docker0", "mtu", mtu)
    run("ip", "link", "set", "docker0", "up")
    os.makedirs("/var/run", exist_ok=True)
    with open("/var/run/docker.pid", "w") as f:
        f.write(str(os.getpid()))
    notify_ready()
    stay_up()


# ---------------------------------------------------------------- chronyd
def chronyd():
    if "-d" not in sys.argv[1:]:
        if os.fork() > 0:
            os._exit(0)
        os.setsid()
        if os.fork() > 0:
            os._exit(0)
        with open("/var/run/chronyd.pid", "w") as f:
            f.write(str(os.getpid()))
        record()  # again: the pid changed
    stay_up()


def main():
    record()
    if NAME == "kube-apiserver":
        apiserver()
    elif NAME == "flanneld":
        flanneld()
    elif NAME == "dockerd-current":
        dockerd()
    elif NAME == "chronyd":
        chronyd()
    else:
        notify_ready()
        stay_up()


if __name__ == "__main__":
    main()
