import ArgumentParser
import Foundation
import WasmC
import WasmCBackEnd

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Compile a module (cached) and run it.",
        discussion: """
            Everything after the module goes to the program: --dir HOST[::GUEST], --dir-ro HOST[::GUEST], \
            --env K=V, --listen ADDR:PORT, then -- and the guest's arguments. Compiled programs are kept \
            in $WASMC_CACHE_DIR (default ~/.cache/wasmc), keyed by the module, the options and the runtime.
            """)

    @Option(help: "Memory sandbox: guard or explicit.")
    var bounds: BoundsStrategy = .guardPages

    @Option(help: "clang optimisation level.")
    var opt: String = "-O2"

    @Option(
        help: ArgumentHelp(
            "The instruction-set level compiled code may use (as for compile): x86-64-v2 (the default), x86-64-v3, x86-64-v4, armv8-a, …, or native.",
            valueName: "level"))
    var cpu: String?

    @Argument(help: "The .wasm module.")
    var input: String

    @Argument(parsing: .captureForPassthrough, help: "Options and arguments for the program.")
    var programArguments: [String] = []

    func run() throws {
        let level: CPULevel?
        do {
            level = try cpu.map { name throws(ToolchainError) in try CPULevel(name: name, for: .host) }
        } catch {
            throw ValidationError(error.description)
        }
        let session = try Session(bounds: bounds, optimization: opt, cpu: level)
        let executable = try session.cachedProgram(
            try ModuleFile.read(input), name: ModuleFile.stem(input), path: input, cache: CompileCache.standard())
        // Become the program: its exit status and signals are the user's. exec keeps the
        // signal mask and ignored signals, which this process's runtime may have changed.
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { signal(signalNumber, SIG_DFL) }
        let arguments = [executable] + programArguments
        var cArguments = arguments.map { strdup($0) } + [nil]
        execv(executable, &cArguments)
        throw InputError("cannot run \(executable): \(String(cString: strerror(errno)))")
    }
}
