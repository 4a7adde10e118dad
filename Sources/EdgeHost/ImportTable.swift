import EdgeHostCore
import Glibc
import WasmcRuntime

/// The host side of the edge ABI (modules/edge.wit, interface `host`): what each module
/// may call. The generated bindings (Generated/EdgeBindings.swift) lift the guest's
/// arguments — every pointer bounds-checked, strings UTF-8-checked, enums range-checked,
/// a bad one trapping the module with the function and argument named — call these with
/// Swift values, and lower the results into the guest's memory.
///
/// To add a host function: add it to modules/edge.wit, run modules/bindgen.sh, and
/// implement the new protocol requirement here.
extension ModuleHost: EdgeHostImports, CanonicalGuest {
    func publish(message: EdgeWorld.Message) -> WitResult<Void, EdgeWorld.PublishError> {
        let flags = message.qos.rawValue | (message.retain ? 4 : 0)
        let status = bus.publish(
            from: self, BusMessage(topic: Array(message.topic.utf8), payload: message.payload, flags: flags))
        switch status {
        case 0: return .ok(())
        case -1: return .err(.invalidTopic)
        case -2: return .err(.busFull)
        default: return .err(.other)
        }
    }

    func subscribe(filter: String) -> WitResult<Void, EdgeWorld.SubscribeError> {
        switch bus.subscribe(self, filter: Array(filter.utf8)) {
        case 0:
            logger.log(.debug, name, "subscribed to \(filter)")
            return .ok(())
        case -1: return .err(.invalidFilter)
        default: return .err(.tooMany)
        }
    }

    func httpPost(url: String, contentType: String, body: [UInt8], timeoutMs: UInt32) -> WitResult<
        UInt16, EdgeWorld.HttpError
    > {
        let status = http.post(from: self, url: url, contentType: contentType, body: body, timeoutMs: timeoutMs)
        if status >= 0 { return .ok(UInt16(clamping: status)) }
        switch status {
        case -1: return .err(.denied)  // HTTPGateway's refusal by policy
        case WASMC_EDGE_HTTP_CONNECT: return .err(.connect)
        default: return .err(.other)
        }
    }

    func log(level: EdgeWorld.LogLevel, message: String) {
        logger.log(LogLevel(guestLevel: level.rawValue), name, message)
    }

    func configGet(key: String) -> String? { settings[key] }

    func metricGet(name: String) -> UInt64? { metric(name) }

    /// One fdatasync for every message published so far (group commit): the uplink queue and
    /// the at-least-once inboxes under --state-dir. The broker calls it before its PUBACKs.
    func sync() -> WitResult<Void, Void> {
        bus.sync() ? .ok(()) : .err(())
    }

    /// The oldest message delivered to this module is finished: it leaves the module's
    /// DurableInbox. An error when nothing was pending (or the module has no such inbox).
    func messageDone() -> WitResult<Void, Void> {
        guard let durable, durable.done() else { return .err(()) }
        return .ok(())
    }
}
