import Foundation

/// Files of one build that no other build may see: a fresh directory per run, and results
/// moved into shared places only when complete.
///
/// Two `wasmc compile` runs at once (as under `make -j`) whose outputs share a name must
/// not write each other's C or objects, and a shared cache (runtime objects, `wasmc run`'s
/// programs) must never hold a half-written file that another run then reuses.
public enum WorkDirectory {
    /// Creates a new, empty directory `parent/prefixXXXXXX` (mode 0700) that belongs to this run.
    public static func makePrivate(in parent: String, prefix: String) throws(ToolchainError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ToolchainError("cannot create \(parent): \(error.localizedDescription)")
        }
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard made != nil else {
            throw ToolchainError("cannot create a directory in \(parent): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A name beside `path` that no other process or thread uses, for building `path` and then
    /// publishing it with `publish`.
    public static func temporaryName(for path: String) -> String {
        "\(path).\(getpid())-\(UInt32.random(in: 0 ... .max)).tmp"
    }

    /// Moves a complete file into place with rename(2), which is atomic within a file system:
    /// readers see either no file or the whole one. An existing file is replaced.
    public static func publish(_ temporary: String, as path: String) throws(ToolchainError) {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ToolchainError("cannot move \(temporary) to \(path): \(reason)")
        }
    }

    /// Removes a directory and everything in it, ignoring errors (it is scratch space).
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
