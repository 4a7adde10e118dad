import Glibc

/// How severe a log line is (`--log-level` keeps this one and the more severe).
public enum LogLevel: Int, Comparable, Sendable {
    case debug, info, warn, error

    public init?(name: String) {
        switch name {
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error": self = .error
        default: return nil
        }
    }

    public init(guestLevel: UInt32) {
        self = LogLevel(rawValue: Int(min(guestLevel, 3))) ?? .error
    }

    public var name: String { ["debug", "info", "warn", "error"][rawValue] }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Structured log lines on standard error: `time level module=NAME message`, one write per line.
public final class Logger: @unchecked Sendable {
    public let minimum: LogLevel
    private let lock = Lock()

    public init(minimum: LogLevel) { self.minimum = minimum }

    public func log(_ level: LogLevel, _ module: String, _ message: String) {
        guard level >= minimum else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let clean = message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
        let milliseconds = String(now.tv_nsec / 1_000_000)
        let padded = String(repeating: "0", count: 3 - milliseconds.count) + milliseconds
        let line = "\(now.tv_sec).\(padded) \(level.name) module=\(module) \(clean)\n"
        lock.withLock { writeAll(2, line) }
    }
}
