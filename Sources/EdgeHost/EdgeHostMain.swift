import ArgumentParser
import EdgeHostCore
import Glibc
import WasmcRuntime

/// The edge host: runs every module of the program at once, each on its own thread,
/// joined by the message bus and the host-import table, until SIGINT or SIGTERM.
///
/// This target is built by `swift build` and linked, prebuilt, into each program by
/// `wasmc compile`; the program's generated C provides `wasmc_program_modules`.
@main
enum EdgeHostMain {
    static func main() {
        let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
        let logger = Logger(minimum: options.logLevel)

        var count: Int32 = 0
        let program = wasmc_program_modules(&count)!
        let entries = (0..<Int(count)).map { (name: String(cString: program[$0].name), module: program[$0].module!) }
        let capabilities: Capabilities
        do {
            capabilities = try options.capabilities
            try capabilities.check(modules: entries.map(\.name))
        } catch {
            writeAll(2, "edge-host: \(error)\n")
            exit(2)
        }

        guard wasmc_edge_http_init(options.httpCAFile) else {
            logger.log(.error, "host", "cannot initialise libcurl")
            exit(70)
        }

        // Signals are taken synchronously by this thread; module threads inherit the mask.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        var listenSockets: [String: [Int32]] = [:]
        for entry in entries {
            for address in capabilities.listen[entry.name] ?? [] {
                var error = [CChar](repeating: 0, count: 256)
                let fd = wasmc_wasi_listen_tcp(address, &error, error.count)
                guard fd >= 0 else {
                    logger.log(.error, "host", "--listen \(entry.name)=\(address): \(String(cString: error))")
                    exit(70)
                }
                listenSockets[entry.name, default: []].append(fd)
                logger.log(.info, "host", "listening on \(address) for the \(entry.name) module")
            }
        }

        let bus = MessageBus(logger: logger)
        let http = HTTPGateway(allowed: capabilities.http, logger: logger)
        var uplink: UpstreamBridge?
        if options.upstream.host != nil {
            guard let bridge = UpstreamBridge.start(options.upstream, bus: bus, logger: logger) else { exit(70) }
            uplink = bridge
            bus.uplink = bridge
        }

        var modules: [ModuleHost] = []
        for entry in entries {
            let module = ModuleHost(
                name: entry.name, module: entry.module, capabilities: capabilities,
                listenSockets: listenSockets[entry.name] ?? [], upstream: options.upstream, bus: bus, http: http,
                logger: logger)
            bus.join(module)
            modules.append(module)
        }
        for module in modules where !module.start() {
            logger.log(.error, module.name, "cannot start a thread")
            exit(70)
        }

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.log(.info, "host", "received \(received == SIGINT ? "SIGINT" : "SIGTERM"): shutting down")
        Shutdown(drainSeconds: options.drainSeconds, logger: logger).run(modules)
        uplink?.stop()
        for fd in listenSockets.values.joined() { close(fd) }
        logger.log(
            .info, "host",
            "stopped: published \(bus.published.value), delivered \(bus.delivered.value), dropped \(bus.dropped.value), http requests \(http.requests.value)"
        )
        exit(0)
    }

    /// The command line, or exit: 0 after `--help`, 2 with the error and the usage line.
    static func parseOptions(_ arguments: [String]) -> HostOptions {
        do {
            return try HostOptions.parse(arguments)
        } catch {
            if HostOptions.exitCode(for: error) == .success { HostOptions.exit(withError: error) }
            writeAll(2, "edge-host: \(HostOptions.message(for: error))\n\(HostOptions.usageString())\n")
            exit(2)
        }
    }
}
