import Glibc
import WasmcRuntime

/// The edge host: runs every module of the program at once, each on its own thread,
/// joined by the message bus and the host-import table, until SIGINT or SIGTERM.
@main
enum EdgeHostMain {
    static func main() {
        let options: HostOptions
        do {
            options = try HostOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            writeAll(2, "edge-host: \(error)\n\(HostOptions.usage)\n")
            exit(2)
        }
        let logger = Logger(minimum: options.logLevel)
        guard wasmc_edge_http_init(options.gatewayCAFile) else {
            logger.log(.error, "host", "cannot initialise libcurl")
            exit(70)
        }

        // Signals are taken synchronously by this thread; module threads inherit the mask.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        var serverSockets: [Int32] = []
        if let address = options.serverSocketAddress {
            var error = [CChar](repeating: 0, count: 256)
            let fd = wasmc_wasi_listen_tcp(address, &error, error.count)
            guard fd >= 0 else {
                logger.log(.error, "host", "--server-socket-address \(address): \(String(cString: error))")
                exit(70)
            }
            serverSockets.append(fd)
            logger.log(.info, "host", "listening on \(address) for the server module")
        }

        var allowed: [String: [String]] = [:]
        if !options.gatewayAllowedHosts.isEmpty { allowed["gateway"] = options.gatewayAllowedHosts }
        let bus = MessageBus(logger: logger)
        let http = HTTPGateway(allowed: allowed, logger: logger)
        if options.upstream.host != nil {
            guard let uplink = UpstreamBridge.start(options.upstream, bus: bus, logger: logger) else { exit(70) }
            bus.uplink = uplink
        }

        var count: Int32 = 0
        let program = wasmc_program_modules(&count)!
        var modules: [ModuleHost] = []
        for index in 0..<Int(count) {
            let entry = program[index]
            let name = String(cString: entry.name)
            let module = ModuleHost(
                name: name, module: entry.module, options: options,
                listenSockets: name == "server" ? serverSockets : [], bus: bus, http: http, logger: logger)
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
        shutDown(modules, drainSeconds: options.drainSeconds, logger: logger)
        bus.uplink?.stop()
        for fd in serverSockets { close(fd) }
        logger.log(
            .info, "host",
            "stopped: published \(bus.published.value), delivered \(bus.delivered.value), dropped \(bus.dropped.value), http requests \(http.requests.value)"
        )
        exit(0)
    }

    /// Producers stop first; the gateway gets up to `drainSeconds` to forward what it holds.
    static func shutDown(_ modules: [ModuleHost], drainSeconds: Double, logger: Logger) {
        let consumers = modules.filter { $0.name == "gateway" }
        let producers = modules.filter { $0.name != "gateway" }
        for module in producers { module.stop() }
        for module in producers where !module.waitUntilStopped(timeout: 2) {
            logger.log(.warn, module.name, "did not stop within 2 s")
        }
        let deadline = monotonicSeconds() + drainSeconds
        var quietSince: Double?
        while monotonicSeconds() < deadline {
            if consumers.contains(where: \.isDraining) {
                quietSince = nil
            } else if let since = quietSince, monotonicSeconds() - since > 0.3 {
                break
            } else if quietSince == nil {
                quietSince = monotonicSeconds()
            }
            usleep(20_000)
        }
        for module in consumers where module.isDraining {
            logger.log(.warn, module.name, "still had messages or a request in flight after \(drainSeconds) s")
        }
        for module in consumers { module.stop() }
        for module in consumers where !module.waitUntilStopped(timeout: 2) {
            logger.log(.warn, module.name, "did not stop within 2 s")
        }
    }
}
