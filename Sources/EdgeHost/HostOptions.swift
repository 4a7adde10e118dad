import Glibc

/// The edge host's command line.
struct HostOptions {
    var serverSocketAddress: String?
    var gatewayEndpoint: String?
    var gatewayAllowedHosts: [String] = []
    /// PEM CAs the gateway's HTTPS endpoint must chain to; nil for the system store.
    var gatewayCAFile: String?
    /// Directories every module may reach: (host, guest, read-only).
    var directories: [(host: String, guest: String, readOnly: Bool)] = []
    /// `--set MODULE.KEY=VALUE`, by module then key.
    var settings: [String: [String: String]] = [:]
    var logLevel: LogLevel = .info
    /// Seconds SIGINT/SIGTERM waits for the gateway to drain before stopping it.
    var drainSeconds: Double = 5
    /// The upstream bridge (`--upstream*`, `--state-dir`): see UpstreamOptions.
    var upstream = UpstreamOptions()

    static let usage = """
        usage: edge-host [--server-socket-address ADDR:PORT] [--gateway-endpoint URL]
                         [--gateway-allowed-host HOST:PORT]... [--gateway-ca-file PATH] [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]]
                         [--set MODULE.KEY=VALUE]... [--log-level debug|info|warn|error] [--drain-seconds S]
                         [--upstream mqtt[s]://HOST:PORT [--upstream-topic 'FILTER out|in|both [QOS]']...
                          [--upstream-ca-file PEM]
                          [--upstream-client-id ID] [--upstream-username NAME] [--upstream-password-file FILE]
                          [--upstream-keepalive S] [--state-dir DIR] [--queue-max-bytes N]]
          --server-socket-address  listen here for MQTT clients (given to the "server" module)
          --gateway-endpoint       where the "gateway" module POSTs events
          --gateway-allowed-host   the only host:port the gateway may reach (repeatable)
          --gateway-ca-file        PEM file of the CAs an https endpoint must chain to (default:
                                   the system's bundle); certificates are always verified
          --dir, --dir-ro          a host directory the modules may use (read-write or read-only)
          --set                    a configuration value a module reads with config-get
          --log-level              the least severe log level printed (default info)
          --drain-seconds          how long shutdown waits for the gateway's queue (default 5)
          --upstream               bridge to this MQTT broker (a cluster's address); mqtts:// for TLS
          --upstream-ca-file       CA certificates (PEM) for mqtts:// (default: the system's)
          --upstream-topic         a filter, its direction and the most QoS it is forwarded with
                                   (default 1); repeatable; `out` sends local messages upstream,
                                   `in` subscribes upstream and publishes locally
          --upstream-client-id     client id upstream (default edge-HOSTNAME); the state topic is
                                   $SYS/broker/connection/ID/state (retained "1" connected, "0" not)
          --upstream-username, --upstream-password-file   credentials (the file's first line)
          --upstream-keepalive     seconds (default 30)
          --state-dir              a directory the host owns: the uplink queue survives restarts there
          --queue-max-bytes        bound of the uplink queue (default 64 MiB); when full the oldest go
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> HostOptions {
        var options = HostOptions()
        var index = 0
        func value(_ flag: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--server-socket-address": options.serverSocketAddress = try value(flag)
            case "--gateway-endpoint": options.gatewayEndpoint = try value(flag)
            case "--gateway-allowed-host": options.gatewayAllowedHosts.append(try value(flag).lowercased())
            case "--gateway-ca-file":
                let path = try value(flag)
                guard access(path, R_OK) == 0 else {
                    throw UsageError(description: "--gateway-ca-file \(path): \(String(cString: strerror(errno)))")
                }
                options.gatewayCAFile = path
            case "--dir", "--dir-ro":
                let spec = try value(flag)
                let (host, guest) = spec.splitOnce("::") ?? (spec, spec)
                options.directories.append((host, guest, flag == "--dir-ro"))
            case "--set":
                let setting = try value(flag)
                guard let equals = setting.firstIndex(of: "="),
                    let dot = setting[..<equals].firstIndex(of: "."),
                    dot > setting.startIndex
                else { throw UsageError(description: "--set takes MODULE.KEY=VALUE, not \(setting)") }
                let module = String(setting[..<dot])
                let key = String(setting[setting.index(after: dot)..<equals])
                options.settings[module, default: [:]][key] = String(setting[setting.index(after: equals)...])
            case "--log-level":
                let name = try value(flag)
                guard let level = LogLevel(name: name) else {
                    throw UsageError(description: "--log-level must be debug, info, warn or error, not \(name)")
                }
                options.logLevel = level
            case "--drain-seconds":
                let text = try value(flag)
                guard let seconds = Double(text), seconds >= 0 else {
                    throw UsageError(description: "--drain-seconds takes a number of seconds, not \(text)")
                }
                options.drainSeconds = seconds
            case "--upstream", "--upstream-topic", "--upstream-client-id", "--upstream-username", "--upstream-ca-file",
                "--upstream-password-file", "--upstream-keepalive", "--state-dir", "--queue-max-bytes":
                try options.upstream.set(flag, try value(flag))
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                throw UsageError(description: "unknown option \(flag)")
            }
            index += 1
        }
        try options.upstream.validate()
        if let endpoint = options.gatewayEndpoint {
            options.settings["gateway", default: [:]]["endpoint"] = endpoint
        }
        return options
    }
}
