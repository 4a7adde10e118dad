import EdgeHostCore
import Glibc
import WasmcRuntime

/// At-least-once delivery to a module that imports `host.message-done` (the gateway):
/// every message for it goes into a `wasmc_queue` (on disk under `--state-dir/MODULE`,
/// otherwise in memory) instead of the ordinary inbox, is delivered in order, and leaves
/// the queue only when the module calls `message-done` for it. Messages delivered
/// but not done when the module traps, or when the host is killed, are delivered again
/// (the module restarts, or the host replays the queue when it starts).
///
/// Flow control: at most `window` messages are delivered and not done at a time, so the
/// module's own bounded queue never overflows; the backlog waits here, on disk.
///
/// Its subscriptions are kept too (in `DIRECTORY/subscriptions`), and the bus has them
/// from the moment the host starts and while the module restarts: a message published
/// before the module has (re)subscribed is queued for it, not missed.
final class DurableInbox: DurableDelivery, @unchecked Sendable {
    static let window = 64

    private let queue: OpaquePointer
    private let lock = Lock()
    /// Delivered and not yet done, in delivery order.
    private var pending: [UInt64] = []
    /// The next sequence number to deliver.
    private var cursor: UInt64 = 0
    /// Unique to the queue, so (prefix, sequence) is an idempotency key across restarts.
    let keyPrefix: String
    private let subscriptionsPath: String?
    /// The filters the module subscribed to, in order (restored at start).
    private(set) var filters: [[UInt8]] = []

    init?(module name: String, stateDirectory: String?, maxBytes: UInt64, logger: Logger) {
        var directory: String?
        if let state = stateDirectory {
            if mkdir(state, 0o700) != 0 && errno != EEXIST {
                logger.log(.error, name, "--state-dir \(state): cannot create it")
                return nil
            }
            directory = state + "/" + name
        }
        var error = [CChar](repeating: 0, count: 512)
        let context = Unmanaged.passRetained(LogContext(logger: logger, module: name)).toOpaque()
        guard let queue = wasmc_queue_open(directory, maxBytes, LogContext.line, context, &error, error.count) else {
            logger.log(.error, name, "cannot open the delivery queue: \(String(cString: error))")
            return nil
        }
        self.queue = queue
        keyPrefix = DurableInbox.queueIdentity(directory)
        subscriptionsPath = directory.map { $0 + "/subscriptions" }
        if let path = subscriptionsPath, let file = fopen(path, "r") {
            var line = [CChar](repeating: 0, count: 65600)
            while fgets(&line, Int32(line.count), file) != nil {
                var text = Array(String(cString: line).utf8)
                if text.last == UInt8(ascii: "\n") { text.removeLast() }
                if !text.isEmpty && TopicFilter.isValidFilter(text) { filters.append(text) }
            }
            fclose(file)
        }
        let held = wasmc_queue_get_stats(queue).records
        logger.log(.info, name, "at-least-once delivery from \(directory ?? "memory") (\(held) message(s) waiting)")
    }

    /// Queues a message for the module; false when it could not be stored.
    func append(_ message: BusMessage) -> Bool {
        let need = 3 + message.topic.count + message.payload.count
        var record = [UInt8](repeating: 0, count: need)
        let written = message.topic.withUnsafeBufferPointer { topic in
            message.payload.withUnsafeBufferPointer { payload in
                topic.withMemoryRebound(to: CChar.self) { topic in
                    wasmc_bridge_encode_record(
                        &record, need, topic.baseAddress, topic.count, payload.baseAddress,
                        payload.count, UInt8(message.flags & 3), message.flags & 4 != 0)
                }
            }
        }
        guard written == need else { return false }
        return wasmc_queue_append(queue, record, need) != 0
    }

    /// Up to `count` messages to deliver now (fewer when the window is full).
    func take(max count: Int) -> [BusMessage] {
        lock.lock()
        defer { lock.unlock() }
        var batch: [BusMessage] = []
        var buffer: [UInt8] = []
        while batch.count < count && pending.count + batch.count < Self.window {
            var found: UInt64 = 0
            // Ask for the length first (nothing copied), so an idle poll allocates nothing.
            var length = wasmc_queue_read(queue, cursor, nil, 0, &found)
            if length < 0 { break }
            if Int(length) > buffer.count { buffer = [UInt8](repeating: 0, count: Int(length)) }
            length = wasmc_queue_read(queue, cursor, &buffer, buffer.count, &found)
            if length < 0 { break }
            cursor = found + 1
            let record = buffer[..<Int(length)]
            let start = record.startIndex
            guard record.count >= 3 else {
                wasmc_queue_ack(queue, found)
                continue
            }
            let topicLength = Int(record[start + 1]) << 8 | Int(record[start + 2])
            guard 3 + topicLength <= record.count else {
                wasmc_queue_ack(queue, found)
                continue
            }
            batch.append(
                BusMessage(
                    topic: Array(record[(start + 3)..<(start + 3 + topicLength)]),
                    payload: Array(record[(start + 3 + topicLength)...]),
                    flags: UInt32(record[start] & 7), sequence: found))
        }
        return batch
    }

    /// The message is being handed to the module (before `guest.on-message`).
    func delivering(_ sequence: UInt64) {
        lock.withLock { pending.append(sequence) }
    }

    /// `message-done`: the oldest delivered message is finished. False if none was pending.
    func done() -> Bool {
        lock.lock()
        guard !pending.isEmpty else {
            lock.unlock()
            return false
        }
        let sequence = pending.removeFirst()
        lock.unlock()
        wasmc_queue_ack(queue, sequence)
        return true
    }

    /// The module restarted: what it held but had not finished is delivered again.
    func rewind() {
        lock.withLock {
            pending.removeAll()
            cursor = 0
        }
    }

    /// The idempotency key of the message the module is working on: the oldest pending one.
    var idempotencyKey: String? {
        lock.withLock { pending.first.map { "\(keyPrefix)-\($0)" } }
    }

    /// True while messages wait or are being worked on.
    var isEmpty: Bool { wasmc_queue_first(queue) == 0 }

    func sync() -> Bool { wasmc_queue_sync(queue) }

    /// The module subscribed to `filter`: remembered (on disk, replaced atomically) if new.
    func remember(filter: [UInt8]) {
        let added = lock.withLock { () -> Bool in
            if filters.contains(filter) { return false }
            filters.append(filter)
            return true
        }
        guard added, let path = subscriptionsPath, let file = fopen(path + ".tmp", "w") else { return }
        let text = lock.withLock { filters.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined() }
        fputs(text, file)
        fflush(file)
        fsync(fileno(file))
        fclose(file)
        rename(path + ".tmp", path)
    }

    func close() { wasmc_queue_close(queue) }

    /// A random identity kept in DIRECTORY/id (a new one each run for an in-memory queue).
    private static func queueIdentity(_ directory: String?) -> String {
        let path = directory.map { $0 + "/id" }
        if let path, let file = fopen(path, "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 64)
            if fgets(&line, 64, file) != nil {
                let text = String(cString: line).filter { $0.isHexDigit }
                if text.count == 16 { return text }
            }
        }
        var bytes = [UInt8](repeating: 0, count: 8)
        if let random = fopen("/dev/urandom", "r") {
            _ = fread(&bytes, 1, 8, random)
            fclose(random)
        }
        let text = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        if let path, let file = fopen(path, "w") {
            fputs(text + "\n", file)
            fflush(file)
            fsync(fileno(file))
            fclose(file)
        }
        return text
    }
}

/// What the queue's C log callback needs: the logger and the module to tag lines with.
final class LogContext {
    let logger: Logger
    let module: String

    init(logger: Logger, module: String) {
        self.logger = logger
        self.module = module
    }

    static let line: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafePointer<CChar>?) -> Void = {
        context, level, line in
        let target = Unmanaged<LogContext>.fromOpaque(context!).takeUnretainedValue()
        target.logger.log(LogLevel(guestLevel: level), target.module, line.map { String(cString: $0) } ?? "")
    }
}
