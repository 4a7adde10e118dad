import Foundation
import WasmC
import WasmCBackEnd
import WasmCFrontEnd

/// The result of one script.
public struct SpecFileResult: Sendable {
    public var path: String
    public var assertions: [SpecAssertion]
    /// Set-up commands (modules, invokes, registrations) that failed: they fail the run too.
    public var setupFailures: [SpecAssertion]
    public var seconds: Double
    /// How the script was converted when `wasm-tools json-from-wast` could not (see `Wast2Json`).
    public var conversionNote: String? = nil

    public var passed: Int { assertions.filter { $0.outcome == .passed }.count }
    public var failed: Int { assertions.filter { if case .failed = $0.outcome { true } else { false } }.count }
    public var skipped: Int { assertions.filter { if case .skipped = $0.outcome { true } else { false } }.count }
}

/// Runs `.wast` scripts against wasmc's own output: `wasm-tools json-from-wast` turns a script
/// into commands and binary modules, every module is translated to C, compiled with clang and
/// driven by a generated C program that executes the commands in order in its own process.
public struct SpecRunner: Sendable {
    /// The target, bounds strategy, optimisation level of the modules and split size.
    let session: Session
    /// Where generated C, objects and drivers go.
    let workDirectory: String
    /// Seconds a script's driver may run.
    let timeout: Double
    let runtimeObjects: [String]
    let tools: WasmTools

    /// Compiles the runtime's core and the spectest host for the session's settings.
    public init(session: Session, workDirectory: String, timeout: Double = 120) throws {
        self.session = session
        self.workDirectory = workDirectory
        self.timeout = timeout
        tools = try WasmTools.find()
        let objectDirectory = workDirectory + "/runtime"
        // The runtime at -O2 whatever the modules' level, as before: only the modules' C
        // is compiled at the spec runner's level.
        var runtimeSession = session
        runtimeSession.optimization = "-O2"
        var objects = try runtimeSession.runtimeObjects([.core], into: objectDirectory)
        let host = "\(objectDirectory)/spectest_host-\(session.bounds.rawValue).o"
        try session.compileRuntimeC(
            session.runtime.root + "/spectest/spectest_host.c", to: host,
            includeDirectories: [session.runtime.includeDirectory], optimization: "-O1")
        objects.append(host)
        runtimeObjects = objects
    }

    public func run(file path: String) -> SpecFileResult {
        let start = Date()
        // A directory per script path, so scripts of one name in different folders (a proposal's
        // `address.wast` and the core one) never share one.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.deletingPathExtension().path
        let directory = "\(workDirectory)/scripts\(absolute)"
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let scriptDirectory = "\(directory)/script"
        let commands: [WastCommand]
        let conversionNote: String?
        do {
            let converted = try tools.convertWithFallback(path, into: scriptDirectory)
            commands = converted.commands
            conversionNote = converted.fallback
        } catch {
            return SpecFileResult(
                path: path, assertions: [],
                setupFailures: [
                    SpecAssertion(line: 0, kind: "script", outcome: .failed("cannot convert \(path): \(error)"))
                ],
                seconds: Date().timeIntervalSince(start))
        }
        let plan = SpecPlan(
            commands: commands, directory: scriptDirectory, tools: tools,
            options: session.emitOptions)
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
            seconds: Date().timeIntervalSince(start), conversionNote: conversionNote)
    }

    private func buildAndRun(_ plan: SpecPlan, directory: String) throws -> (
        outcomes: [Int: SpecOutcome], failure: String?
    ) {
        var units: [CompileUnit] = []
        var headers: [String] = []
        for translation in plan.modules.compactMap({ $0 }) {
            for file in translation.sourceFiles {
                let source = "\(directory)/\(file.name)"
                try file.text.write(toFile: source, atomically: false, encoding: .utf8)
                units.append(CompileUnit(generated: source))
            }
            try translation.header.write(
                toFile: "\(directory)/\(translation.prefix).h", atomically: false, encoding: .utf8)
            headers.append(translation.prefix)
        }
        let driver = "\(directory)/driver.c"
        try SpecDriverSource.source(plan.commands, headers: headers).write(
            toFile: driver, atomically: false, encoding: .utf8)
        let runtime = session.runtime
        let clang = session.clang
        let include = [runtime.includeDirectory, runtime.root + "/spectest", directory]
        try clang.compileAll(units, includeDirectories: include, optimization: session.optimization)
        try clang.compile(driver, to: "\(directory)/driver.o", includeDirectories: include, optimization: "-O0")
        let executable = "\(directory)/driver"
        // A driver for another machine is static, so qemu needs nothing of the target's.
        let targetFlags = session.target.isHost ? [] : session.target.staticLinkFlags
        try clang.link(
            units.map(\.object) + ["\(directory)/driver.o"] + runtimeObjects, output: executable,
            flags: targetFlags + ["-lm", "-lpthread"])
        let command = session.target.command(running: executable)
        let result = try ProcessRunner.run(command.executable, command.arguments, timeout: timeout)
        var outcomes: [Int: SpecOutcome] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            if line.hasPrefix("ok "), let number = Int(line.dropFirst(3)) {
                outcomes[number] = .passed
            } else if line.hasPrefix("fail "), let colon = line.firstIndex(of: ":"),
                let number = Int(line[line.index(line.startIndex, offsetBy: 5)..<colon])
            {
                outcomes[number] = .failed(
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
        }
        var failure: String?
        if result.timedOut {
            failure = "driver timed out after \(Int(timeout)) s"
        } else if result.status != 0 {
            failure = "driver exited with status \(result.status): \(result.standardError.prefix(300))"
        }
        return (outcomes, failure)
    }
}
