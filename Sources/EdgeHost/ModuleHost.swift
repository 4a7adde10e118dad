import EdgeHostCore
import Glibc
import WasmcRuntime

/// One module of the program and everything the host keeps for it across restarts:
/// its inbox, settings, capabilities, and the thread that runs (and re-runs) its `_start`.
final class ModuleHost: BusMember, SupervisedModule, @unchecked Sendable {
    let name: String
    let module: UnsafePointer<wasmc_module>
    let bus: MessageBus
    let http: HTTPGateway
    let logger: Logger
    let settings: [String: String]
    let mailbox = Mailbox(capacity: 4096)
    /// At-least-once delivery instead of the mailbox, for a module importing `host.message-done`.
    let durable: DurableInbox?
    /// It imports `message-done`: it acknowledges what it has forwarded, so shutdown lets it
    /// drain after the other modules have stopped.
    let isConsumer: Bool
    let restarts = Counter()
    /// Listening sockets granted to it (`--listen`), its WASI pre-opened sockets.
    private let listenSockets: [Int32]
    /// Directories granted to it (`--dir`, `--module-dir`), its WASI pre-opens.
    private let directories: [Directory]
    private let lock = Lock()

    // The current incarnation; touched only on the module's own thread except `wasi` (wake-ups).
    private var instance = UnsafeMutablePointer<wasmc_instance>.allocate(capacity: 1)
    private var memory: UnsafeMutablePointer<wasmc_memory>?
    private var wasi: OpaquePointer?
    private var importStorage: UnsafeMutablePointer<wasmc_func>?
    private var deliveryTrap: String?
    private var stopping = false
    private var busy = false
    private var finished = false
    private let stopped = OneShotEvent()

    init(
        name: String, module: UnsafePointer<wasmc_module>, capabilities: Capabilities, listenSockets: [Int32],
        upstream: UpstreamOptions, bus: MessageBus, http: HTTPGateway, logger: Logger
    ) {
        self.name = name
        self.module = module
        self.listenSockets = listenSockets
        self.directories = capabilities.directories(for: name)
        self.bus = bus
        self.http = http
        self.logger = logger
        self.settings = capabilities.settings[name] ?? [:]
        isConsumer = Self.importsMessageDone(module)
        if isConsumer {
            durable = DurableInbox(
                module: name, stateDirectory: upstream.stateDirectory,
                maxBytes: upstream.queueMaxBytes, logger: logger)
            if durable == nil {
                logger.log(.error, name, "at-least-once delivery unavailable: using the ordinary inbox")
            }
        } else {
            durable = nil
        }
    }

    /// Whether the module imports `host.message-done` of the edge world.
    static func importsMessageDone(_ module: UnsafePointer<wasmc_module>) -> Bool {
        let imports = UnsafeBufferPointer(start: module.pointee.imports, count: Int(module.pointee.import_count))
        return imports.contains {
            EdgeWorldImports.modules.contains(String(cString: $0.module)) && String(cString: $0.name) == "message-done"
        }
    }

    var durableDelivery: (any DurableDelivery)? { durable }

    static func from(_ env: UnsafeMutableRawPointer?) -> ModuleHost {
        Unmanaged<ModuleHost>.fromOpaque(env!).takeUnretainedValue()
    }

    private var env: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    // MARK: Guest memory

    /// The current instance's memory 0, for the generated bindings.
    var guestMemory: UnsafeMutablePointer<wasmc_memory>? { memory }

    /// Calls an export for the generated bindings; a trap is recorded for the report.
    func callGuestExport(_ name: String, _ arguments: [wasmc_value], resultCount: Int) throws(CanonicalABIError)
        -> [wasmc_value]
    {
        guard let results = call(name, arguments, results: resultCount) else {
            throw .trapped(deliveryTrap ?? name)
        }
        return results
    }

    /// Bytes at a guest address, or nil when the range is outside the memory.
    func guestBytes(_ address: UInt32, _ length: UInt32) -> [UInt8]? {
        guard let memory else { return nil }
        if length == 0 { return [] }
        guard let pointer = wasmc_memory_ptr(memory, UInt64(address), UInt64(length)) else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(length)))
    }

    func guestString(_ address: UInt32, _ length: UInt32) -> String? {
        guestBytes(address, length).map { String(decoding: $0, as: UTF8.self) }
    }

    func writeGuest(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        guard let memory, let pointer = wasmc_memory_ptr(memory, UInt64(address), UInt64(bytes.count)) else {
            return false
        }
        bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        return true
    }

    func metric(_ name: String) -> UInt64? {
        switch name {
        case "bus.published": return bus.published.value
        case "bus.delivered": return bus.delivered.value
        case "bus.dropped": return bus.dropped.value
        case "http.requests": return http.requests.value
        case let uplinkMetric where uplinkMetric.hasPrefix("uplink."): return bus.uplink?.metric(uplinkMetric)
        case "host.load1_milli":
            var load = [Double](repeating: 0, count: 1)
            return getloadavg(&load, 1) == 1 ? UInt64(load[0] * 1000) : nil
        case "host.rss_bytes":
            guard let file = fopen("/proc/self/statm", "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 128)
            guard fgets(&line, 128, file) != nil else { return nil }
            let fields = String(cString: line).split(separator: " ")
            guard fields.count > 1, let pages = UInt64(fields[1]) else { return nil }
            return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
        default: return nil
        }
    }

    // MARK: State shared with other threads

    func setBusy(_ value: Bool) {
        lock.lock()
        busy = value
        lock.unlock()
    }

    /// True while the module has undelivered messages or a request in flight.
    var isDraining: Bool {
        lock.lock()
        defer { lock.unlock() }
        return busy || !mailbox.isEmpty || !(durable?.isEmpty ?? true)
    }

    /// Makes a module waiting in poll_oneoff run the delivery hook.
    func wake() {
        lock.lock()
        if let wasi { wasmc_wasi_wake(wasi) }
        lock.unlock()
    }

    /// Asks the module to stop at its next poll_oneoff; `waitUntilStopped` blocks until it has.
    func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        wake()
    }

    var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    func waitUntilStopped(timeout: Double) -> Bool {
        stopped.wait(timeout: timeout)
    }

    // MARK: Delivery ("Delivery" in modules/edge.wit): on the module's thread, inside poll_oneoff

    static let pollHook: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { data in
        ModuleHost.from(data).deliver()
    }

    private func deliver() -> Int32 {
        if isStopping { return -1 }
        let batch = durable?.take(max: 256) ?? mailbox.take(max: 256)
        if batch.isEmpty { return 0 }
        let exports = EdgeWorldExports(guest: self)
        for (index, message) in batch.enumerated() {
            let delivered = EdgeWorld.Message(
                topic: String(decoding: message.topic, as: UTF8.self), payload: message.payload,
                qos: message.flags & 3 == 0 ? .atMostOnce : .atLeastOnce, retain: message.flags & 4 != 0,
                properties: [])
            if message.sequence > 0 { durable?.delivering(message.sequence) }
            do {
                try exports.onMessage(message: delivered)
            } catch {
                if deliveryTrap == nil { deliveryTrap = "guest.on-message: \(error)" }
                lostInTrap(batch.count - index)
                return -1
            }
            bus.delivered.add()
        }
        return 1
    }

    private func lostInTrap(_ count: Int) {
        guard count > 0 else { return }
        if durable != nil {
            logger.log(.warn, name, "\(count) message(s) not taken before the trap will be delivered again")
            return
        }
        bus.dropped.add(UInt64(count))
        logger.log(.warn, name, "dropped \(count) message(s) the module could not take (it trapped)")
    }

    /// Calls an export of the current instance; nil when it trapped (recorded for the report).
    private func call(_ export: String, _ arguments: [wasmc_value], results count: Int) -> [wasmc_value]? {
        var results = [wasmc_value](repeating: wasmc_value(), count: max(count, 1))
        var trap = wasmc_trap_info()
        let returned = arguments.withUnsafeBufferPointer { args in
            results.withUnsafeMutableBufferPointer { out in
                wasmc_instance_call(instance, export, args.baseAddress, out.baseAddress, &trap)
            }
        }
        if !returned {
            deliveryTrap = "\(export): " + Self.describe(trap)
            return nil
        }
        return results
    }

    /// Signature strings live as long as the process, like the generated code's.
    private static let signatures = Lock()
    nonisolated(unsafe) private static var signatureStrings: [String: UnsafePointer<CChar>] = [:]

    static func signature(_ text: String) -> UnsafePointer<CChar> {
        signatures.lock()
        defer { signatures.unlock() }
        if let known = signatureStrings[text] { return known }
        let copy = UnsafePointer(strdup(text)!)
        signatureStrings[text] = copy
        return copy
    }

    static func describe(_ trap: wasmc_trap_info) -> String {
        var text = String(cString: wasmc_trap_message(trap.kind))
        if let function = trap.function { text += " in \(String(cString: function))" }
        let detail = withUnsafeBytes(of: trap.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    // MARK: Running and supervising

    /// Starts the module's thread: run `_start`, restart after a trap with backoff, until stopped.
    func start() -> Bool {
        startThread(stackSize: 64 << 20) { [self] in supervise() }
    }

    /// Restart policy (`Supervisor`, `RestartBackoff`): after a trap or an exit, wait 100 ms,
    /// doubling up to 10 s, and run again. Inbox messages are kept across restarts.
    private func supervise() {
        wasmc_thread_init()
        Supervisor().supervise(isStopping: { isStopping }, runOnce: runOnce) { outcome, wait, _ in
            restarts.add()
            logger.log(.error, name, "\(outcome); restarting in \(Int(wait * 1000)) ms (restart \(restarts.value))")
        }
        logger.log(.info, name, "stopped")
        stopped.signal()
    }

    /// One incarnation: a fresh WASI context and instance; returns what ended it.
    private func runOnce() -> String {
        var error = [CChar](repeating: 0, count: 256)
        bus.clearSubscriptions(of: self)
        durable?.rewind()
        guard let context = makeWASI(&error) else { return "cannot set up WASI: \(String(cString: error))" }
        lock.lock()
        wasi = context
        lock.unlock()
        defer {
            lock.lock()
            wasi = nil
            lock.unlock()
            wasmc_wasi_destroy(context)
        }
        let importCount = Int(module.pointee.import_count)
        let storage = UnsafeMutablePointer<wasmc_func>.allocate(capacity: max(importCount, 1))
        defer { storage.deallocate() }
        var imports = [wasmc_extern](repeating: wasmc_extern(), count: max(importCount, 1))
        for index in 0..<importCount {
            let want = module.pointee.imports[index]
            let moduleName = String(cString: want.module)
            let name = String(cString: want.name)
            var found = false
            if moduleName == "wasi_snapshot_preview1" {
                found = wasmc_wasi_resolve(context, want.name, want.func_type, &imports[index])
            } else if EdgeWorldImports.modules.contains(moduleName) {
                if let type = want.func_type,
                    let entry = EdgeWorldImports.entry(module: moduleName, name: name, signature: String(cString: type))
                {
                    storage[index] = wasmc_func(type: Self.signature(entry.signature), code: entry.code, env: env, tail_code: nil)
                    imports[index].kind = WASMC_EXTERN_FUNC
                    imports[index].as.func = UnsafePointer(storage + index)
                    found = true
                }
            } else {
                found = wasmc_user_host_resolve(want.module, want.name, &imports[index])
            }
            if !found { return "unresolved import \"\(moduleName)\" \"\(name)\"" }
        }
        var trap = wasmc_trap_info()
        let status = wasmc_instantiate(module, imports, instance, &error, error.count, &trap)
        if status == WASMC_INSTANTIATION_TRAPPED { return "trapped while instantiating: \(Self.describe(trap))" }
        if status != WASMC_INSTANTIATED { return "cannot instantiate: \(String(cString: error))" }
        defer { wasmc_instance_free(instance) }
        var memoryExport = wasmc_extern()
        if wasmc_instance_export(instance, "memory", &memoryExport, nil), memoryExport.kind == WASMC_EXTERN_MEMORY {
            memory = memoryExport.as.memory
            wasmc_wasi_bind_memory(context, memory)
        }
        defer { memory = nil }
        wasmc_wasi_set_poll_hook(context, Self.pollHook, env)
        deliveryTrap = nil
        logger.log(.info, name, "started")
        if wasmc_instance_call(instance, "_start", nil, nil, &trap) {
            return "returned from _start"
        }
        if trap.kind == WASMC_TRAP_EXIT { return "exited with status \(trap.exit_code)" }
        if trap.kind == WASMC_TRAP_HOST, let deliveryTrap { return "trapped in \(deliveryTrap)" }
        return "trapped: \(Self.describe(trap))"
    }

    private func makeWASI(_ error: inout [CChar]) -> OpaquePointer? {
        var config = wasmc_wasi_config()
        wasmc_wasi_config_init(&config)
        let arguments = [strdup(name)]
        defer { arguments.forEach { free($0) } }
        let directories = self.directories.map { directory in
            wasmc_wasi_preopen(
                host_path: strdup(directory.host), guest_path: strdup(directory.guest),
                read_only: directory.readOnly)
        }
        defer {
            for directory in directories {
                free(UnsafeMutablePointer(mutating: directory.host_path))
                free(UnsafeMutablePointer(mutating: directory.guest_path))
            }
        }
        return arguments.map { UnsafePointer($0) }.withUnsafeBufferPointer { argv in
            directories.withUnsafeBufferPointer { preopens in
                listenSockets.withUnsafeBufferPointer { sockets in
                    config.argc = 1
                    config.argv = argv.baseAddress
                    config.preopen_count = Int32(preopens.count)
                    config.preopens = preopens.baseAddress
                    config.socket_count = Int32(sockets.count)
                    config.listen_sockets = sockets.baseAddress
                    return wasmc_wasi_create(&config, &error, error.count)
                }
            }
        }
    }
}
