/// Where each module may send HTTP requests (`--allow-http MODULE=HOST:PORT`): a module
/// reaches exactly the `host:port` destinations granted to it, and nothing else. A module
/// that was granted none makes no request at all.
public struct HTTPAllowList: Equatable, Sendable {
    /// Lower-cased `host:port` destinations, by module name.
    public private(set) var destinations: [String: [String]]

    public init(_ destinations: [String: [String]] = [:]) {
        self.destinations = destinations.mapValues { $0.map { $0.lowercased() } }
    }

    /// Whether `module` may reach `authority` (`host:port`, as libcurl will connect to it;
    /// host names compare case-insensitively).
    public func permits(module: String, authority: String) -> Bool {
        destinations[module]?.contains(authority.lowercased()) ?? false
    }
}
