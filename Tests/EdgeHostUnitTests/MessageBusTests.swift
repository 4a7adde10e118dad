import EdgeHostCore
import Testing

/// A module as the bus sees it, recording its wake-ups.
final class FakeMember: BusMember, @unchecked Sendable {
    let name: String
    let mailbox: Mailbox
    var durable: FakeDurable?
    var wakes = 0
    var durableDelivery: (any DurableDelivery)? { durable }

    init(_ name: String, capacity: Int = 16, durable: FakeDurable? = nil) {
        self.name = name
        mailbox = Mailbox(capacity: capacity)
        self.durable = durable
    }

    func wake() { wakes += 1 }

    var topics: [String] { mailbox.take(max: 100).map { String(decoding: $0.topic, as: UTF8.self) } }
}

final class FakeDurable: DurableDelivery, @unchecked Sendable {
    var filters: [[UInt8]]
    var stored: [BusMessage] = []
    var accepts = true
    var syncs = 0

    init(filters: [String] = []) { self.filters = filters.map { Array($0.utf8) } }

    func remember(filter: [UInt8]) { filters.append(filter) }
    func append(_ message: BusMessage) -> Bool {
        guard accepts else { return false }
        stored.append(message)
        return true
    }
    func sync() -> Bool {
        syncs += 1
        return true
    }
}

final class FakeUplink: Uplink, @unchecked Sendable {
    var offered: [String] = []
    func offer(_ message: BusMessage) -> Int32 {
        offered.append(String(decoding: message.topic, as: UTF8.self))
        return 0
    }
    func sync() -> Bool { true }
    func metric(_ name: String) -> UInt64? { nil }
}

func message(_ topic: String, _ payload: String = "") -> BusMessage {
    BusMessage(topic: Array(topic.utf8), payload: Array(payload.utf8), flags: 0)
}

@Suite("The message bus")
struct MessageBusTests {
    let bus = MessageBus(logger: Logger(minimum: .error))

    @Test func deliversToMatchingSubscribersButNotTheSender() {
        let a = FakeMember("a")
        let b = FakeMember("b")
        let c = FakeMember("c")
        for member in [a, b, c] { bus.join(member) }
        #expect(bus.subscribe(a, filter: Array("t/#".utf8)) == 0)
        #expect(bus.subscribe(b, filter: Array("t/+".utf8)) == 0)
        #expect(bus.subscribe(c, filter: Array("other".utf8)) == 0)
        #expect(bus.publish(from: a, message("t/x", "1")) == 0)
        #expect(a.topics == [])
        #expect(b.topics == ["t/x"])
        #expect(c.topics == [])
        #expect(b.wakes == 1 && c.wakes == 0)
        #expect(bus.published.value == 1)
    }

    @Test func refusesBadTopicsAndFilters() {
        let a = FakeMember("a")
        bus.join(a)
        #expect(bus.subscribe(a, filter: Array("a/#/b".utf8)) == -1)
        #expect(bus.publish(from: nil, message("a/+")) == -1)
        #expect(bus.published.value == 0)
    }

    @Test func boundsTheFiltersOfAModule() {
        let a = FakeMember("a")
        bus.join(a)
        for index in 0..<MessageBus.maximumFilters {
            #expect(bus.subscribe(a, filter: Array("f/\(index)".utf8)) == 0)
        }
        #expect(bus.subscribe(a, filter: Array("f/0".utf8)) == 0)  // already there: not a new one
        #expect(bus.subscribe(a, filter: Array("f/extra".utf8)) == -2)
    }

    @Test func aFullInboxDropsItsOldestMessage() {
        let a = FakeMember("a")
        let b = FakeMember("b", capacity: 2)
        bus.join(a)
        bus.join(b)
        _ = bus.subscribe(b, filter: Array("#".utf8))
        for topic in ["m/1", "m/2", "m/3"] { _ = bus.publish(from: a, message(topic)) }
        #expect(b.topics == ["m/2", "m/3"])
        #expect(bus.dropped.value == 1)
    }

    @Test func forgetsSubscriptionsOnRestartUnlessDurable() {
        let a = FakeMember("a")
        let plain = FakeMember("plain")
        let durable = FakeMember("durable", durable: FakeDurable(filters: ["kept/#"]))
        for member in [a, plain, durable] { bus.join(member) }
        _ = bus.subscribe(plain, filter: Array("kept/#".utf8))
        bus.clearSubscriptions(of: plain)
        bus.clearSubscriptions(of: durable)
        _ = bus.publish(from: a, message("kept/1"))
        #expect(plain.topics == [])
        // The durable member had the filter from before it joined, and kept it.
        #expect(durable.durable?.stored.map { String(decoding: $0.topic, as: UTF8.self) } == ["kept/1"])
        #expect(durable.topics == [])
    }

    @Test func aDurableInboxThatCannotStoreIsReported() {
        let a = FakeMember("a")
        let store = FakeDurable()
        let durable = FakeMember("durable", durable: store)
        bus.join(a)
        bus.join(durable)
        _ = bus.subscribe(durable, filter: Array("x".utf8))
        #expect(store.filters == [Array("x".utf8)])
        store.accepts = false
        #expect(bus.publish(from: a, message("x")) == -2)
        #expect(bus.dropped.value == 1)
        #expect(bus.sync())
        #expect(store.syncs == 1)
    }

    @Test func offersWhatModulesPublishUpstreamButNotWhatCameFromThere() {
        let a = FakeMember("a")
        let uplink = FakeUplink()
        bus.join(a)
        bus.uplink = uplink
        _ = bus.publish(from: a, message("up/1"))
        _ = bus.publish(from: nil, message("down/1"))  // from the bridge itself
        #expect(uplink.offered == ["up/1"])
    }
}
