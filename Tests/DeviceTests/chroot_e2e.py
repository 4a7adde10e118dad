#!/usr/bin/env python3
"""The static edge host in an otherwise empty root, posting over HTTPS.

Usage: chroot_e2e.py EDGE_HOST_BINARY WORK_DIR   (as root: chroot and mount)

WORK_DIR/root gets only what a device has: the binary, /proc, a /dev with null,
zero, random and urandom, /etc/hosts, and the CA bundle given by
--gateway-ca-file. A CA made here signs the receiver's certificate; another
CA, unrelated, stands for a wrong one. Checks, each one line, then
"N passed, M failed":
  - in the chroot, a real MQTT subscriber sees telemetry; a message published
    by mosquitto_pub reaches the HTTPS receiver; SIGTERM exits 0 within 5 s;
  - a host name in the endpoint resolves through the root's /etc/hosts
    (c-ares: no glibc NSS module is needed or present);
  - with the wrong CA the POST is refused, logged, and nothing is received.
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Support"))
from testlib import (HOST, EdgeHost, Receiver, check, finish, flagship_command, free_port,  # noqa: E402
                     mosquitto_pub, mosquitto_sub, wait_for)

# A name only the root's /etc/hosts knows ("localhost" would not do: libcurl answers it itself).
NAME = "gateway.wasmc.test"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_certificates(directory):
    """A CA, a server certificate it signs for 127.0.0.1 and NAME, and an unrelated CA."""
    os.makedirs(directory, exist_ok=True)
    path = lambda name: os.path.join(directory, name)
    for ca in ("ca", "wrong-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", path(f"{ca}.key"), "-out", path(f"{ca}.pem"), "-days", "2",
                "-subj", f"/CN=wasmc test {ca}")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=gateway.wasmc.test")
    with open(path("server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:gateway.wasmc.test\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"))
    return path


class Root:
    """WORK_DIR/root: the binary, /proc, a minimal /dev, /etc/hosts and the CA bundles."""

    def __init__(self, work, binary, bundles):
        self.path = os.path.join(work, "root")
        self.unmount()
        shutil.rmtree(self.path, ignore_errors=True)
        for directory in ("proc", "dev", "etc/ssl"):
            os.makedirs(os.path.join(self.path, directory))
        shutil.copy2(binary, os.path.join(self.path, "edge-host"))
        for name, source in bundles.items():
            shutil.copy2(source, os.path.join(self.path, "etc/ssl", name))
        with open(os.path.join(self.path, "etc/hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n127.0.0.1 gateway.wasmc.test\n")
        for name, minor in (("null", 3), ("zero", 5), ("random", 8), ("urandom", 9)):
            node = os.path.join(self.path, "dev", name)
            os.mknod(node, 0o666 | 0o020000, os.makedev(1, minor))
            os.chmod(node, 0o666)
        subprocess.run(["mount", "-t", "proc", "proc", os.path.join(self.path, "proc")], check=True)

    def files(self):
        """Every path in the root but /proc's contents, for the record."""
        found = []
        for directory, subdirectories, names in os.walk(self.path):
            if directory == self.path:
                subdirectories.remove("proc")
            found += [os.path.relpath(os.path.join(directory, n), self.path) for n in names]
        return sorted(found)

    def unmount(self):
        proc = os.path.join(self.path, "proc")
        if os.path.ismount(proc):
            subprocess.run(["umount", "-l", proc], check=False)


def chrooted_host(root, log_path, mqtt_port, endpoint, allowed, ca_file, listen_host=HOST):
    """The binary run with chroot, as the only program in the root."""
    command = [CHROOT, root.path] + flagship_command(
        "/edge-host", mqtt_port, endpoint, allowed,
        ["telemetry.interval_ms=200", "gateway.topic_filter=device/#", "gateway.max_attempts=2",
         "gateway.retry_initial_ms=200"], ["--gateway-ca-file", ca_file])
    if listen_host != HOST:
        command[command.index(f"{HOST}:{mqtt_port}")] = f"{listen_host}:{mqtt_port}"
    open(log_path, "w").close()
    return EdgeHost(command, mqtt_port, log_path, env={"PATH": "/"}, timeout=15)


def publish(port, topic, message):
    mosquitto_pub(port, topic, message, qos=1)


def main():
    binary, work = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    certificates = make_certificates(os.path.join(work, "certificates"))
    receiver = Receiver(certificate=certificates("server.pem"), key=certificates("server.key"))
    root = Root(work, binary, {"wasmc-ca.pem": certificates("ca.pem"), "wrong-ca.pem": certificates("wrong-ca.pem")})
    print("root: " + " ".join(root.files()) + " proc/")
    try:
        # 1. The flagship checks, over HTTPS, in the empty root.
        port = free_port()
        host = chrooted_host(root, os.path.join(work, "host-https.log"), port, receiver.url, receiver.allowed,
                             "/etc/ssl/wasmc-ca.pem")
        try:
            check("the static edge host starts in the empty root", host.started, host.text()[-600:])
            sub = mosquitto_sub(port, "telemetry/#", 3, 10)
            lines = sub.stdout.strip().splitlines()
            check("mosquitto_sub receives telemetry from the chrooted host",
                  len(lines) == 3 and all(l.startswith("{") for l in lines), sub.stdout + sub.stderr)
            for i in range(3):
                publish(port, "device/https", f"over-tls-{i}")
            wait_for(lambda: len(receiver.payloads("device/https")) >= 3, 10)
            got = receiver.payloads("device/https")
            check("published messages reach the HTTPS receiver, verified against --gateway-ca-file",
                  got == [f"over-tls-{i}" for i in range(3)], f"got {got}; log: {host.text()[-600:]}")
        finally:
            code, seconds = host.stop()
        log = host.text()
        check("SIGTERM exits cleanly within 5 s", code == 0 and seconds < 5, f"exit {code} after {seconds:.1f} s")
        check("no TLS or resolver error was logged", "refused" not in log and "failed" not in log, log[-600:])

        # 2. A host name, resolved from the root's /etc/hosts without NSS.
        port = free_port()
        host = chrooted_host(root, os.path.join(work, "host-localhost.log"), port,
                             f"https://{NAME}:{receiver.port}/events", f"{NAME}:{receiver.port}",
                             "/etc/ssl/wasmc-ca.pem", listen_host="localhost")
        try:
            check("--server-socket-address localhost:PORT listens without NSS", host.started, host.text()[-600:])
            publish(port, "device/named", "by-name")
            wait_for(lambda: receiver.payloads("device/named"), 10)
            check(f"https://{NAME} resolves from /etc/hosts in the root (c-ares, no NSS)",
                  receiver.payloads("device/named") == ["by-name"], host.text()[-600:])
        finally:
            host.stop()

        # 3. The wrong CA: refused, logged, nothing delivered.
        port = free_port()
        host = chrooted_host(root, os.path.join(work, "host-wrong-ca.log"), port, receiver.url, receiver.allowed,
                             "/etc/ssl/wrong-ca.pem")
        try:
            publish(port, "device/wrong-ca", "must-not-arrive")
            refused = wait_for(lambda: "refused: TLS" in host.text(), 10)
            time.sleep(0.5)
            log = host.text()
            check("a certificate from another CA is refused and logged",
                  refused and not receiver.payloads("device/wrong-ca"), log[-600:])
            refusal = [line for line in log.splitlines() if "refused: TLS" in line]
            if refusal:
                print(f"logged: {refusal[0]}")
        finally:
            code, _ = host.stop()
        check("the host still stops cleanly after refusals", code == 0, f"exit {code}")
    finally:
        root.unmount()
        receiver.close()
    sys.exit(finish())


if __name__ == "__main__":
    main()
