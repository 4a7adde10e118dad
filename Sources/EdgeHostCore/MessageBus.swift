import Glibc

/// One message on the host's bus.
public struct BusMessage: Equatable, Sendable {
    public var topic: [UInt8]
    public var payload: [UInt8]
    /// Bits 0-1 QoS, bit 2 RETAIN (host.qos and host.message.retain of modules/edge.wit).
    public var flags: UInt32
    /// Its number in a module's DurableInbox, 0 for ordinary delivery.
    public var sequence: UInt64 = 0

    public init(topic: [UInt8], payload: [UInt8], flags: UInt32, sequence: UInt64 = 0) {
        self.topic = topic
        self.payload = payload
        self.flags = flags
        self.sequence = sequence
    }
}

/// A module as the bus sees it: where its messages go, and how to wake it for them.
public protocol BusMember: AnyObject {
    var name: String { get }
    /// Its ordinary inbox.
    var mailbox: Mailbox { get }
    /// Its at-least-once inbox instead of the mailbox, if it has one.
    var durableDelivery: (any DurableDelivery)? { get }
    /// Makes it look at its inbox (it may be waiting in poll_oneoff).
    func wake()
}

/// An inbox that keeps messages until the module says it is done with them, and keeps the
/// module's subscriptions across restarts.
public protocol DurableDelivery: AnyObject {
    /// The filters the module subscribed to, in order.
    var filters: [[UInt8]] { get }
    func remember(filter: [UInt8])
    /// Stores a message for the module; false when it cannot.
    func append(_ message: BusMessage) -> Bool
    /// Makes what was appended durable; false when it cannot.
    func sync() -> Bool
}

/// The way out of the host to an upstream broker, offered every message a module publishes.
public protocol Uplink: AnyObject {
    /// Takes the message if a filter wants it upstream; negative when it cannot store it.
    func offer(_ message: BusMessage) -> Int32
    func sync() -> Bool
    /// A figure for `metric-get` ("uplink.*"), nil for an unknown name.
    func metric(_ name: String) -> UInt64?
}

/// A module's bounded inbox. A full inbox drops its oldest message, counted.
public final class Mailbox: @unchecked Sendable {
    public let capacity: Int
    private let lock = Lock()
    private var messages: [BusMessage] = []
    private var head = 0
    public private(set) var dropped = 0

    public init(capacity: Int) { self.capacity = capacity }

    /// Adds a message; returns false when an older one had to be dropped for it.
    public func push(_ message: BusMessage) -> Bool {
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

    public func take(max count: Int) -> [BusMessage] {
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

    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return head == messages.count
    }
}

/// The publish/subscribe bus between modules (rule 1 of the edge ABI).
public final class MessageBus: @unchecked Sendable {
    public static let maximumFilters = 64

    private let lock = Lock()
    private var filters: [ObjectIdentifier: [[UInt8]]] = [:]
    private var members: [any BusMember] = []
    private let logger: Logger
    public let published = Counter()
    public let delivered = Counter()
    public let dropped = Counter()
    /// The upstream bridge, offered every message a module publishes (set before modules start).
    public var uplink: (any Uplink)?

    public init(logger: Logger) { self.logger = logger }

    /// A module with at-least-once delivery starts with the subscriptions it had before.
    public func join(_ module: any BusMember) {
        lock.lock()
        members.append(module)
        if let durable = module.durableDelivery { filters[ObjectIdentifier(module)] = durable.filters }
        lock.unlock()
    }

    /// Forget a module's subscriptions (it subscribes again when it restarts); those of a
    /// module with at-least-once delivery stay, so nothing for it is missed meanwhile.
    public func clearSubscriptions(of module: any BusMember) {
        guard module.durableDelivery == nil else { return }
        lock.lock()
        filters[ObjectIdentifier(module)] = nil
        lock.unlock()
    }

    /// 0, -1 for an invalid filter, -2 for too many.
    public func subscribe(_ module: any BusMember, filter: [UInt8]) -> Int32 {
        guard TopicFilter.isValidFilter(filter) else { return -1 }
        lock.lock()
        defer { lock.unlock() }
        var list = filters[ObjectIdentifier(module)] ?? []
        if list.contains(filter) { return 0 }
        guard list.count < Self.maximumFilters else { return -2 }
        list.append(filter)
        filters[ObjectIdentifier(module)] = list
        module.durableDelivery?.remember(filter: filter)
        return 0
    }

    /// Queues the message for every other module with a matching filter, and offers it to the
    /// upstream bridge when a module (not the bridge itself, `sender` nil) published it.
    /// 0, -1 for a bad topic, -2 when the bridge or an at-least-once inbox could not store it.
    public func publish(from sender: (any BusMember)?, _ message: BusMessage) -> Int32 {
        guard TopicFilter.isValidTopic(message.topic) else { return -1 }
        published.add()
        lock.lock()
        let receivers = members.filter { member in
            member !== sender
                && (filters[ObjectIdentifier(member)] ?? []).contains {
                    TopicFilter.matches(filter: $0, topic: message.topic)
                }
        }
        lock.unlock()
        var stored = true
        for receiver in receivers {
            if let durable = receiver.durableDelivery {
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
                logger.log(
                    .warn, receiver.name, "inbox full (\(receiver.mailbox.capacity)): dropped the oldest message")
            }
            receiver.wake()
        }
        if sender != nil, let uplink, uplink.offer(message) < 0 { stored = false }
        return stored ? 0 : -2
    }

    /// Makes every message queued so far durable: the uplink queue and every module's
    /// DurableInbox (`host.sync`). False if one could not be synced.
    public func sync() -> Bool {
        lock.lock()
        let durable = members.compactMap(\.durableDelivery)
        lock.unlock()
        var ok = uplink?.sync() ?? true
        for inbox in durable where !inbox.sync() { ok = false }
        return ok
    }
}

/// A thread-safe event counter.
public final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var count: UInt64 = 0

    public init() {}

    public func add(_ n: UInt64 = 1) {
        lock.lock()
        count &+= n
        lock.unlock()
    }

    public var value: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
