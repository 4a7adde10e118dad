import EdgeHostCore
import Glibc
import WasmcRuntime

/// The host side of `http-post` (modules/edge.wit): the destination policy, then libcurl.
final class HTTPGateway: @unchecked Sendable {
    /// Modules allowed to make requests, and the host:port each may reach.
    private let allowed: HTTPAllowList
    private let logger: Logger
    let requests = Counter()

    init(allowed: HTTPAllowList, logger: Logger) {
        self.allowed = allowed
        self.logger = logger
    }

    func post(from module: ModuleHost, url: String, contentType: String, body: [UInt8], timeoutMs: UInt32) -> Int32 {
        var authority = [CChar](repeating: 0, count: 512)
        guard wasmc_edge_url_authority(url, &authority, authority.count) else {
            logger.log(.warn, module.name, "http: refused \(url): not an http(s) URL")
            return -1
        }
        let destination = String(cString: authority)
        guard allowed.permits(module: module.name, authority: destination) else {
            logger.log(
                .warn, module.name, "http: refused \(url): \(destination) is not an allowed host for this module")
            return -1
        }
        requests.add()
        module.setBusy(true)
        defer { module.setBusy(false) }
        var error = [CChar](repeating: 0, count: 256)
        let timeout = timeoutMs == 0 ? 10_000 : min(timeoutMs, 60_000)
        let key = module.durable?.idempotencyKey
        let status = body.withUnsafeBytes { raw in
            wasmc_edge_http_post(url, contentType, raw.baseAddress, raw.count, timeout, key, &error, error.count)
        }
        if status == WASMC_EDGE_HTTP_TLS {
            // A refused certificate is never retried quietly: it is a warning each time.
            logger.log(.warn, module.name, "http: POST \(url) refused: TLS: \(String(cString: error))")
            return WASMC_EDGE_HTTP_OTHER
        }
        if status < 0 {
            logger.log(.info, module.name, "http: POST \(url) failed: \(String(cString: error))")
        } else {
            logger.log(.debug, module.name, "http: POST \(url) -> \(status)")
        }
        return status
    }
}
