import ArgumentParser

/// The command line of the upstream bridge and the durable queue.
public struct UpstreamOptions: ParsableArguments {
    public struct Topic: Equatable, Sendable {
        public var filter: String
        public var direction: Int32  // wasmc_bridge_direction
        public var qos: UInt8
    }

    public init() {}

    @Option(
        name: .customLong("upstream"),
        help: ArgumentHelp(
            "Bridge to this MQTT broker (a cluster's address); mqtts:// for TLS.", valueName: "mqtt[s]://host:port"))
    public var url: String?

    @Option(
        name: .customLong("upstream-topic"),
        help: ArgumentHelp(
            "A filter, its direction and the most QoS it is forwarded with (default 1); repeatable. `out` sends local messages upstream, `in` subscribes upstream and publishes locally.",
            valueName: "'filter out|in|both [qos]'"))
    public var topicArguments: [String] = []

    @Option(
        name: .customLong("upstream-ca-file"),
        help: ArgumentHelp(
            "CA certificates (PEM) for mqtts:// (default: the system's).", valueName: "pem"))
    public var caFile: String?

    @Option(
        name: .customLong("upstream-client-id"),
        help: ArgumentHelp(
            "Client id upstream (default edge-HOSTNAME); the state topic is $SYS/broker/connection/ID/state (retained \"1\" connected, \"0\" not).",
            valueName: "id"))
    public var clientId: String?

    @Option(name: .customLong("upstream-username"), help: ArgumentHelp("The user name upstream.", valueName: "name"))
    public var username: String?

    @Option(
        name: .customLong("upstream-password-file"),
        help: ArgumentHelp(
            "The password upstream: the file's first line.", valueName: "file"))
    public var passwordFile: String?

    @Option(
        name: .customLong("upstream-keepalive"),
        help: ArgumentHelp("MQTT keep-alive upstream, in seconds.", valueName: "s"))
    public var keepAliveSeconds: UInt16 = 30

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "A directory the host owns: the uplink queue and the at-least-once inboxes survive restarts there.",
            valueName: "dir"))
    public var stateDirectory: String?

    @Option(
        name: .customLong("queue-max-bytes"),
        help: ArgumentHelp(
            "Bound of the uplink queue (default 64 MiB); when full the oldest go.", valueName: "n"))
    public var queueMaxBytes: UInt64 = 64 << 20

    /// The broker's host (nil without `--upstream`).
    public var host: String? { parsedURL?.host }
    /// The broker's port: as given, else 1883 (8883 for mqtts://).
    public var port: UInt16 { parsedURL?.port ?? 1883 }
    /// `mqtts://`: TLS, the certificate checked against `caFile` (or the system's CAs).
    public var tls: Bool { parsedURL?.tls ?? false }

    private var parsedURL: (host: String, port: UInt16, tls: Bool)? {
        guard let url else { return nil }
        return try? Self.parseURL(url)
    }
    public var topics: [Topic] { topicArguments.compactMap { try? Self.parseTopic($0) } }

    public func validate() throws {
        if let url { _ = try Self.parseURL(url) }
        for topic in topicArguments { _ = try Self.parseTopic(topic) }
        if queueMaxBytes < 1024 {
            throw ValidationError("--queue-max-bytes takes a number of bytes (at least 1024), not \(queueMaxBytes)")
        }
        if url == nil && !topicArguments.isEmpty {
            throw ValidationError("--upstream-topic needs --upstream")
        }
        if url != nil && topicArguments.isEmpty {
            throw ValidationError("--upstream needs at least one --upstream-topic")
        }
        if caFile != nil && !tls {
            throw ValidationError("--upstream-ca-file needs an mqtts:// --upstream")
        }
    }

    /// `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]` (an IPv6 address in brackets).
    static func parseURL(_ url: String) throws(ValidationError) -> (String, UInt16, Bool) {
        guard let (scheme, rest) = url.splitOnce("://"), scheme == "mqtt" || scheme == "mqtts" else {
            throw ValidationError("--upstream takes mqtt://HOST[:PORT] or mqtts://HOST[:PORT], not \(url)")
        }
        let tls = scheme == "mqtts"
        let authority =
            rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var host = authority
        var port: UInt16 = tls ? 8883 : 1883
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let parsed = UInt16(after.dropFirst()), parsed > 0 else {
                    throw ValidationError("bad port in \(url)")
                }
                port = parsed
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let parsed = UInt16(authority[authority.index(after: colon)...]), parsed > 0 else {
                throw ValidationError("bad port in \(url)")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw ValidationError("no host in \(url)") }
        return (host, port, tls)
    }

    /// `FILTER out|in|both [QOS]`, as in mosquitto's `topic` bridge setting.
    static func parseTopic(_ text: String) throws(ValidationError) -> Topic {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 2 || words.count == 3 else {
            throw ValidationError("--upstream-topic takes 'FILTER out|in|both [QOS]', not '\(text)'")
        }
        guard TopicFilter.isValidFilter(Array(words[0].utf8)) else {
            throw ValidationError("--upstream-topic: \(words[0]) is not a valid MQTT topic filter")
        }
        let direction: Int32
        switch words[1] {
        case "out": direction = 1
        case "in": direction = 2
        case "both": direction = 3
        default: throw ValidationError("--upstream-topic: the direction is out, in or both, not \(words[1])")
        }
        var qos: UInt8 = 1
        if words.count == 3 {
            guard let parsed = UInt8(words[2]), parsed <= 1 else {
                throw ValidationError("--upstream-topic: QoS is 0 or 1, not \(words[2])")
            }
            qos = parsed
        }
        return Topic(filter: words[0], direction: direction, qos: qos)
    }
}
