import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One finished run of a program: what it printed and what it cost.
struct ChildRun: Sendable {
    /// Exit status, or 128 + signal number when a signal ended it.
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// From just before the spawn until the child exited (not counting the reaping).
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    /// The child's peak resident set size, from `wait4`'s `rusage` (`ru_maxrss`, KiB on Linux).
    var peakRSSKiB: Int
    var timedOut: Bool
}

/// Why a child could not be run at all.
struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// Spawns a program with `posix_spawn`, its output sent to files, and reaps it with `wait4`.
///
/// With a `measurer` (Benchmarks/measure/measure.c), that small program runs the child and
/// reports its wall time, CPU time and peak RSS: spawned straight from the harness, a child
/// would inherit the harness's peak RSS across exec. Without one, the times are the harness's
/// own (good enough for tools like clang).
///
/// The child leads its own process group; a run that outlives `timeout` is killed
/// with its whole group.
struct ChildProcess {
    var executable: String
    var arguments: [String]
    /// Where stdout and stderr go while the child runs (one pair of files, reused).
    var scratchDirectory: String
    /// The `measure` executable, for timed runs.
    var measurer: String? = nil

    func run(timeout: Double) throws -> ChildRun {
        let outputPath = scratchDirectory + "/stdout"
        let errorPath = scratchDirectory + "/stderr"
        let measurementPath = scratchDirectory + "/measurement"
        let command = measurer.map { [$0, measurementPath, executable] } ?? [executable]
        if measurer != nil { unlink(measurementPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Self.now()
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw SpawnError(description: "cannot run \(command[0]): \(String(cString: strerror(spawned)))")
        }

        let watchdog = Watchdog(processGroup: pid)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.expire() }
        // Wait for the exit without reaping, so the pid cannot be reused before the
        // watchdog is disarmed; then reap with wait4 for the resource usage.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let wall = Self.now() - start
        let timedOut = watchdog.disarm()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}

        var run = ChildRun(
            status: Self.exitStatus(status),
            standardOutput: Self.contents(outputPath),
            standardError: Self.contents(errorPath),
            wallSeconds: wall,
            userSeconds: Self.seconds(usage.ru_utime),
            systemSeconds: Self.seconds(usage.ru_stime),
            peakRSSKiB: Int(usage.ru_maxrss),
            timedOut: timedOut)
        if measurer != nil && !timedOut { try Self.readMeasurement(measurementPath, into: &run) }
        return run
    }

    /// Replaces the harness's view of the run with `measure`'s line:
    /// `status wall_ns user_us system_us peak_rss_kib`.
    static func readMeasurement(_ path: String, into run: inout ChildRun) throws {
        let fields = contents(path).split(separator: " ").compactMap {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard run.status == 0, fields.count == 5 else {
            throw SpawnError(description: "measure failed (exit \(run.status)): \(run.standardError)")
        }
        run.status = Int32(fields[0])
        run.wallSeconds = Double(fields[1]) / 1e9
        run.userSeconds = Double(fields[2]) / 1e6
        run.systemSeconds = Double(fields[3]) / 1e6
        run.peakRSSKiB = Int(fields[4])
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the child.
    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    static func contents(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}

/// Kills a child's process group once its time is up, unless the child finished first.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private let processGroup: pid_t
    private var finished = false
    private var fired = false

    init(processGroup: pid_t) { self.processGroup = processGroup }

    func expire() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        fired = true
        kill(-processGroup, SIGKILL)
    }

    /// Marks the child finished; returns whether the watchdog had killed it.
    func disarm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        return fired
    }
}
