import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    /// The exit code, or 128 + the signal number when a signal ended the child (the shell's
    /// convention).
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    /// The time limit ran out and the child was killed.
    public var timedOut: Bool
    /// From just before the spawn until the child exited (not counting the reaping).
    public var wallSeconds: Double
    /// CPU time of the child, from `wait4`'s resource usage.
    public var userSeconds: Double
    public var systemSeconds: Double
    /// The child's peak resident set size (`ru_maxrss`, KiB on Linux).
    public var peakRSSKiB: Int
}

/// Where a child's standard output and error go while it runs.
public enum OutputCapture: Sendable {
    /// Pipes drained as the child writes: for tools and test programs.
    case pipes
    /// The files `stdout` and `stderr` in a directory, read once the child exits: the
    /// parent does nothing while a timed child runs (the benchmark harness).
    case files(directory: String)
}

/// Runs child processes to completion: the one place wasmc starts a program (clang, swiftc,
/// wasm-tools, spec drivers, benchmarks), with `posix_spawn` and `wait4`.
///
/// The child starts with an empty signal mask and default signal actions whatever thread
/// spawns it (a guard-page program must receive its SIGSEGV), with standard input from
/// /dev/null. A child that outlives `timeout` is killed with SIGKILL (with its whole process
/// group when it leads one).
public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments`.
    /// - Parameters:
    ///   - environment: the child's whole environment; nil passes this process's.
    ///   - directory: the child's working directory; nil keeps this process's.
    ///   - ownProcessGroup: the child leads a new process group, so a timeout kills what it
    ///     started too; it then no longer gets the terminal's Ctrl-C.
    public static func run(
        _ executable: String, _ arguments: [String], timeout: TimeInterval? = nil,
        environment: [String: String]? = nil, directory: String? = nil, ownProcessGroup: Bool = false,
        capture: OutputCapture = .pipes
    ) throws(ToolchainError) -> ProcessResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        if let directory {
            guard let addChdir = spawnChdirAction else {
                throw ToolchainError(
                    "cannot run \(executable) in \(directory): this C library cannot spawn in a directory")
            }
            _ = addChdir(&actions, directory)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Pipes are made and spawned under one lock, close-on-exec, so no child spawned by
        // another thread meanwhile holds a write end open (its reader would wait for that
        // child to exit); dup2 clears the flag on the child's own copies.
        spawnLock.lock()
        var pipes: [(read: Int32, write: Int32)] = []
        switch capture {
        case .pipes:
            for target: Int32 in [1, 2] {
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else {
                    let reason = String(cString: strerror(errno))
                    for pipe in pipes {
                        close(pipe.read)
                        close(pipe.write)
                    }
                    spawnLock.unlock()
                    throw ToolchainError("cannot run \(executable): no pipe: \(reason)")
                }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                pipes.append((ends[0], ends[1]))
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
            }
        case .files(let directory):
            posix_spawn_file_actions_addopen(&actions, 1, directory + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, directory + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }

        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal: Int32 in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        if ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let start = now()
        let spawned =
            envp.map { posix_spawnp(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
        for pipe in pipes { close(pipe.write) }
        spawnLock.unlock()
        guard spawned == 0 else {
            for pipe in pipes { close(pipe.read) }
            throw ToolchainError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }

        // Drain both pipes while the child runs, so a chatty child never blocks on a full pipe.
        let drained = DispatchGroup()
        let outputs = pipes.map { pipe in
            let box = DataBox()
            DispatchQueue.global().async(group: drained) {
                box.data = FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true).readDataToEndOfFile()
            }
            return box
        }
        let watchdog = Watchdog(target: ownProcessGroup ? -pid : pid)
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.expire() } }
        // Wait for the exit without reaping, so the pid cannot be reused before the watchdog
        // is disarmed; then reap with wait4 for the resource usage.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let wall = now() - start
        let timedOut = watchdog.disarm()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        drained.wait()

        let standardOutput: String
        let standardError: String
        switch capture {
        case .pipes:
            standardOutput = String(decoding: outputs[0].data, as: UTF8.self)
            standardError = String(decoding: outputs[1].data, as: UTF8.self)
        case .files(let directory):
            standardOutput = contents(directory + "/stdout")
            standardError = contents(directory + "/stderr")
        }
        return ProcessResult(
            status: exitStatus(status), standardOutput: standardOutput, standardError: standardError,
            timedOut: timedOut, wallSeconds: wall, userSeconds: seconds(usage.ru_utime),
            systemSeconds: seconds(usage.ru_stime), peakRSSKiB: Int(usage.ru_maxrss))
    }

    /// Runs a build tool; a failure becomes a ToolchainError with the start of its diagnostics.
    static func runTool(_ executable: String, _ arguments: [String], what: String) throws(ToolchainError) {
        let result: ProcessResult
        do {
            result = try run(executable, arguments)
        } catch {
            throw ToolchainError("\(what): \(error)")
        }
        guard result.status == 0 else {
            let log = result.standardError.split(separator: "\n").prefix(40).joined(separator: "\n")
            throw ToolchainError("\(what) failed (exit \(result.status)):\n\(log)")
        }
    }

    /// A monotonic clock in seconds, for timing children and build steps.
    public static func now() -> Double {
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

/// Held while a child is spawned (see `ProcessRunner.run`).
private let spawnLock = NSLock()

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc
/// module does not declare (it is a GNU extension): looked up by name.
private let spawnChdirAction:
    (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np").map {
            unsafeBitCast(
                $0,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)
                    .self)
        }

final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Kills a child (or its process group, given as a negative pid) once its time is up, unless
/// the child finished first.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private let target: pid_t
    private var finished = false
    private var fired = false

    init(target: pid_t) { self.target = target }

    func expire() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        fired = true
        kill(target, SIGKILL)
    }

    /// Marks the child finished; returns whether the watchdog had killed it.
    func disarm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        return fired
    }
}
