import EdgeHostCore
import Testing

@Suite("Restarts and shutdown")
struct SupervisorTests {
    @Test func backoffDoublesUpToTenSecondsAndResetsAfterAHealthyRun() {
        var backoff = RestartBackoff()
        let waits = (0..<9).map { _ in backoff.next(afterRunOf: 0.5) }
        #expect(waits == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10, 10])
        #expect(backoff.next(afterRunOf: 31) == 0.1)
        #expect(backoff.next(afterRunOf: 1) == 0.2)
    }

    /// A supervisor on a clock of its own: each run takes `runSeconds`, sleeping advances time.
    final class Scenario: @unchecked Sendable {
        var now = 0.0
        var runs = 0
        var stopAfterRuns: Int
        var runSeconds: [Double]
        var restarts: [(outcome: String, wait: Double, number: Int)] = []

        init(stopAfterRuns: Int, runSeconds: [Double]) {
            self.stopAfterRuns = stopAfterRuns
            self.runSeconds = runSeconds
        }

        func run() -> Int {
            var supervisor = Supervisor()
            supervisor.clock = { self.now }
            supervisor.sleep = { self.now += $0 }
            return supervisor.supervise(
                isStopping: { self.stopNow },
                runOnce: {
                    self.now += self.runSeconds[min(self.runs, self.runSeconds.count - 1)]
                    self.runs += 1
                    if self.runs >= self.stopAfterRuns { self.stopNow = true }
                    return "trapped: unreachable (run \(self.runs))"
                },
                restarting: { self.restarts.append(($0, $1, $2)) })
        }

        var stopNow = false
    }

    @Test func restartsAfterEachTrapWithTheBackoffUntilStopped() {
        let scenario = Scenario(stopAfterRuns: 4, runSeconds: [1, 1, 40, 1])
        let restarts = scenario.run()
        // Stopped during the fourth run: three restarts, none after the stop.
        #expect(restarts == 3)
        #expect(scenario.runs == 4)
        #expect(scenario.restarts.map(\.wait) == [0.1, 0.2, 0.1])  // the 40 s run reset the wait
        #expect(scenario.restarts.map(\.number) == [1, 2, 3])
        #expect(scenario.restarts.first?.outcome == "trapped: unreachable (run 1)")
        // The waits were really waited: 1 + 0.1 + 1 + 0.2 + 40 + 0.1 + 1 seconds, give or take a slice.
        #expect(abs(scenario.now - 43.4) < 0.05)
    }

    @Test func aModuleStoppedBeforeItStartsNeverRuns() {
        var runs = 0
        let restarts = Supervisor().supervise(
            isStopping: { true },
            runOnce: {
                runs += 1
                return ""
            }, restarting: { _, _, _ in })
        #expect(runs == 0 && restarts == 0)
    }

    /// A module that records when it was asked to stop, and drains for a while after.
    final class FakeModule: SupervisedModule, @unchecked Sendable {
        let name: String
        let isConsumer: Bool
        let drainUntil: Double
        let log: EventLog
        var stopped = false

        init(_ name: String, consumer: Bool, drainSeconds: Double = 0, log: EventLog) {
            self.name = name
            isConsumer = consumer
            drainUntil = monotonicSeconds() + drainSeconds
            self.log = log
        }

        var isDraining: Bool { !stopped && monotonicSeconds() < drainUntil }
        func stop() {
            stopped = true
            log.events.append("stop \(name) (draining: \(monotonicSeconds() < drainUntil))")
        }
        func waitUntilStopped(timeout: Double) -> Bool { stopped }
    }

    final class EventLog: @unchecked Sendable { var events: [String] = [] }

    @Test func producersStopFirstAndConsumersDrainBeforeTheyStop() {
        let log = EventLog()
        let modules = [
            FakeModule("gateway", consumer: true, drainSeconds: 0.3, log: log),
            FakeModule("server", consumer: false, drainSeconds: 5, log: log),
            FakeModule("telemetry", consumer: false, log: log),
        ]
        let started = monotonicSeconds()
        Shutdown(drainSeconds: 3, logger: Logger(minimum: .error)).run(modules)
        #expect(
            log.events == [
                "stop server (draining: true)", "stop telemetry (draining: false)", "stop gateway (draining: false)",
            ])
        // It waited for the drain (0.3 s, then 0.3 s of quiet), not the whole 3 s.
        let took = monotonicSeconds() - started
        #expect(took > 0.3 && took < 2)
    }

    @Test func aConsumerThatNeverDrainsIsStoppedAtTheDeadline() {
        let log = EventLog()
        let gateway = FakeModule("gateway", consumer: true, drainSeconds: 60, log: log)
        let started = monotonicSeconds()
        Shutdown(drainSeconds: 0.4, logger: Logger(minimum: .error)).run([gateway])
        #expect(log.events == ["stop gateway (draining: true)"])
        #expect(monotonicSeconds() - started >= 0.4)
    }
}
