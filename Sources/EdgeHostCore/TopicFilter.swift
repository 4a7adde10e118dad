/// MQTT 3.1.1 topic names and filters (section 4.7).
public enum TopicFilter {
    /// A topic name a module may publish to: non-empty, no wildcards, no NUL.
    public static func isValidTopic(_ topic: [UInt8]) -> Bool {
        !topic.isEmpty && topic.count <= 65535
            && !topic.contains(UInt8(ascii: "+")) && !topic.contains(UInt8(ascii: "#")) && !topic.contains(0)
    }

    /// A filter: `+` fills a whole level, `#` only the whole last level.
    public static func isValidFilter(_ filter: [UInt8]) -> Bool {
        guard !filter.isEmpty, filter.count <= 65535, !filter.contains(0) else { return false }
        let levels = filter.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains(UInt8(ascii: "#")) && (level.count != 1 || index != levels.count - 1) { return false }
            if level.contains(UInt8(ascii: "+")) && level.count != 1 { return false }
        }
        return true
    }

    public static func matches(filter: [UInt8], topic: [UInt8]) -> Bool {
        // Filters starting with a wildcard do not match "$" topics.
        if topic.first == UInt8(ascii: "$"), let first = filter.first,
            first == UInt8(ascii: "+") || first == UInt8(ascii: "#")
        {
            return false
        }
        let filterLevels = filter.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var index = 0
        while index < filterLevels.count {
            let level = filterLevels[index]
            if level.elementsEqual([UInt8(ascii: "#")]) { return true }
            guard index < topicLevels.count else { return false }
            if !level.elementsEqual([UInt8(ascii: "+")]) && !level.elementsEqual(topicLevels[index]) { return false }
            index += 1
        }
        return index == topicLevels.count
    }
}
