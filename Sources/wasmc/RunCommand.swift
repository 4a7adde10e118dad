import ArgumentParser
import Foundation
import WasmC

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

    @Argument(help: "The .wasm module.")
    var input: String

    @Argument(parsing: .captureForPassthrough, help: "Options and arguments for the program.")
    var programArguments: [String] = []

    func run() throws {
        let bytes = try ModuleFile.read(input)
        let runtime = try RuntimeLibrary.locate()
        let cache = CompileCache.standard()
        let key = cache.key(module: bytes, options: [bounds.rawValue, opt], runtime: runtime)
        let directory = "\(cache.directory)/\(key)"
        let executable = "\(directory)/\(ModuleFile.stem(input))"
        if !FileManager.default.isExecutableFile(atPath: executable) {
            let name = ModuleFile.stem(input)
            let edgeHost = try? SwiftHost.edgeHost(in: Installation.locate())
            let linked: LinkedModule
            do {
                let validated = try Compiler.validate(bytes)
                let translation = ModuleEmitter(
                    module: validated, name: name, options: EmitOptions(guardPages: bounds.usesGuardPages)
                ).emit()
                linked = LinkedModule(name: name, path: input, module: validated, translation: translation)
                try ExecutableBuilder.checkImports([linked], swiftHost: edgeHost)
            } catch {
                throw InputError("\(input): \(error)")
            }
            var builder = ExecutableBuilder(
                clang: try Clang.find(), runtime: runtime, guardPages: bounds.usesGuardPages, optimization: opt)
            builder.runtimeCache = cache.directory + "/runtime"
            builder.swiftHost = edgeHost
            // Build in a directory of this run's own and rename the program into place, so
            // two runs at once never share files and a cut-short build is never reused.
            let work = try WorkDirectory.makePrivate(in: directory, prefix: "work-")
            let built = "\(work)/\(ModuleFile.stem(input))"
            try builder.build([linked], workDirectory: work, output: built)
            try WorkDirectory.publish(built, as: executable)
            WorkDirectory.remove(work)
        }
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
