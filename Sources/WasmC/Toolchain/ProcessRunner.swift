import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    public var timedOut: Bool
}

/// Runs a child process to completion, capturing its output, with an optional time limit.
public enum ProcessRunner {
    public static func run(
        _ executable: String, _ arguments: [String], timeout: TimeInterval? = nil,
        environment: [String: String]? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice

        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let output = DataBox()
        let errors = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            output.data = outputPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errors.data = errorPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        var timedOut = false
        if let timeout, exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        } else if timeout == nil {
            exited.wait()
        }
        process.waitUntilExit()
        group.wait()
        return ProcessResult(
            status: process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus,
            standardOutput: String(decoding: output.data, as: UTF8.self),
            standardError: String(decoding: errors.data, as: UTF8.self),
            timedOut: timedOut)
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}

extension ProcessRunner {
    /// Runs a build tool; a failure becomes a ToolchainError with the start of its diagnostics.
    static func runTool(_ executable: String, _ arguments: [String], what: String) throws(ToolchainError) {
        let result: ProcessResult
        do {
            result = try run(executable, arguments)
        } catch {
            throw ToolchainError("\(what): cannot start \(executable): \(error)")
        }
        guard result.status == 0 else {
            let log = result.standardError.split(separator: "\n").prefix(40).joined(separator: "\n")
            throw ToolchainError("\(what) failed (exit \(result.status)):\n\(log)")
        }
    }
}
