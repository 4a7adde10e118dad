import ArgumentParser
import Foundation
import WasmC
import WasmCBackEnd
import WasmCFrontEnd
import WasmCSpecTest

struct SpecTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec-test",
        abstract: "Run WebAssembly spec scripts (.wast) against wasmc's own output.")

    @Argument(help: "The .wast scripts.")
    var files: [String]

    @Option(help: "Memory sandbox: guard or explicit (default: guard on 64-bit targets, explicit on armv7).")
    var bounds: BoundsStrategy?

    @Option(
        help: ArgumentHelp(
            "Build the drivers for this Linux machine (aarch64-linux-gnu, armv7-linux-gnueabihf) and run them under qemu-user.",
            valueName: "triple"))
    var target: String?

    @Option(help: "clang optimisation level for the modules.")
    var opt: String = "-O1"

    @Option(
        help:
            "Split modules of more than this many instructions into several C files (a small value tests the split translation)."
    )
    var partInstructions: Int = EmitOptions.defaultPartInstructions

    @Option(help: "Scripts run at once.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Work directory for generated C and binaries.")
    var workDirectory: String = "build/spec-test"

    @Flag(help: "List every skipped assertion.")
    var listSkipped = false

    @Option(help: "A file of known failures (FILE.wast:LINE reason per line): reported, but not counted as failures.")
    var knownFailures: String?

    func validate() throws {
        guard partInstructions >= 1 else {
            throw ValidationError("--part-instructions must be at least 1, not \(partInstructions)")
        }
        let machine = try buildTarget()
        if let bounds {
            do {
                try machine.check(bounds: bounds)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func buildTarget() throws -> Target {
        do {
            return try target.map { triple throws(ToolchainError) in try Target(triple: triple) } ?? .host
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let start = Date()
        let session = try Session(
            target: try buildTarget(), bounds: bounds, optimization: opt, partInstructions: partInstructions)
        let machine = session.target
        let bounds = session.bounds
        let runner = try SpecRunner(
            session: session,
            workDirectory: "\(workDirectory)/\(bounds.rawValue)" + (machine.isHost ? "" : "-\(machine.architecture)"))
        let results = ResultList(count: files.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        for (index, file) in files.enumerated() {
            queue.addOperation { results.set(index, runner.run(file: file)) }
        }
        queue.waitUntilAllOperationsAreFinished()

        let known = try loadKnownFailures()
        var knownSeen = Set<String>()
        var passed = 0
        var failed = 0
        var skipped = 0
        var setupFailures = 0
        for var result in results.all {
            let name = URL(fileURLWithPath: result.path).lastPathComponent
            // Known failures are taken out of the counts and listed on their own.
            func isKnown(_ assertion: SpecAssertion) -> Bool {
                guard case .failed = assertion.outcome else { return false }
                return known["\(name):\(assertion.line)"] != nil
            }
            for assertion in (result.assertions + result.setupFailures).filter(isKnown) {
                let key = "\(name):\(assertion.line)"
                knownSeen.insert(key)
                print("  \(key): known failure: \(known[key] ?? "")")
            }
            result.assertions.removeAll(where: isKnown)
            result.setupFailures.removeAll(where: isKnown)
            passed += result.passed
            failed += result.failed
            skipped += result.skipped
            setupFailures += result.setupFailures.count
            let status = result.failed == 0 && result.setupFailures.isEmpty ? "PASS" : "FAIL"
            print(
                "\(status) \(name): \(result.passed) passed, \(result.failed) failed, \(result.skipped) skipped (\(String(format: "%.1f", result.seconds)) s)"
            )
            if let note = result.conversionNote { print("  \(name): \(note)") }
            for assertion in result.assertions {
                if case .failed(let why) = assertion.outcome {
                    print("  \(name):\(assertion.line): \(assertion.kind) failed: \(why)")
                }
            }
            for failure in result.setupFailures {
                if case .failed(let why) = failure.outcome {
                    print("  \(name):\(failure.line): \(failure.kind) failed: \(why)")
                }
            }
            var skippedByReason: [String: [Int]] = [:]
            for assertion in result.assertions {
                if case .skipped(let why) = assertion.outcome {
                    skippedByReason[why, default: []].append(assertion.line)
                }
            }
            for (reason, lines) in skippedByReason.sorted(by: { $0.key < $1.key }) {
                if listSkipped {
                    print(
                        "  skipped \(lines.count) (\(reason)): lines \(lines.map(String.init).joined(separator: ", "))")
                } else {
                    print("  skipped \(lines.count) (\(reason))")
                }
            }
        }
        let checkedFiles = Set(files.map { URL(fileURLWithPath: $0).lastPathComponent })
        for key in known.keys.sorted() where !knownSeen.contains(key) {
            if let file = key.split(separator: ":").first, checkedFiles.contains(String(file)) {
                print("  \(key): listed as a known failure but did not fail: remove it from the list")
                setupFailures += 1
            }
        }
        if !knownSeen.isEmpty { print("\(knownSeen.count) known failures (listed above)") }
        print(
            "spec-test: \(files.count) files, bounds \(bounds.rawValue), target \(machine), \(String(format: "%.0f", Date().timeIntervalSince(start))) s"
        )
        if setupFailures > 0 {
            print("\(setupFailures) module or action commands failed (listed above)")
        }
        print("\(passed) passed, \(failed) failed, \(skipped) skipped")
        if failed > 0 || setupFailures > 0 { throw ExitCode(1) }
    }
}

extension SpecTestCommand {
    func loadKnownFailures() throws -> [String: String] {
        guard let path = knownFailures else { return [:] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InputError("cannot read \(path)")
        }
        var entries: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 1)
            entries[String(parts[0])] = parts.count > 1 ? String(parts[1]) : "known failure"
        }
        return entries
    }
}

/// Results filled in by concurrent workers, read back in input order.
final class ResultList: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [SpecFileResult?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: SpecFileResult) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [SpecFileResult] { results.compactMap { $0 } }
}
