import Glibc

/// The command line of the upstream bridge and the durable queue.
struct UpstreamOptions {
    struct Topic: Equatable {
        var filter: String
        var direction: Int32  // wasmc_bridge_direction
        var qos: UInt8
    }

    var host: String?
    var port: UInt16 = 1883
    /// `mqtts://`: TLS, the certificate checked against `caFile` (or the system's CAs).
    var tls = false
    var caFile: String?
    var topics: [Topic] = []
    var clientId: String?
    var username: String?
    var passwordFile: String?
    var keepAliveSeconds: UInt16 = 30
    var stateDirectory: String?
    var queueMaxBytes: UInt64 = 64 << 20

    typealias UsageError = HostOptions.UsageError

    mutating func set(_ flag: String, _ value: String) throws(UsageError) {
        switch flag {
        case "--upstream":
            (host, port, tls) = try Self.parseURL(value)
        case "--upstream-ca-file": caFile = value
        case "--upstream-topic":
            topics.append(try Self.parseTopic(value))
        case "--upstream-client-id": clientId = value
        case "--upstream-username": username = value
        case "--upstream-password-file": passwordFile = value
        case "--upstream-keepalive":
            guard let seconds = UInt16(value) else {
                throw UsageError(description: "--upstream-keepalive takes seconds (0..65535), not \(value)")
            }
            keepAliveSeconds = seconds
        case "--state-dir": stateDirectory = value
        case "--queue-max-bytes":
            guard let bytes = UInt64(value), bytes >= 1024 else {
                throw UsageError(description: "--queue-max-bytes takes a number of bytes (at least 1024), not \(value)")
            }
            queueMaxBytes = bytes
        default: break
        }
    }

    func validate() throws(UsageError) {
        if host == nil && !topics.isEmpty {
            throw UsageError(description: "--upstream-topic needs --upstream")
        }
        if host != nil && topics.isEmpty {
            throw UsageError(description: "--upstream needs at least one --upstream-topic")
        }
        if caFile != nil && !tls {
            throw UsageError(description: "--upstream-ca-file needs an mqtts:// --upstream")
        }
    }

    /// `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]` (an IPv6 address in brackets).
    static func parseURL(_ url: String) throws(UsageError) -> (String, UInt16, Bool) {
        guard let (scheme, rest) = url.splitOnce("://"), scheme == "mqtt" || scheme == "mqtts" else {
            throw UsageError(description: "--upstream takes mqtt://HOST[:PORT] or mqtts://HOST[:PORT], not \(url)")
        }
        let tls = scheme == "mqtts"
        let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var host = authority, port: UInt16 = tls ? 8883 : 1883
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let parsed = UInt16(after.dropFirst()), parsed > 0 else {
                    throw UsageError(description: "bad port in \(url)")
                }
                port = parsed
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let parsed = UInt16(authority[authority.index(after: colon)...]), parsed > 0 else {
                throw UsageError(description: "bad port in \(url)")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw UsageError(description: "no host in \(url)") }
        return (host, port, tls)
    }

    /// `FILTER out|in|both [QOS]`, as in mosquitto's `topic` bridge setting.
    static func parseTopic(_ text: String) throws(UsageError) -> Topic {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 2 || words.count == 3 else {
            throw UsageError(description: "--upstream-topic takes 'FILTER out|in|both [QOS]', not '\(text)'")
        }
        guard TopicFilter.isValidFilter(Array(words[0].utf8)) else {
            throw UsageError(description: "--upstream-topic: \(words[0]) is not a valid MQTT topic filter")
        }
        let direction: Int32
        switch words[1] {
        case "out": direction = 1
        case "in": direction = 2
        case "both": direction = 3
        default: throw UsageError(description: "--upstream-topic: the direction is out, in or both, not \(words[1])")
        }
        var qos: UInt8 = 1
        if words.count == 3 {
            guard let parsed = UInt8(words[2]), parsed <= 1 else {
                throw UsageError(description: "--upstream-topic: QoS is 0 or 1, not \(words[2])")
            }
            qos = parsed
        }
        return Topic(filter: words[0], direction: direction, qos: qos)
    }
}
