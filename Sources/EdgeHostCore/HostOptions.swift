import ArgumentParser
import Glibc

/// The edge host's command line.
///
/// What a module may reach outside the bus is granted to it by name, one flag per
/// capability, each `MODULE=VALUE` (repeatable): `--listen`, `--allow-http`,
/// `--http-endpoint`, `--module-dir`, `--module-dir-ro`. A grant to a module the program
/// does not contain is an error (see `Capabilities.check`). The flagship's flags stay as
/// its spelling of the same grants: `--server-socket-address` is `--listen server=…`,
/// `--gateway-allowed-host` is `--allow-http gateway=…`, `--gateway-endpoint` is
/// `--http-endpoint gateway=…`.
public struct HostOptions: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "edge-host",
        abstract: "Runs every module of the program at once, joined by a message bus, until SIGINT or SIGTERM.",
        discussion: """
            Capabilities are granted per module by its name (the file name of the .wasm it was compiled \
            from): --listen, --allow-http, --http-endpoint, --module-dir and --module-dir-ro take \
            MODULE=VALUE and may be repeated. A module that imports message-done (at-least-once delivery, \
            like the gateway) is a consumer: on shutdown the other modules stop first and it gets \
            --drain-seconds to forward what it holds.
            """)

    public init() {}

    // MARK: Capabilities, per module

    @Option(
        name: .customLong("listen"),
        help: ArgumentHelp(
            "A TCP address to listen on for the module (its WASI listening socket).",
            valueName: "module=addr:port"))
    public var listen: [ModuleGrant] = []

    @Option(
        name: .customLong("allow-http"),
        help: ArgumentHelp(
            "A host:port the module may send HTTP requests to; a module reaches no other.",
            valueName: "module=host:port"))
    public var allowHTTP: [ModuleGrant] = []

    @Option(
        name: .customLong("http-endpoint"),
        help: ArgumentHelp(
            "The URL the module sends its requests to (its configuration value \"endpoint\").",
            valueName: "module=url"))
    public var httpEndpoint: [ModuleGrant] = []

    @Option(
        name: .customLong("module-dir"),
        help: ArgumentHelp(
            "A host directory the module may use, read-write, as GUEST (default: the same path).",
            valueName: "module=host[::guest]"))
    public var moduleDirectories: [ModuleGrant] = []

    @Option(
        name: .customLong("module-dir-ro"),
        help: ArgumentHelp("A host directory the module may read.", valueName: "module=host[::guest]"))
    public var moduleReadOnlyDirectories: [ModuleGrant] = []

    // MARK: The flagship's spelling

    @Option(help: ArgumentHelp("Listen here for MQTT clients: --listen server=ADDR:PORT.", valueName: "addr:port"))
    public var serverSocketAddress: String?

    @Option(help: ArgumentHelp("Where the gateway POSTs events: --http-endpoint gateway=URL.", valueName: "url"))
    public var gatewayEndpoint: String?

    @Option(
        help: ArgumentHelp("A host:port the gateway may reach: --allow-http gateway=HOST:PORT.", valueName: "host:port")
    )
    public var gatewayAllowedHost: [String] = []

    // MARK: Every module

    @Option(
        name: [.customLong("http-ca-file"), .customLong("gateway-ca-file")],
        help: ArgumentHelp(
            "PEM file of the CAs an https:// destination must chain to (default: the system's bundle); certificates are always verified.",
            valueName: "path"))
    public var httpCAFile: String?

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("A host directory every module may use, read-write.", valueName: "host[::guest]"))
    public var directories: [String] = []

    @Option(
        name: .customLong("dir-ro"),
        help: ArgumentHelp("A host directory every module may read.", valueName: "host[::guest]"))
    public var readOnlyDirectories: [String] = []

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("A configuration value a module reads with config-get.", valueName: "module.key=value"))
    public var settingArguments: [String] = []

    @Option(help: "The least severe log level printed: debug, info, warn or error.")
    public var logLevel: LogLevel = .info

    @Option(help: "How long shutdown waits for the consumers (modules importing message-done) to drain, in seconds.")
    public var drainSeconds: Double = 5

    /// The upstream bridge (`--upstream*`, `--state-dir`).
    @OptionGroup(title: "Upstream bridge")
    public var upstream: UpstreamOptions

    public mutating func validate() throws {
        if let path = httpCAFile, access(path, R_OK) != 0 {
            throw ValidationError("--http-ca-file \(path): \(String(cString: strerror(errno)))")
        }
        for setting in settingArguments { _ = try Self.parseSetting(setting) }
        guard drainSeconds >= 0, drainSeconds.isFinite else {
            throw ValidationError("--drain-seconds takes a number of seconds, not \(drainSeconds)")
        }
        _ = try capabilities
    }

    /// `MODULE.KEY=VALUE`.
    static func parseSetting(_ setting: String) throws -> (module: String, key: String, value: String) {
        guard let equals = setting.firstIndex(of: "="),
            let dot = setting[..<equals].firstIndex(of: "."),
            dot > setting.startIndex
        else { throw ValidationError("--set takes MODULE.KEY=VALUE, not \(setting)") }
        return (
            String(setting[..<dot]), String(setting[setting.index(after: dot)..<equals]),
            String(setting[setting.index(after: equals)...])
        )
    }

    /// What each module is granted, the flagship's flags folded in.
    public var capabilities: Capabilities {
        get throws {
            var result = Capabilities()
            for grant in listen { result.listen[grant.module, default: []].append(grant.value) }
            if let address = serverSocketAddress { result.listen["server", default: []].append(address) }
            var allowed: [String: [String]] = [:]
            for grant in allowHTTP { allowed[grant.module, default: []].append(grant.value) }
            for host in gatewayAllowedHost { allowed["gateway", default: []].append(host) }
            for (module, hosts) in allowed {
                for host in hosts where !Self.isAuthority(host) {
                    throw ValidationError("--allow-http \(module)=\(host): give HOST:PORT (the port too)")
                }
            }
            result.http = HTTPAllowList(allowed)
            for setting in settingArguments {
                let (module, key, value) = try Self.parseSetting(setting)
                result.settings[module, default: [:]][key] = value
            }
            var endpoints = httpEndpoint
            if let url = gatewayEndpoint { endpoints.append(ModuleGrant(module: "gateway", value: url)) }
            for grant in endpoints {
                result.settings[grant.module, default: [:]]["endpoint"] = grant.value
                result.granted.insert(grant.module)
            }
            result.everyModuleDirectories =
                directories.map { Directory($0, readOnly: false) }
                + readOnlyDirectories.map { Directory($0, readOnly: true) }
            for grant in moduleDirectories {
                result.directories[grant.module, default: []].append(Directory(grant.value, readOnly: false))
            }
            for grant in moduleReadOnlyDirectories {
                result.directories[grant.module, default: []].append(Directory(grant.value, readOnly: true))
            }
            result.granted.formUnion(result.listen.keys)
            result.granted.formUnion(allowed.keys)
            result.granted.formUnion(result.directories.keys)
            return result
        }
    }

    /// `host:port` or `[v6]:port`, the form libcurl's destination is compared in.
    static func isAuthority(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon > text.startIndex,
            let port = UInt16(text[text.index(after: colon)...]), port > 0
        else { return false }
        return true
    }
}

/// `MODULE=VALUE`: a capability granted to one module.
public struct ModuleGrant: ExpressibleByArgument, Equatable, Sendable {
    public var module: String
    public var value: String

    public init(module: String, value: String) {
        self.module = module
        self.value = value
    }

    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals > argument.startIndex else { return nil }
        let value = String(argument[argument.index(after: equals)...])
        guard !value.isEmpty else { return nil }
        self.init(module: String(argument[..<equals]), value: value)
    }
}

/// A host directory a module may use: `HOST[::GUEST]`, the guest path defaulting to the host's.
public struct Directory: Equatable, Sendable {
    public var host: String
    public var guest: String
    public var readOnly: Bool

    public init(host: String, guest: String, readOnly: Bool) {
        self.host = host
        self.guest = guest
        self.readOnly = readOnly
    }

    init(_ spec: String, readOnly: Bool) {
        let (host, guest) = spec.splitOnce("::") ?? (spec, spec)
        self.init(host: host, guest: guest, readOnly: readOnly)
    }
}

/// What the command line grants each module.
public struct Capabilities: Equatable, Sendable {
    /// Addresses to listen on, by module.
    public var listen: [String: [String]] = [:]
    /// Where each module may send HTTP requests.
    public var http = HTTPAllowList()
    /// Directories for one module, by module.
    public var directories: [String: [Directory]] = [:]
    /// Directories for every module (`--dir`, `--dir-ro`).
    public var everyModuleDirectories: [Directory] = []
    /// Configuration values (`--set`, `--http-endpoint`), by module then key.
    public var settings: [String: [String: String]] = [:]
    /// Every module something is granted to by name (not `--set`, which is only configuration).
    public var granted: Set<String> = []

    public init() {}

    /// The directories `module` may use: those for every module, then its own.
    public func directories(for module: String) -> [Directory] {
        everyModuleDirectories + (directories[module] ?? [])
    }

    /// Refuses a grant to a module the program does not contain (a misspelt name would
    /// otherwise leave the real module without what it needs, silently).
    public func check(modules: [String]) throws(CapabilityError) {
        let unknown = granted.subtracting(modules).sorted()
        if !unknown.isEmpty { throw CapabilityError(unknown: unknown, modules: modules) }
    }
}

/// Capabilities granted to modules the program does not have.
public struct CapabilityError: Error, CustomStringConvertible, Equatable {
    public var unknown: [String]
    public var modules: [String]

    public var description: String {
        let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
        return "capabilities granted to \(unknown.count == 1 ? "a module" : "modules") the program does not contain: "
            + "\(names) (its modules: \(modules.joined(separator: ", ")))"
    }
}

extension LogLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { ["debug", "info", "warn", "error"] }
    public var defaultValueDescription: String { name }
}
