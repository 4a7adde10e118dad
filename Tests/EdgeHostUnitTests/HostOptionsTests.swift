import ArgumentParser
import Testing

@testable import EdgeHostCore

@Suite("The edge host's command line")
struct HostOptionsTests {
    func capabilities(_ arguments: [String]) throws -> Capabilities {
        try HostOptions.parse(arguments).capabilities
    }

    func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try HostOptions.parse(arguments)
            return nil
        } catch {
            return HostOptions.message(for: error)
        }
    }

    @Test func theFlagshipFlagsGrantToTheServerAndTheGateway() throws {
        let granted = try capabilities([
            "--server-socket-address", "127.0.0.1:1883", "--gateway-endpoint", "http://127.0.0.1:9000/events",
            "--gateway-allowed-host", "127.0.0.1:9000", "--set", "gateway.topic_filter=dev/#",
        ])
        #expect(granted.listen == ["server": ["127.0.0.1:1883"]])
        #expect(granted.http.permits(module: "gateway", authority: "127.0.0.1:9000"))
        #expect(!granted.http.permits(module: "server", authority: "127.0.0.1:9000"))
        #expect(granted.settings["gateway"] == ["endpoint": "http://127.0.0.1:9000/events", "topic_filter": "dev/#"])
        #expect(granted.granted == ["server", "gateway"])
    }

    @Test func capabilitiesGoToAnyModuleByName() throws {
        let granted = try capabilities([
            "--listen", "broker=0.0.0.0:1883", "--listen", "broker=[::1]:1884", "--allow-http",
            "uploader=Example.com:443",
            "--http-endpoint", "uploader=https://example.com/in", "--module-dir", "store=/var/lib/store::/data",
            "--module-dir-ro", "store=/etc/conf", "--dir", "/tmp/shared",
        ])
        #expect(granted.listen == ["broker": ["0.0.0.0:1883", "[::1]:1884"]])
        #expect(granted.http.permits(module: "uploader", authority: "example.com:443"))
        #expect(granted.settings["uploader"]?["endpoint"] == "https://example.com/in")
        #expect(
            granted.directories(for: "store") == [
                Directory(host: "/tmp/shared", guest: "/tmp/shared", readOnly: false),
                Directory(host: "/var/lib/store", guest: "/data", readOnly: false),
                Directory(host: "/etc/conf", guest: "/etc/conf", readOnly: true),
            ])
        #expect(
            granted.directories(for: "broker") == [
                Directory(host: "/tmp/shared", guest: "/tmp/shared", readOnly: false)
            ])
    }

    @Test func aGrantToAModuleTheProgramLacksIsAnError() throws {
        let granted = try capabilities(["--listen", "sever=127.0.0.1:1883", "--gateway-allowed-host", "h:1"])
        #expect(throws: CapabilityError.self) { try granted.check(modules: ["server", "gateway"]) }
        do {
            try granted.check(modules: ["server", "gateway"])
        } catch {
            #expect(
                error.description
                    == "capabilities granted to a module the program does not contain: \"sever\" (its modules: server, gateway)"
            )
        }
        try granted.check(modules: ["sever", "gateway", "other"])
        // Configuration alone (--set) names no capability.
        try capabilities(["--set", "nobody.key=1"]).check(modules: ["server"])
    }

    @Test func malformedValuesAreClearErrors() {
        #expect(parseError(["--listen", "127.0.0.1:1883"])?.contains("--listen") == true)
        #expect(parseError(["--allow-http", "gateway=example.com"])?.contains("give HOST:PORT") == true)
        #expect(parseError(["--set", "novalue"])?.contains("MODULE.KEY=VALUE") == true)
        #expect(parseError(["--log-level", "loud"]) != nil)
        #expect(parseError(["--drain-seconds", "-1"]) != nil)
        #expect(parseError(["--no-such-flag"]) != nil)
        #expect(parseError(["--gateway-ca-file", "/nonexistent/ca.pem"])?.contains("/nonexistent/ca.pem") == true)
        #expect(parseError([]) == nil)
    }

    @Test func settingsAndLevels() throws {
        let options = try HostOptions.parse([
            "--set", "telemetry.interval_ms=200", "--set", "a.b=c=d", "--log-level", "warning",
            "--drain-seconds", "0.5",
        ])
        #expect(try options.capabilities.settings == ["telemetry": ["interval_ms": "200"], "a": ["b": "c=d"]])
        #expect(options.logLevel == .warn)
        #expect(options.drainSeconds == 0.5)
    }

    @Test func upstreamOptions() throws {
        let options = try HostOptions.parse([
            "--upstream", "mqtts://[::1]:8884", "--upstream-topic", "dev/# out", "--upstream-topic", "cmd/+ in 0",
            "--upstream-ca-file", "/ca.pem", "--queue-max-bytes", "4096",
        ])
        #expect(options.upstream.host == "::1")
        #expect(options.upstream.port == 8884)
        #expect(options.upstream.tls)
        #expect(
            options.upstream.topics == [
                UpstreamOptions.Topic(filter: "dev/#", direction: 1, qos: 1),
                UpstreamOptions.Topic(filter: "cmd/+", direction: 2, qos: 0),
            ])
        #expect(
            try HostOptions.parse(["--upstream", "mqtt://broker", "--upstream-topic", "a both"]).upstream.port == 1883)
        #expect(parseError(["--upstream", "mqtt://broker"])?.contains("at least one --upstream-topic") == true)
        #expect(parseError(["--upstream-topic", "a out"])?.contains("needs --upstream") == true)
        #expect(parseError(["--upstream", "http://broker", "--upstream-topic", "a out"])?.contains("mqtt://") == true)
        #expect(
            parseError(["--upstream", "mqtt://b", "--upstream-topic", "a/#/b out"])?.contains(
                "not a valid MQTT topic filter") == true)
        #expect(
            parseError(["--upstream", "mqtt://b", "--upstream-topic", "a sideways"])?.contains("out, in or both")
                == true)
        #expect(
            parseError(["--upstream", "mqtt://b", "--upstream-topic", "a out", "--upstream-ca-file", "x"])?.contains(
                "mqtts://") == true)
        #expect(parseError(["--upstream", "mqtt://b", "--upstream-topic", "a out", "--queue-max-bytes", "10"]) != nil)
    }
}
