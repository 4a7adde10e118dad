import Glibc
import WasmcRuntime

/// The host-import table: every function modules may import from module "edge"
/// (modules/include/wasmc_edge.h), as C-callable Swift functions.
///
/// Each takes the importing module's `ModuleHost` as its environment. Guest pointers are
/// checked against the module's memory; a range outside it is answered with an error
/// result (the guest is told, the host is never touched).
///
/// To add a host function: write it here as a `@convention(c)` closure whose first
/// parameter is the environment, and add an `Entry` with its canonical signature string
/// (see `wasmc_func` in runtime-c/include/wasmc_rt.h).
enum ImportTable {
    static let moduleName = "edge"

    struct Entry {
        var name: String
        var signature: UnsafePointer<CChar>
        var code: wasmc_code
    }

    nonisolated(unsafe) static let entries: [Entry] = [
        entry("edge_publish", "iiiiii>i", unsafeBitCast(publish, to: wasmc_code.self)),
        entry("edge_subscribe", "ii>i", unsafeBitCast(subscribe, to: wasmc_code.self)),
        entry("edge_http_post", "iiiiiii>i", unsafeBitCast(httpPost, to: wasmc_code.self)),
        entry("edge_log", "iii>", unsafeBitCast(log, to: wasmc_code.self)),
        entry("edge_config_get", "iiii>i", unsafeBitCast(configGet, to: wasmc_code.self)),
        entry("edge_metric_get", "iii>i", unsafeBitCast(metricGet, to: wasmc_code.self)),
        // Durability (issue 15): the broker calls it before sending PUBACKs.
        entry("edge_sync", ">i", unsafeBitCast(sync, to: wasmc_code.self)),
        entry("edge_message_done", ">i", unsafeBitCast(messageDone, to: wasmc_code.self)),
    ]

    private static func entry(_ name: String, _ signature: String, _ code: wasmc_code) -> Entry {
        // The signature string lives as long as the process, like the generated code's.
        Entry(name: name, signature: UnsafePointer(strdup(signature)!), code: code)
    }

    typealias Env = UnsafeMutableRawPointer?

    static let publish: @convention(c) (Env, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) -> Int32 = {
        env, topic, topicLength, payload, payloadLength, qos, retain in
        let module = ModuleHost.from(env)
        guard let topic = module.guestBytes(topic, topicLength),
            let payload = module.guestBytes(payload, payloadLength)
        else { return -3 }
        guard qos <= 1, retain <= 1 else { return -1 }
        return module.bus.publish(
            from: module, BusMessage(topic: topic, payload: payload, flags: qos | (retain << 2)))
    }

    static let subscribe: @convention(c) (Env, UInt32, UInt32) -> Int32 = { env, filter, length in
        let module = ModuleHost.from(env)
        guard let filter = module.guestBytes(filter, length) else { return -1 }
        let result = module.bus.subscribe(module, filter: filter)
        if result == 0 { module.logger.log(.debug, module.name, "subscribed to \(String(decoding: filter, as: UTF8.self))") }
        return result
    }

    static let httpPost: @convention(c) (Env, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) -> Int32 = {
        env, url, urlLength, contentType, contentTypeLength, body, bodyLength, timeout in
        let module = ModuleHost.from(env)
        guard let url = module.guestString(url, urlLength),
            let contentType = module.guestString(contentType, contentTypeLength),
            let body = module.guestBytes(body, bodyLength)
        else { return WASMC_EDGE_HTTP_OTHER }
        return module.http.post(from: module, url: url, contentType: contentType, body: body, timeoutMs: timeout)
    }

    static let log: @convention(c) (Env, UInt32, UInt32, UInt32) -> Void = { env, level, message, length in
        let module = ModuleHost.from(env)
        let text = module.guestBytes(message, length).map { String(decoding: $0, as: UTF8.self) } ?? "<bad log pointer>"
        module.logger.log(LogLevel(guestLevel: level), module.name, text)
    }

    static let configGet: @convention(c) (Env, UInt32, UInt32, UInt32, UInt32) -> Int32 = {
        env, key, keyLength, buffer, capacity in
        let module = ModuleHost.from(env)
        guard let key = module.guestString(key, keyLength) else { return -1 }
        guard let value = module.settings[key] else { return -1 }
        let bytes = Array(value.utf8)
        let count = min(bytes.count, Int(capacity))
        if count > 0 {
            guard module.writeGuest(buffer, Array(bytes[..<count])) else { return -1 }
        }
        return Int32(clamping: bytes.count)
    }

    static let metricGet: @convention(c) (Env, UInt32, UInt32, UInt32) -> Int32 = { env, name, length, out in
        let module = ModuleHost.from(env)
        guard let name = module.guestString(name, length), let value = module.metric(name) else { return -1 }
        var little = value.littleEndian
        let bytes = withUnsafeBytes(of: &little) { Array($0) }
        return module.writeGuest(out, bytes) ? 0 : -1
    }

    /// Makes every message this module published so far durable where the host keeps it
    /// (the upstream queue under --state-dir): one fdatasync for all of them (group commit).
    static let sync: @convention(c) (Env) -> Int32 = { env in
        ModuleHost.from(env).bus.sync() ? 0 : -1
    }

    /// The oldest message delivered to this module is finished (delivered onward or dropped
    /// on purpose): it leaves the module's DurableInbox. A module importing this gets
    /// at-least-once delivery. 0, or -1 when nothing was pending.
    static let messageDone: @convention(c) (Env) -> Int32 = { env in
        guard let durable = ModuleHost.from(env).durable else { return -1 }
        return durable.done() ? 0 : -1
    }

    /// Resolves an import of module "edge"; false if unknown or of another signature.
    static func resolve(name: String, signature: UnsafePointer<CChar>?, env: UnsafeMutableRawPointer,
                        storage: UnsafeMutablePointer<wasmc_func>) -> Bool {
        guard let entry = entries.first(where: { $0.name == name }), let signature,
            strcmp(entry.signature, signature) == 0
        else { return false }
        storage.pointee = wasmc_func(type: entry.signature, code: entry.code, env: env)
        return true
    }
}
