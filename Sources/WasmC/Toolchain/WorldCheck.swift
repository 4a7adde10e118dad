import WasmCFrontEnd

/// Checks a module against the WIT world it declares: every import from one of the
/// world's interfaces must be a function the world declares, with the core signature the
/// canonical ABI gives it, and every function the world exports must be exported with its
/// signature. The world comes from the module's `wasmc:world` section (written by the
/// bindings of `wasmc bindgen --guest-c`; read without wasm-tools) or from
/// `wasmc compile --wit FILE --world NAME`.
public enum WorldCheck {
    /// The world a module declares, if it has a `wasmc:world` section.
    public static func declaredWorld(in bytes: [UInt8]) throws(WorldMismatch) -> WorldManifest? {
        guard let section = Bindgen.customSectionPayload(bytes, named: WorldManifest.sectionName) else { return nil }
        guard let world = WorldManifest(text: String(decoding: section, as: UTF8.self)) else {
            throw WorldMismatch(world: "?", entries: ["its \(WorldManifest.sectionName) section is malformed"])
        }
        return world
    }

    public static func check(_ validated: ValidatedModule, against world: WorldManifest) throws(WorldMismatch) {
        let module = validated.module
        var problems: [String] = []
        let worldModules = Set(world.imports.compactMap(\.module))
        var declared: [String: WorldManifest.Entry] = [:]
        for entry in world.imports { declared["\(entry.module ?? "")\u{0}\(entry.name)"] = entry }
        for entry in module.imports where worldModules.contains(entry.module) {
            let name = "\"\(entry.module)\" \"\(entry.name)\""
            guard case .function(let typeIndex) = entry.descriptor else {
                problems.append("import \(name) is not a function")
                continue
            }
            let actual = module.types[Int(typeIndex)]
            guard let expected = declared["\(entry.module)\u{0}\(entry.name)"] else {
                problems.append("import \(name): function \(actual), but the world declares no such function")
                continue
            }
            if expected.signature != actual {
                problems.append(
                    "import \(name): the module's function is \(actual), the world's \(entry.name): \(expected.witSignature) lowers to \(expected.signature)"
                )
            }
        }
        var exported: [String: FunctionSignature] = [:]
        for export in module.exports
        where export.kind == .function && Int(export.index) < validated.functionSignatures.count {
            exported[export.name] = validated.functionSignatures[Int(export.index)]
        }
        for entry in world.exports {
            guard let actual = exported[entry.name] else {
                problems.append(
                    "export \"\(entry.name)\" is missing: the world declares \(entry.witSignature), lowered to \(entry.signature)"
                )
                continue
            }
            if actual != entry.signature {
                problems.append(
                    "export \"\(entry.name)\": the module's function is \(actual), the world's \(entry.witSignature) lowers to \(entry.signature)"
                )
            }
        }
        if !problems.isEmpty { throw WorldMismatch(world: world.worldName, entries: problems) }
    }
}

/// A module that does not match the world it declares.
public struct WorldMismatch: Error, CustomStringConvertible, Sendable {
    public var world: String
    public var entries: [String]

    public var description: String {
        "does not match the world \(world):\n" + entries.map { "  - \($0)" }.joined(separator: "\n")
    }
}
