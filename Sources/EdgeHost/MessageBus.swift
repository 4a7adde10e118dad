import Glibc

/// One message on the host's bus.
struct BusMessage {
    var topic: [UInt8]
    var payload: [UInt8]
    /// Bits 0-1 QoS, bit 2 RETAIN (host.qos and host.message.retain of modules/edge.wit).
    var flags: UInt32
    /// Its number in a module's DurableInbox, 0 for ordinary delivery.
    var sequence: UInt64 = 0
}

/// A module's bounded inbox. A full inbox drops its oldest message, counted.
final class Mailbox: @unchecked Sendable {
    let capacity: Int
    private let lock = Lock()
    private var messages: [BusMessage] = []
    private var head = 0
    private(set) var dropped = 0

    init(capacity: Int) { self.capacity = capacity }

    /// Adds a message; returns false when an older one had to be dropped for it.
    func push(_ message: BusMessage) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        var kept = true
        if messages.count - head >= capacity {
            head += 1
            dropped += 1
            kept = false
        }
        messages.append(message)
        if head > 1024 && head * 2 > messages.count {
            messages.removeFirst(head)
            head = 0
        }
        return kept
    }

    func take(max count: Int) -> [BusMessage] {
        lock.lock()
        defer { lock.unlock() }
        let end = min(messages.count, head + count)
        let batch = Array(messages[head..<end])
        head = end
        if head == messages.count {
            messages.removeAll(keepingCapacity: true)
            head = 0
        }
        return batch
    }

    var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return head == messages.count
    }
}

/// The publish/subscribe bus between modules (rule 1 of the edge ABI).
final class MessageBus: @unchecked Sendable {
    static let maximumFilters = 64

    private let lock = Lock()
    private var filters: [ObjectIdentifier: [[UInt8]]] = [:]
    private var members: [ModuleHost] = []
    private let logger: Logger
    let published = Counter()
    let delivered = Counter()
    let dropped = Counter()
    /// The upstream bridge, offered every message a module publishes (set before modules start).
    var uplink: UpstreamBridge?

    init(logger: Logger) { self.logger = logger }

    /// A module with at-least-once delivery starts with the subscriptions it had before.
    func join(_ module: ModuleHost) {
        lock.lock()
        members.append(module)
        if let durable = module.durable { filters[ObjectIdentifier(module)] = durable.filters }
        lock.unlock()
    }

    /// Forget a module's subscriptions (it subscribes again when it restarts); those of a
    /// module with at-least-once delivery stay, so nothing for it is missed meanwhile.
    func clearSubscriptions(of module: ModuleHost) {
        guard module.durable == nil else { return }
        lock.lock()
        filters[ObjectIdentifier(module)] = nil
        lock.unlock()
    }

    /// 0, -1 for an invalid filter, -2 for too many.
    func subscribe(_ module: ModuleHost, filter: [UInt8]) -> Int32 {
        guard TopicFilter.isValidFilter(filter) else { return -1 }
        lock.lock()
        defer { lock.unlock() }
        var list = filters[ObjectIdentifier(module)] ?? []
        if list.contains(filter) { return 0 }
        guard list.count < Self.maximumFilters else { return -2 }
        list.append(filter)
        filters[ObjectIdentifier(module)] = list
        module.durable?.remember(filter: filter)
        return 0
    }

    /// Queues the message for every other module with a matching filter, and offers it to the
    /// upstream bridge when a module (not the bridge itself, `sender` nil) published it.
    /// 0, -1 for a bad topic, -2 when the bridge or an at-least-once inbox could not store it.
    func publish(from sender: ModuleHost?, _ message: BusMessage) -> Int32 {
        guard TopicFilter.isValidTopic(message.topic) else { return -1 }
        published.add()
        lock.lock()
        let receivers = members.filter { member in
            member !== sender
                && (filters[ObjectIdentifier(member)] ?? []).contains { TopicFilter.matches(filter: $0, topic: message.topic) }
        }
        lock.unlock()
        var stored = true
        for receiver in receivers {
            if let durable = receiver.durable {
                if !durable.append(message) {
                    stored = false
                    dropped.add()
                    logger.log(.warn, receiver.name, "cannot queue a message for delivery: dropped")
                }
                receiver.wake()
                continue
            }
            if !receiver.mailbox.push(message) {
                dropped.add()
                logger.log(.warn, receiver.name, "inbox full (\(receiver.mailbox.capacity)): dropped the oldest message")
            }
            receiver.wake()
        }
        if sender != nil, let uplink, uplink.offer(message) < 0 { stored = false }
        return stored ? 0 : -2
    }

    /// Makes every message queued so far durable: the uplink queue and every module's
    /// DurableInbox (`host.sync`). False if one could not be synced.
    func sync() -> Bool {
        lock.lock()
        let durable = members.compactMap(\.durable)
        lock.unlock()
        var ok = uplink?.sync() ?? true
        for inbox in durable where !inbox.sync() { ok = false }
        return ok
    }
}

/// A thread-safe event counter.
final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var count: UInt64 = 0

    func add(_ n: UInt64 = 1) {
        lock.lock()
        count &+= n
        lock.unlock()
    }

    var value: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
