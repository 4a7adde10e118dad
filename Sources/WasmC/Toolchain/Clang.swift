import Foundation
import WasmCBackEnd

/// A failure of an external tool (clang, the linker, a generated program).
public struct ToolchainError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs clang: finds it, compiles C to objects (in parallel), links executables.
public struct Clang: Sendable {
    public var executable: String
    /// The machine compiled for; every compile, link and library search says so to clang.
    public var target: Target = .host
    /// The instruction-set level compiled code may use (`--cpu`); nil is the target's baseline.
    public var cpu: CPULevel?

    /// The flags of `cpu` on `target`: `Target.baselineFlags` unless `--cpu` names another level.
    public var cpuFlags: [String] { (cpu ?? .baseline(for: target.architecture)).flags(for: target) }

    /// Finds clang: `$CC` if set, else `clang` on `PATH`, else the Swift toolchain's.
    public static func find() throws(ToolchainError) -> Clang {
        let environment = ProcessInfo.processInfo.environment
        if let cc = environment["CC"], !cc.isEmpty { return Clang(executable: cc) }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/clang"
            if FileManager.default.isExecutableFile(atPath: candidate) { return Clang(executable: candidate) }
        }
        for candidate in ["/opt/swift/usr/bin/clang", "/usr/bin/clang"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return Clang(executable: candidate)
        }
        throw ToolchainError("clang not found: install clang or set CC")
    }

    /// Compiles one C file to an object file.
    public func compile(
        _ source: String, to object: String, includeDirectories: [String], defines: [String] = [],
        optimization: String = "-O2", extraFlags: [String] = []
    ) throws(ToolchainError) {
        var arguments = target.clangFlags + ["-c", source, "-o", object, optimization, "-std=gnu17", "-fPIC", "-g0"]
        arguments += cpuFlags
        arguments += Self.generatedCodeFlags
        arguments += includeDirectories.map { "-I\($0)" }
        arguments += defines.map { "-D\($0)" }
        arguments += extraFlags
        try run(arguments, what: "compiling \(source)")
    }

    /// Compiles several C files, `jobs` at a time. Throws the first failure.
    public func compileAll(
        _ units: [CompileUnit], includeDirectories: [String], optimization: String = "-O2",
        extraFlags: [String] = [], jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws(ToolchainError) {
        let failures = ErrorBox()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        for unit in units {
            queue.addOperation {
                do {
                    try self.compile(
                        unit.source, to: unit.object, includeDirectories: includeDirectories, defines: unit.defines,
                        optimization: optimization, extraFlags: extraFlags)
                } catch {
                    failures.record(error)
                }
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        if let first = failures.first { throw first }
    }

    /// Links objects and libraries into an executable.
    public func link(_ objects: [String], output: String, flags: [String]) throws(ToolchainError) {
        try run(target.clangFlags + objects + ["-o", output] + flags, what: "linking \(output)")
    }

    /// The full path of a library file on clang's search path (`-print-file-name`).
    public func findLibrary(_ file: String) throws(ToolchainError) -> String {
        let result = try ProcessRunner.run(executable, target.clangFlags + ["-print-file-name=\(file)"])
        let path = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard path.hasPrefix("/"), FileManager.default.fileExists(atPath: path) else {
            throw ToolchainError(
                "\(file) not found for \(target) (for --static or --target, install "
                    + "\(target.debianPackages.joined(separator: " ")) or the -dev package that ships it)")
        }
        return path
    }

    /// How generated code is compiled. It is correct C; the warnings only flag its deliberate idioms.
    static let generatedCodeFlags = [
        "-Wno-unused-label", "-Wno-unused-variable", "-Wno-unused-but-set-variable",
        "-Wno-return-type", "-Wno-unused-function", "-Wno-incompatible-function-pointer-types",
        "-Wno-cast-function-type-mismatch", "-Wno-tautological-compare", "-Wno-parentheses-equality",
        "-Wno-unused-value", "-fno-strict-aliasing", "-fwrapv",
        // Recursion must stay recursion (no sibling calls, no tail-recursion elimination), so
        // recursion that never ends exhausts the stack and traps instead of looping forever.
        "-fno-optimize-sibling-calls",
        // A frame bigger than a page touches its pages in order, so running out of stack
        // always hits the guard page (guard-page modules rely on it; see runtime-c/core/trap.c).
        "-fstack-clash-protection",
        // Functions and loops start on 32-byte boundaries (the fetch window of current x86
        // cores), so a hot loop's speed does not depend on the size of unrelated code before
        // it: measured, the same machine code of a loop ran up to 25% slower 16 bytes off.
        "-falign-functions=32", "-falign-loops=32",
    ]

    func run(_ arguments: [String], what: String) throws(ToolchainError) {
        try ProcessRunner.runTool(executable, arguments, what: what)
    }
}

/// One C file to compile and the object it becomes.
public struct CompileUnit: Sendable {
    public var source: String
    public var object: String
    /// Preprocessor definitions for this file alone: `BoundsStrategy.cDefines` for the
    /// runtime and host C, none for generated C (which carries its own).
    public var defines: [String]

    public init(source: String, object: String, defines: [String] = []) {
        self.source = source
        self.object = object
        self.defines = defines
    }

    /// Generated C (`x.c`), compiled to `x.o` beside it.
    public init(generated source: String) {
        self.init(source: source, object: String(source.dropLast(2)) + ".o")
    }
}

/// Collects errors from concurrent work.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [ToolchainError] = []

    func record(_ error: Error) {
        lock.lock()
        errors.append(error as? ToolchainError ?? ToolchainError("\(error)"))
        lock.unlock()
    }

    var first: ToolchainError? {
        lock.lock()
        defer { lock.unlock() }
        return errors.first
    }
}
