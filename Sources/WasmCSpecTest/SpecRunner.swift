import Foundation
import WasmC
import WasmCBackEnd

/// How to build and run the scripts.
public struct SpecRunOptions: Sendable {
    public var guardPages: Bool
    /// Split modules with more instructions than this into several C files (see EmitOptions);
    /// a small value makes the spec modules exercise the split translation.
    public var partInstructions: Int?
    /// Optimisation level for the modules' C (`-O0` … `-O2`).
    public var optimization: String
    /// Where generated C, objects and drivers go.
    public var workDirectory: String
    /// Seconds a script's driver may run.
    public var timeout: Double
    /// The machine the drivers are built for; another than this one runs them under qemu.
    public var target: Target = .host

    public init(
        guardPages: Bool, partInstructions: Int? = EmitOptions.defaultPartInstructions, optimization: String,
        workDirectory: String, timeout: Double = 120
    ) {
        self.guardPages = guardPages
        self.partInstructions = partInstructions
        self.optimization = optimization
        self.workDirectory = workDirectory
        self.timeout = timeout
    }
}

/// The result of one script.
public struct SpecFileResult: Sendable {
    public var path: String
    public var assertions: [SpecAssertion]
    /// Set-up commands (modules, invokes, registrations) that failed: they fail the run too.
    public var setupFailures: [SpecAssertion]
    public var seconds: Double

    public var passed: Int { assertions.filter { $0.outcome == .passed }.count }
    public var failed: Int { assertions.filter { if case .failed = $0.outcome { true } else { false } }.count }
    public var skipped: Int { assertions.filter { if case .skipped = $0.outcome { true } else { false } }.count }
}

/// Runs `.wast` scripts against wasmc's own output: `wasm-tools json-from-wast` turns a script
/// into commands and binary modules, every module is translated to C, compiled with clang and
/// driven by a generated C program that executes the commands in order in its own process.
public struct SpecRunner: Sendable {
    let options: SpecRunOptions
    let clang: Clang
    let runtime: RuntimeLibrary
    let runtimeObjects: [String]
    let tools: WasmTools

    public init(options: SpecRunOptions) throws {
        self.options = options
        var clang = try Clang.find()
        clang.target = options.target
        self.clang = clang
        tools = try WasmTools.find()
        runtime = try RuntimeLibrary.locate()
        let objectDirectory = options.workDirectory + "/runtime"
        var objects = try runtime.build([.core], guardPages: options.guardPages, into: objectDirectory, clang: clang)
        let host = "\(objectDirectory)/spectest_host\(options.guardPages ? "-guard" : "-explicit").o"
        try clang.compile(
            runtime.root + "/spectest/spectest_host.c", to: host, includeDirectories: [runtime.includeDirectory],
            defines: options.guardPages ? ["WASMC_BOUNDS_GUARD"] : [], optimization: "-O1")
        objects.append(host)
        runtimeObjects = objects
    }

    public func run(file path: String) -> SpecFileResult {
        let start = Date()
        // A directory per script path, so scripts of one name in different folders (a proposal's
        // `address.wast` and the core one) never share one.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.deletingPathExtension().path
        let directory = "\(options.workDirectory)/scripts\(absolute)"
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let scriptDirectory = "\(directory)/script"
        let commands: [WastCommand]
        do {
            commands = try tools.convert(path, into: scriptDirectory)
        } catch {
            return SpecFileResult(
                path: path, assertions: [],
                setupFailures: [SpecAssertion(line: 0, kind: "script", outcome: .failed("cannot convert \(path): \(error)"))],
                seconds: Date().timeIntervalSince(start))
        }
        let plan = SpecPlan(
            commands: commands, directory: scriptDirectory, tools: tools,
            options: EmitOptions(bounds: options.guardPages ? .guardPages : .explicit, partInstructions: options.partInstructions))
        var assertions = plan.staticResults
        var setupFailures = plan.setupFailures

        var driverOutcomes: [Int: SpecOutcome] = [:]
        var driverFailure: String?
        if !plan.commands.isEmpty {
            do {
                let output = try buildAndRun(plan, directory: directory)
                driverOutcomes = output.outcomes
                driverFailure = output.failure
            } catch {
                driverFailure = "\(error)"
            }
        }
        for command in plan.commands {
            let outcome = driverOutcomes[command.line] ?? .failed(driverFailure ?? "no result (driver stopped early)")
            if let kind = command.assertionKind {
                assertions.append(SpecAssertion(line: command.line, kind: kind, outcome: outcome))
            } else if case .failed = outcome {
                if case .register = command { continue }
                setupFailures.append(SpecAssertion(line: command.line, kind: "command", outcome: outcome))
            }
        }
        assertions.sort { $0.line < $1.line }
        return SpecFileResult(
            path: path, assertions: assertions, setupFailures: setupFailures,
            seconds: Date().timeIntervalSince(start))
    }

    private func buildAndRun(_ plan: SpecPlan, directory: String) throws -> (outcomes: [Int: SpecOutcome], failure: String?) {
        var units: [(source: String, object: String)] = []
        var headers: [String] = []
        for translation in plan.modules.compactMap({ $0 }) {
            for file in translation.sourceFiles {
                let source = "\(directory)/\(file.name)"
                try file.text.write(toFile: source, atomically: false, encoding: .utf8)
                units.append((source, String(source.dropLast(2)) + ".o"))
            }
            try translation.header.write(toFile: "\(directory)/\(translation.prefix).h", atomically: false, encoding: .utf8)
            headers.append(translation.prefix)
        }
        let driver = "\(directory)/driver.c"
        try SpecDriver.source(plan, headers: headers).write(toFile: driver, atomically: false, encoding: .utf8)
        let include = [runtime.includeDirectory, runtime.root + "/spectest", directory]
        try clang.compileAll(units, includeDirectories: include, optimization: options.optimization)
        try clang.compile(driver, to: "\(directory)/driver.o", includeDirectories: include, optimization: "-O0")
        let executable = "\(directory)/driver"
        // A driver for another machine is static, so qemu needs nothing of the target's.
        let targetFlags = options.target.isHost ? [] : options.target.staticLinkFlags
        try clang.link(
            units.map(\.object) + ["\(directory)/driver.o"] + runtimeObjects, output: executable,
            flags: targetFlags + ["-lm", "-lpthread"])
        let command = options.target.command(running: executable)
        let result = try ProcessRunner.run(command.executable, command.arguments, timeout: options.timeout)
        var outcomes: [Int: SpecOutcome] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            if line.hasPrefix("ok "), let number = Int(line.dropFirst(3)) {
                outcomes[number] = .passed
            } else if line.hasPrefix("fail "), let colon = line.firstIndex(of: ":"),
                let number = Int(line[line.index(line.startIndex, offsetBy: 5)..<colon]) {
                outcomes[number] = .failed(String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
        }
        var failure: String?
        if result.timedOut {
            failure = "driver timed out after \(Int(options.timeout)) s"
        } else if result.status != 0 {
            failure = "driver exited with status \(result.status): \(result.standardError.prefix(300))"
        }
        return (outcomes, failure)
    }
}

/// Generates the C driver for a plan.
enum SpecDriver {
    static func source(_ plan: SpecPlan, headers: [String]) -> String {
        var out = ["/* Generated by wasmc spec-test. */", "#include \"spectest_host.h\""]
        for header in headers { out.append("#include \"\(header).h\"") }
        out.append("")
        // Commands go in functions of at most `commandsPerFunction`: back ends have passes that
        // grow faster than linearly with a function's size (ARM's constant islands, AArch64's
        // -O0 instruction selector), and a script's main with thousands of commands took
        // 5-16 s to compile for ARM against 0.6 s for x86-64.
        let commandsPerFunction = 200
        var parts = 0
        func array(_ type: String, _ values: [String], _ name: String) -> String {
            values.isEmpty ? "const \(type) *\(name) = NULL;" : "static const \(type) \(name)[] = {\(values.joined(separator: ", "))};"
        }
        func literal(_ s: String) -> String { cString(s) }
        for (index, command) in plan.commands.enumerated() {
            if index % commandsPerFunction == 0 {
                if index > 0 { out.append("}") }
                out.append("static void commands\(parts)(void) {")
                parts += 1
            }
            switch command {
            case .module(let line, let instance, let module):
                out.append("  spec_module(\(line), \(instance), &wasmc_module_m\(module));")
            case .register(let line, let name, let instance):
                out.append("  spec_register(\(line), \(literal(name)), \(instance));")
            case .invoke(let line, let instance, let export, let arguments):
                out.append("  spec_name(\(export.utf8.count));")
                out.append("  { \(array("wasmc_value", arguments, "a")) spec_invoke(\(line), \(instance), \(literal(export)), a, \(arguments.count)); }")
            case .assertReturn(let line, let instance, let export, let arguments, let expected):
                out.append("  spec_name(\(export.utf8.count));")
                out.append("  { \(array("wasmc_value", arguments, "a")) \(array("spec_expect", expected, "e")) spec_assert_return(\(line), \(instance), \(literal(export)), a, \(arguments.count), e, \(expected.count)); }")
            case .assertGet(let line, let instance, let global, let expected):
                out.append("  { static const spec_expect e = \(expected); spec_assert_get(\(line), \(instance), \(literal(global)), &e); }")
            case .assertTrap(let line, let instance, let export, let arguments, let message):
                out.append("  spec_name(\(export.utf8.count));")
                out.append("  { \(array("wasmc_value", arguments, "a")) spec_assert_trap(\(line), \(instance), \(literal(export)), a, \(arguments.count), \(literal(message))); }")
            case .assertExhaustion(let line, let instance, let export, let arguments):
                out.append("  spec_name(\(export.utf8.count));")
                out.append("  { \(array("wasmc_value", arguments, "a")) spec_assert_exhaustion(\(line), \(instance), \(literal(export)), a, \(arguments.count)); }")
            case .assertUnlinkable(let line, let module):
                out.append("  spec_assert_unlinkable(\(line), &wasmc_module_m\(module));")
            case .assertUninstantiable(let line, let instance, let module, let message):
                out.append("  spec_assert_uninstantiable(\(line), \(instance), &wasmc_module_m\(module), \(literal(message)));")
            }
        }
        if parts > 0 { out.append("}") }
        out.append("")
        out.append("int main(void) {")
        out.append("  spec_init();")
        for part in 0..<parts { out.append("  commands\(part)();") }
        out.append("  return 0;")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    static func cString(_ string: String) -> String {
        var out = "\""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20...0x7e where byte != UInt8(ascii: "?"): out.unicodeScalars.append(UnicodeScalar(byte))
            default: out += String(format: "\\%03o", byte)
            }
        }
        return out + "\""
    }
}
