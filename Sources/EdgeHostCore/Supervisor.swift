/// How long to wait before running a module again after it trapped or exited: 100 ms,
/// doubling up to 10 s; a run that lasted 30 s starts the series again.
public struct RestartBackoff: Equatable, Sendable {
    public static let initialSeconds = 0.1
    public static let maximumSeconds = 10.0
    /// A run at least this long counts as healthy: the wait starts again from the beginning.
    public static let healthyRunSeconds = 30.0

    /// The wait before the next restart.
    public private(set) var seconds = RestartBackoff.initialSeconds

    public init() {}

    /// The wait after a run that lasted `runSeconds`; the one after it doubles.
    public mutating func next(afterRunOf runSeconds: Double) -> Double {
        if runSeconds > Self.healthyRunSeconds { seconds = Self.initialSeconds }
        let wait = seconds
        seconds = min(seconds * 2, Self.maximumSeconds)
        return wait
    }
}

/// Runs a module again and again until it is asked to stop: the restart loop of each
/// module's thread. Inbox messages are kept across restarts (by the module host).
public struct Supervisor {
    /// Reads the monotonic clock, in seconds.
    public var clock: () -> Double = monotonicSeconds
    /// Sleeps for a short slice while waiting to restart (stop requests are seen between slices).
    public var sleep: (Double) -> Void = sleepSeconds

    public init() {}

    /// Calls `runOnce` (one incarnation; returns why it ended) until `isStopping` says so,
    /// waiting `RestartBackoff` between runs and telling `restarting` each time (the
    /// outcome, the wait in seconds, the restart's number). Returns the number of restarts.
    @discardableResult
    public func supervise(
        isStopping: () -> Bool, runOnce: () -> String, restarting: (String, Double, Int) -> Void
    ) -> Int {
        var backoff = RestartBackoff()
        var restarts = 0
        while !isStopping() {
            let started = clock()
            let outcome = runOnce()
            if isStopping() { break }
            restarts += 1
            let wait = backoff.next(afterRunOf: clock() - started)
            restarting(outcome, wait, restarts)
            let deadline = clock() + wait
            while !isStopping() && clock() < deadline { sleep(0.01) }
        }
        return restarts
    }
}

/// A running module as shutdown sees it.
public protocol SupervisedModule: AnyObject {
    var name: String { get }
    /// A consumer (it imports `message-done`: it acknowledges what it has forwarded) is
    /// stopped last, after the producers, once it has drained what it holds.
    var isConsumer: Bool { get }
    /// True while it has undelivered messages or a request in flight.
    var isDraining: Bool { get }
    /// Asks it to stop at its next poll_oneoff.
    func stop()
    func waitUntilStopped(timeout: Double) -> Bool
}

/// The order of a clean shutdown (SIGINT, SIGTERM): producers stop first, so nothing new
/// arrives; consumers get up to `drainSeconds` to forward what they hold (until they have
/// been idle for 0.3 s), then stop.
public struct Shutdown {
    public var drainSeconds: Double
    public var logger: Logger
    /// How long each module gets to stop once asked.
    public var stopTimeout = 2.0

    public init(drainSeconds: Double, logger: Logger) {
        self.drainSeconds = drainSeconds
        self.logger = logger
    }

    public func run(_ modules: [any SupervisedModule]) {
        let consumers = modules.filter(\.isConsumer)
        let producers = modules.filter { !$0.isConsumer }
        stop(producers)
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
            sleepSeconds(0.02)
        }
        for module in consumers where module.isDraining {
            logger.log(.warn, module.name, "still had messages or a request in flight after \(drainSeconds) s")
        }
        stop(consumers)
    }

    private func stop(_ modules: [any SupervisedModule]) {
        for module in modules { module.stop() }
        for module in modules where !module.waitUntilStopped(timeout: stopTimeout) {
            logger.log(.warn, module.name, "did not stop within \(Int(stopTimeout)) s")
        }
    }
}
