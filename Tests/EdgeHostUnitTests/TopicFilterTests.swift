import EdgeHostCore
import Testing

@Suite("MQTT topic filters")
struct TopicFilterTests {
    func matches(_ filter: String, _ topic: String) -> Bool {
        TopicFilter.matches(filter: Array(filter.utf8), topic: Array(topic.utf8))
    }

    @Test func exactAndSingleLevelWildcard() {
        #expect(matches("sensors/temp", "sensors/temp"))
        #expect(!matches("sensors/temp", "sensors/temp/x"))
        #expect(matches("sensors/+/temp", "sensors/kitchen/temp"))
        #expect(!matches("sensors/+/temp", "sensors/kitchen/hall/temp"))
        #expect(matches("sensors/+", "sensors/"))  // an empty level is a level
    }

    @Test func multiLevelWildcard() {
        #expect(matches("sensors/#", "sensors"))  // "#" also matches the parent level
        #expect(matches("sensors/#", "sensors/a/b/c"))
        #expect(matches("#", "anything/at/all"))
        #expect(!matches("sensors/#", "actuators/a"))
    }

    @Test func dollarTopicsAreNotMatchedByLeadingWildcards() {
        #expect(!matches("#", "$SYS/broker/load"))
        #expect(!matches("+/broker/load", "$SYS/broker/load"))
        #expect(matches("$SYS/#", "$SYS/broker/load"))
    }

    @Test func validity() {
        #expect(TopicFilter.isValidFilter(Array("a/+/b/#".utf8)))
        #expect(!TopicFilter.isValidFilter(Array("a/b#".utf8)))
        #expect(!TopicFilter.isValidFilter(Array("a/#/b".utf8)))
        #expect(!TopicFilter.isValidFilter(Array("a+/b".utf8)))
        #expect(!TopicFilter.isValidFilter([]))
        #expect(TopicFilter.isValidTopic(Array("a/b".utf8)))
        #expect(!TopicFilter.isValidTopic(Array("a/+".utf8)))
        #expect(!TopicFilter.isValidTopic(Array("a/#".utf8)))
        #expect(!TopicFilter.isValidTopic([UInt8(ascii: "a"), 0]))
        #expect(!TopicFilter.isValidTopic([]))
    }
}
