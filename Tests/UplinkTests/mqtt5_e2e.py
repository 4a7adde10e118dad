#!/usr/bin/env python3
"""MQTT 5 in the broker module, end to end: the real edge host with paho-mqtt
(protocol v5) and mosquitto_pub/sub -V mqttv5, on 127.0.0.1.

Usage: mqtt5_e2e.py EDGE_HOST_BINARY
Prints one line per check and "N passed, M failed"; exits non-zero on failure.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Support"))
from testlib import HOST, EdgeHost, check, finish, flagship_command, free_port, wait_for  # noqa: E402


class Client:
    """A paho v5 client that records what it receives and what the broker answered."""

    def __init__(self, port, client_id="", clean_start=True, session_expiry=None, will=None, receive_max=None):
        self.messages = []
        self.connack = None
        self.subacks = []
        self.unsubacks = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        self.client.on_connect = self._connect
        self.client.on_message = self._message
        self.client.on_subscribe = lambda c, u, mid, codes, props: self.subacks.append([int(x.value) for x in codes])
        self.client.on_unsubscribe = lambda c, u, mid, codes, props: self.unsubacks.append(
            [int(x.value) for x in codes] if isinstance(codes, list) else [int(codes.value)])
        if will:
            self.client.will_set(*will)
        props = Properties(PacketTypes.CONNECT)
        if session_expiry is not None:
            props.SessionExpiryInterval = session_expiry
        if receive_max is not None:
            props.ReceiveMaximum = receive_max
        self.client.connect(HOST, port, keepalive=30, clean_start=clean_start, properties=props)
        self.client.loop_start()
        wait_for(lambda: self.connack is not None, 5)

    def _connect(self, client, userdata, flags, reason, properties):
        self.connack = (flags.session_present, int(reason.value), properties)

    def _message(self, client, userdata, message):
        with self.lock:
            props = getattr(message, "properties", None)
            self.messages.append((message.topic, message.payload.decode(errors="replace"), message.retain,
                                  dict(getattr(props, "UserProperty", []) or []),
                                  getattr(props, "ContentType", None)))

    def subscribe(self, topic, qos=1, **options):
        n = len(self.subacks)
        self.client.subscribe(topic, options=SubscribeOptions(qos=qos, **options))
        wait_for(lambda: len(self.subacks) > n, 5)
        return self.subacks[-1] if len(self.subacks) > n else None

    def publish(self, topic, payload, qos=1, retain=False, **properties):
        props = Properties(PacketTypes.PUBLISH)
        for key, value in properties.items():
            setattr(props, key, value)
        info = self.client.publish(topic, payload, qos, retain, properties=props if properties else None)
        if qos:
            info.wait_for_publish(5)
        return info

    def payloads(self, prefix=""):
        with self.lock:
            return [m[1] for m in self.messages if m[0].startswith(prefix)]

    def received(self, prefix=""):
        with self.lock:
            return [m for m in self.messages if m[0].startswith(prefix)]

    def close(self, clean=True):
        if clean:
            self.client.disconnect()
        self.client.loop_stop()


def main():
    binary = sys.argv[1]
    port = free_port()
    log_path = tempfile.mktemp(prefix="mqtt5-e2e-", suffix=".log")
    host = EdgeHost(flagship_command(binary, port, settings=["telemetry.interval_ms=3600000"]), port, log_path)
    try:
        run(port)
    finally:
        host.stop(timeout=10)
        status = finish()
        if status == 0:
            os.unlink(log_path)
        else:
            print(f"host log kept in {log_path}")
    sys.exit(status)


def run(port):
    # mosquitto's own clients at -V mqttv5: a user property and a content type go through.
    sub = subprocess.Popen(["mosquitto_sub", "-V", "mqttv5", "-h", HOST, "-p", str(port), "-t", "m/#", "-C", "1",
                            "-W", "5", "-F", "%t|%p|%P|%C"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    pub = subprocess.run(["mosquitto_pub", "-V", "mqttv5", "-h", HOST, "-p", str(port), "-t", "m/a", "-m", "hi",
                          "-q", "1", "-D", "publish", "user-property", "site", "north",
                          "-D", "publish", "content-type", "text/plain"], capture_output=True, text=True)
    out = sub.communicate(timeout=10)[0].strip()
    check("mosquitto_pub -V mqttv5 is accepted (CONNACK, PUBACK)", pub.returncode == 0, pub.stderr)
    check("mosquitto_sub -V mqttv5 gets the user property and content type", out == "m/a|hi|site:north|text/plain",
          out)
    # A 3.1.1 subscriber gets a v5 message, without properties.
    sub = subprocess.Popen(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", "m/#", "-C", "1", "-W", "5"],
                           stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    subprocess.run(["mosquitto_pub", "-V", "mqttv5", "-h", HOST, "-p", str(port), "-t", "m/b", "-m", "to311",
                    "-D", "publish", "user-property", "k", "v"])
    check("a 3.1.1 subscriber receives what a v5 client publishes", sub.communicate(timeout=10)[0].strip() == "to311")

    # paho v5: user properties and reason codes.
    a = Client(port, "paho-a")
    check("paho v5 connects (reason 0)", a.connack is not None and a.connack[1] == 0, a.connack)
    check("CONNACK says the topic alias maximum", a.connack and getattr(a.connack[2], "TopicAliasMaximum", 0) == 16)
    b = Client(port, "paho-b")
    check("SUBACK grants QoS 1", b.subscribe("p/#", 1) == [1])
    check("SUBACK reason 0x8F for an invalid filter (a shared one without a group)",
          b.subscribe("$share//x", 1) == [0x8F], b.subacks[-1:])
    a.publish("p/1", "with-props", UserProperty=[("unit", "C"), ("seq", "1")])
    check("user properties reach a paho v5 subscriber",
          wait_for(lambda: any(m[3] == {"unit": "C", "seq": "1"} for m in b.received("p/1")), 3), b.received("p/1"))
    b.client.unsubscribe(["p/#", "never/subscribed"])
    check("UNSUBACK reasons: 0 for a subscription, 0x11 for none",
          wait_for(lambda: b.unsubacks and b.unsubacks[-1] == [0, 0x11], 3), b.unsubacks)

    # Topic alias: set with the topic, then used alone.
    b.subscribe("alias/#", 1)
    a.publish("alias/x", "first", TopicAlias=3)
    a.publish("", "second", TopicAlias=3)
    check("topic alias: the second PUBLISH (empty topic) arrives on the aliased topic",
          wait_for(lambda: b.payloads("alias/x") == ["first", "second"], 3), b.received("alias/"))

    # No Local: a client does not get its own message on that subscription.
    a.subscribe("nl/t", 1, noLocal=True)
    b.subscribe("nl/t", 1)
    a.publish("nl/t", "mine")
    wait_for(lambda: "mine" in b.payloads("nl/"), 3)
    time.sleep(0.3)
    check("No Local: the publisher does not receive it", a.payloads("nl/") == [], a.received("nl/"))
    check("No Local: others do", b.payloads("nl/") == ["mine"])

    # Retain As Published and Retain Handling.
    a.subscribe("rap/t", 1, retainAsPublished=True)
    b.subscribe("rap/t", 1)
    c = Client(port, "paho-c")
    c.publish("rap/t", "kept", retain=True)
    wait_for(lambda: a.received("rap/") and b.received("rap/"), 3)
    check("Retain As Published keeps RETAIN on a live message", [m[2] for m in a.received("rap/")] == [True],
          a.received("rap/"))
    check("without it RETAIN is cleared", [m[2] for m in b.received("rap/")] == [False], b.received("rap/"))
    d = Client(port, "paho-d")
    d.subscribe("rap/t", 1, retainHandling=2)
    time.sleep(0.4)
    check("Retain Handling 2: no retained message on subscribe", d.received("rap/") == [])
    d.subscribe("rap/#", 1, retainHandling=0)
    check("Retain Handling 0: the retained message comes", wait_for(lambda: d.payloads("rap/") == ["kept"], 3))
    d.subscribe("rap/#", 1, retainHandling=1)
    time.sleep(0.4)
    check("Retain Handling 1: not again for an existing subscription", d.payloads("rap/") == ["kept"])
    c.publish("rap/t", "", retain=True)
    for x in (c, d):
        x.close()

    # Shared subscriptions: each message to one member of the group.
    s1, s2 = Client(port, "share-1"), Client(port, "share-2")
    s1.subscribe("$share/workers/jobs/#", 1)
    s2.subscribe("$share/workers/jobs/#", 1)
    for i in range(20):
        a.publish("jobs/q", f"job-{i}")
    wait_for(lambda: len(s1.payloads("jobs/")) + len(s2.payloads("jobs/")) >= 20, 5)
    time.sleep(0.3)
    both = sorted(s1.payloads("jobs/") + s2.payloads("jobs/"))
    check("shared subscription: every message delivered exactly once across the group",
          both == sorted(f"job-{i}" for i in range(20)), both)
    check("shared subscription: both members get work", s1.payloads("jobs/") and s2.payloads("jobs/"))
    s1.close()
    s2.close()

    # Session expiry: kept while it lasts, gone after.
    e = Client(port, "expiring", clean_start=True, session_expiry=2)
    e.subscribe("exp/#", 1)
    e.close()
    a.publish("exp/1", "while-away")
    e = Client(port, "expiring", clean_start=False, session_expiry=1)
    check("session expiry: the session is present on reconnect", e.connack and e.connack[0], e.connack)
    check("and the message published while away arrives", wait_for(lambda: e.payloads("exp/") == ["while-away"], 3))
    e.close()
    time.sleep(2.2)
    e = Client(port, "expiring", clean_start=False, session_expiry=0)
    check("after the expiry interval the session is gone", e.connack and not e.connack[0], e.connack)
    e.close()

    # Message expiry: a queued message that expires is never delivered.
    f = Client(port, "msg-expiry", session_expiry=30)
    f.subscribe("mexp/#", 1)
    f.close()
    a.publish("mexp/short", "stale", MessageExpiryInterval=1)
    a.publish("mexp/long", "fresh", MessageExpiryInterval=60)
    time.sleep(1.6)
    f = Client(port, "msg-expiry", clean_start=False, session_expiry=30)
    wait_for(lambda: f.payloads("mexp/"), 3)
    time.sleep(0.3)
    check("message expiry: the expired one is dropped, the other delivered", f.payloads("mexp/") == ["fresh"],
          f.received("mexp/"))
    f.close()

    # Will Delay: sent after the delay, not at all if the client is back in time.
    watcher = Client(port, "will-watcher")
    watcher.subscribe("wills/#", 1)
    def will_client(name, topic):
        return subprocess.Popen(
            ["mosquitto_sub", "-V", "mqttv5", "-h", HOST, "-p", str(port), "-i", name, "-t", "none/x",
             "--will-topic", topic, "--will-payload", "gone", "-D", "connect", "session-expiry-interval", "30",
             "-D", "will", "will-delay-interval", "2"], stdout=subprocess.DEVNULL)
    w = will_client("will-late", "wills/late")
    time.sleep(0.5)
    w.kill()
    w.wait()
    killed = time.monotonic()
    time.sleep(1.0)
    check("Will Delay: no will within the delay", watcher.payloads("wills/late") == [])
    check("Will Delay: the will comes after it",
          wait_for(lambda: watcher.payloads("wills/late") == ["gone"], 4), time.monotonic() - killed)
    w = will_client("will-back", "wills/back")
    time.sleep(0.5)
    w.kill()
    w.wait()
    back = Client(port, "will-back", clean_start=False, session_expiry=30)
    time.sleep(2.8)
    check("Will Delay: no will when the client reconnects in time", watcher.payloads("wills/back") == [])
    back.close()
    watcher.close()

    # Assigned client identifier for an empty one.
    g = Client(port, "", clean_start=True)
    assigned = getattr(g.connack[2], "AssignedClientIdentifier", "") if g.connack else ""
    check("an empty client id gets an Assigned Client Identifier", assigned.startswith("edge-auto-"), assigned)
    g.close()
    a.close()
    b.close()


if __name__ == "__main__":
    main()
