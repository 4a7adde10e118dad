import EdgeHostCore
import Glibc
import WasmcRuntime

/// The host side of the upstream bridge: the durable queue (`--state-dir`) and the MQTT
/// client to the upstream broker (runtime-c/edge/edge_bridge.c, on its own thread).
///
/// Local messages reach it from the bus (`offer`, for every message a module publishes);
/// those matching an `out` filter are queued and sent upstream. Messages from upstream on
/// an `in` filter are published on the bus as coming from no module, so every module and
/// every MQTT client of the broker module gets them, and they are never offered back
/// upstream (loop prevention, with the upstream's own no-echo for bridges).
final class UpstreamBridge: Uplink, @unchecked Sendable {
    private let queue: OpaquePointer
    private var bridge: OpaquePointer?
    private let bus: MessageBus
    private let logger: Logger

    private init(queue: OpaquePointer, bus: MessageBus, logger: Logger) {
        self.queue = queue
        self.bus = bus
        self.logger = logger
    }

    /// Opens the queue and starts the bridge; nil (logged) when either cannot start.
    static func start(_ options: UpstreamOptions, bus: MessageBus, logger: Logger) -> UpstreamBridge? {
        guard let host = options.host else { return nil }
        var error = [CChar](repeating: 0, count: 512)
        let logContext = Unmanaged.passRetained(logger).toOpaque()
        var directory = options.stateDirectory
        if let state = directory { directory = state + "/uplink" }
        if let state = options.stateDirectory, mkdir(state, 0o700) != 0 && errno != EEXIST {
            logger.log(.error, "bridge", "--state-dir \(state): cannot create it")
            return nil
        }
        guard let queue = wasmc_queue_open(directory, options.queueMaxBytes, logLine, logContext, &error, error.count)
        else {
            logger.log(.error, "bridge", "cannot open the queue: \(String(cString: error))")
            return nil
        }
        let upstream = UpstreamBridge(queue: queue, bus: bus, logger: logger)
        var password: String?
        if let file = options.passwordFile {
            guard let text = readFirstLine(file) else {
                logger.log(.error, "bridge", "--upstream-password-file \(file): cannot read it")
                return nil
            }
            password = text
        }
        let clientId = options.clientId ?? "edge-" + hostName()
        let stateTopic = "$SYS/broker/connection/\(clientId)/state"
        var owned: [UnsafeMutablePointer<CChar>] = []
        func c(_ text: String?) -> UnsafePointer<CChar>? {
            guard let text, let copy = strdup(text) else { return nil }
            owned.append(copy)
            return UnsafePointer(copy)
        }
        defer { owned.forEach { free($0) } }
        let topics = options.topics.map { topic in
            wasmc_bridge_topic(filter: c(topic.filter), direction: topic.direction, qos: topic.qos)
        }
        let started: OpaquePointer? = topics.withUnsafeBufferPointer { list in
            var config = wasmc_bridge_config()
            config.host = c(host)
            config.port = options.port
            config.tls = options.tls
            config.ca_file = c(options.caFile)
            config.client_id = c(clientId)
            config.username = c(options.username)
            config.password = c(password)
            config.keep_alive_s = options.keepAliveSeconds
            config.topics = list.baseAddress
            config.topic_count = Int32(list.count)
            config.state_topic = c(stateTopic)
            config.retry_initial_ms = 500
            config.retry_max_ms = 30_000
            config.max_inflight = 64
            let context = Unmanaged.passRetained(upstream).toOpaque()
            return wasmc_bridge_start(&config, queue, receive, bridgeLogLine, context, &error, error.count)
        }
        guard let started else {
            logger.log(.error, "bridge", "cannot start: \(String(cString: error))")
            return nil
        }
        upstream.bridge = started
        let stats = wasmc_queue_get_stats(queue)
        logger.log(
            .info, "bridge",
            "bridging to \(options.tls ? "mqtts" : "mqtt")://\(host):\(options.port) as \(clientId); queue \(options.stateDirectory.map { "in \($0)/uplink" } ?? "in memory only") holds \(stats.records) message(s)"
        )
        return upstream
    }

    /// A message a module published: queued for upstream if an `out` filter matches.
    /// 1 queued, 0 not for upstream, -1 could not be stored.
    func offer(_ message: BusMessage) -> Int32 {
        guard let bridge else { return 0 }
        return message.topic.withUnsafeBufferPointer { topic in
            message.payload.withUnsafeBufferPointer { payload in
                topic.withMemoryRebound(to: CChar.self) { topic in
                    Int32(
                        wasmc_bridge_offer(
                            bridge, topic.baseAddress, topic.count, payload.baseAddress, payload.count,
                            UInt8(message.flags & 3), message.flags & 4 != 0))
                }
            }
        }
    }

    /// Everything offered so far is on disk (group commit). False if the sync failed.
    func sync() -> Bool {
        guard let bridge else { return true }
        return wasmc_bridge_sync(bridge)
    }

    /// Disconnects cleanly and closes the queue; what is left stays on disk.
    func stop() {
        if let bridge {
            let stats = wasmc_bridge_get_stats(bridge)
            wasmc_bridge_stop(bridge)
            self.bridge = nil
            let queued = wasmc_queue_get_stats(queue)
            logger.log(
                .info, "bridge",
                "stopped: sent \(stats.sent), acknowledged \(stats.acknowledged), received \(stats.received), connects \(stats.connects), protocol errors \(stats.protocol_errors); queue holds \(queued.records), dropped when full \(queued.dropped_full)"
            )
        }
        wasmc_queue_close(queue)
    }

    /// Host metrics (`host.metric-get`): `uplink.*`.
    func metric(_ name: String) -> UInt64? {
        let queued = wasmc_queue_get_stats(queue)
        switch name {
        case "uplink.queued": return queued.records
        case "uplink.queued_bytes": return queued.bytes
        case "uplink.dropped_full": return queued.dropped_full
        case "uplink.recovered": return queued.recovered
        case "uplink.damaged": return queued.damaged
        default: break
        }
        guard let bridge else { return nil }
        let stats = wasmc_bridge_get_stats(bridge)
        switch name {
        case "uplink.connected": return UInt64(stats.connected)
        case "uplink.sent": return stats.sent
        case "uplink.acknowledged": return stats.acknowledged
        case "uplink.received": return stats.received
        default: return nil
        }
    }

    private static let receive:
        @convention(c) (
            UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, UnsafePointer<UInt8>?, Int, UInt8, Bool
        ) -> Void = { context, topic, topicLength, payload, payloadLength, qos, retain in
            let upstream = Unmanaged<UpstreamBridge>.fromOpaque(context!).takeUnretainedValue()
            let topicBytes =
                topic.map { Array(UnsafeRawBufferPointer(start: $0, count: topicLength).bindMemory(to: UInt8.self)) }
                ?? []
            let payloadBytes = payload.map { Array(UnsafeBufferPointer(start: $0, count: payloadLength)) } ?? []
            let message = BusMessage(topic: topicBytes, payload: payloadBytes, flags: UInt32(qos) | (retain ? 4 : 0))
            _ = upstream.bus.publish(from: nil, message)
            // The bridge acknowledges a QoS 1 message when this returns: what an at-least-once
            // module (the gateway) will forward must be on disk first.
            if qos > 0 { _ = upstream.bus.sync() }
        }

    private static let bridgeLogLine: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafePointer<CChar>?) -> Void =
        {
            context, level, line in
            let upstream = Unmanaged<UpstreamBridge>.fromOpaque(context!).takeUnretainedValue()
            upstream.logger.log(LogLevel(guestLevel: level), "bridge", line.map { String(cString: $0) } ?? "")
        }

    private static let logLine: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafePointer<CChar>?) -> Void = {
        context, level, line in
        let logger = Unmanaged<Logger>.fromOpaque(context!).takeUnretainedValue()
        logger.log(LogLevel(guestLevel: level), "bridge", line.map { String(cString: $0) } ?? "")
    }
}

private func hostName() -> String {
    var name = [CChar](repeating: 0, count: 256)
    guard gethostname(&name, name.count - 1) == 0 else { return "host" }
    return String(cString: name)
}

/// The first line of a file (without its newline), or nil when it cannot be read.
private func readFirstLine(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 4096)
    guard fgets(&line, Int32(line.count), file) != nil else { return "" }
    var text = String(cString: line)
    while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
    return text
}
