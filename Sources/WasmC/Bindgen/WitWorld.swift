import Foundation

/// A WIT type as the canonical ABI sees it: a primitive, or an index into the resolved
/// document's type definitions (records, variants, lists, aliases, ...).
public indirect enum WitType: Hashable, Sendable {
    case bool, s8, u8, s16, u16, s32, u32, s64, u64, f32, f64, char, string
    case defined(Int)

    static let primitives: [String: WitType] = [
        "bool": .bool, "s8": .s8, "u8": .u8, "s16": .s16, "u16": .u16, "s32": .s32, "u32": .u32,
        "s64": .s64, "u64": .u64, "f32": .f32, "f64": .f64, "char": .char, "string": .string,
    ]

    /// The WIT keyword of a primitive type (`u8`, `string`, ...); nil for a defined type.
    var primitiveName: String? {
        switch self {
        case .bool: "bool"
        case .s8: "s8"
        case .u8: "u8"
        case .s16: "s16"
        case .u16: "u16"
        case .s32: "s32"
        case .u32: "u32"
        case .s64: "s64"
        case .u64: "u64"
        case .f32: "f32"
        case .f64: "f64"
        case .char: "char"
        case .string: "string"
        case .defined: nil
        }
    }
}

/// The structure of a defined type (WIT's `type-def-kind`).
public enum WitTypeKind: Sendable {
    case record([(name: String, type: WitType)])
    case variant([(name: String, type: WitType?)])
    case enumeration([String])
    case flags([String])
    case tuple([WitType])
    case list(WitType)
    case option(WitType)
    case result(ok: WitType?, err: WitType?)
    /// `type a = b`, and the copies of a type that `use` makes.
    case alias(WitType)
    /// Resources, handles, futures, streams: not supported, refused with `unsupported`.
    case unsupported(String)
}

/// One entry of the resolved document's type table.
public struct WitTypeDefinition: Sendable {
    public var name: String?
    /// The interface (index) that declared it, if any; nil for world-level and anonymous types.
    public var interface: Int?
    public var kind: WitTypeKind
    /// Its doc comment (`///` in WIT), and those of its fields, cases or flags by name.
    public var docs: String? = nil
    public var memberDocs: [String: String] = [:]
}

/// A function of an interface or of a world.
public struct WitFunction: Sendable {
    public var name: String
    public var parameters: [(name: String, type: WitType)]
    public var result: WitType?
    /// Its doc comment (`///` in WIT).
    public var docs: String? = nil
}

/// A package name, e.g. `wasmc:edge@0.1.0`.
public struct WitPackageName: Sendable {
    public var namespace: String
    public var name: String
    public var version: String?
}

/// An interface: named (declared in a package) or written inline in a world.
public struct WitInterface: Sendable {
    /// Its index in the resolved document (what type definitions' owners refer to).
    public var index: Int
    public var name: String?
    public var package: WitPackageName?
    public var functions: [WitFunction]
    /// Named types declared (or `use`d) in it, in declaration order.
    public var types: [(name: String, type: Int)]
}

/// What a world imports or exports: a whole interface or a single function.
public enum WitWorldItem: Sendable {
    /// `key` is what the world calls it: the interface's name for an inline one.
    case interface(key: String, WitInterface)
    case function(WitFunction)
}

/// One world of a WIT document, resolved by `wasm-tools component wit --json`.
public struct WitWorld: Sendable {
    public var name: String
    public var package: WitPackageName
    public var imports: [WitWorldItem]
    public var exports: [WitWorldItem]
    public var types: [WitTypeDefinition]
    /// Types the world itself names (`use` at world level, `type` in a world).
    public var worldTypes: [(name: String, type: Int)]
    /// Every interface of the document, by index, with the key the world gives it.
    public var interfaces: [Int: (key: String, interface: WitInterface)]

    public func definition(_ index: Int) -> WitTypeDefinition { types[index] }

    /// Follows aliases to the structural type.
    public func resolve(_ type: WitType) -> WitType {
        var current = type
        while case .defined(let index) = current, case .alias(let target) = types[index].kind { current = target }
        return current
    }

    /// The structure of a type after aliases, or nil for a primitive.
    public func kind(_ type: WitType) -> WitTypeKind? {
        guard case .defined(let index) = resolve(type) else { return nil }
        return types[index].kind
    }

    /// The name a core module uses for an imported or exported interface
    /// (`ns:pkg/iface@version`), or the world's key for an inline one.
    public static func qualifiedName(key: String, _ interface: WitInterface) -> String {
        guard let name = interface.name, let package = interface.package else { return key }
        return "\(package.namespace):\(package.name)/\(name)" + (package.version.map { "@\($0)" } ?? "")
    }
}

/// An error in a WIT document or its use: what a user must fix.
public struct BindgenError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads the JSON that `wasm-tools component wit FILE --json` prints.
public enum WitJSON {
    /// Decodes the document and picks `worldName`, or its only world.
    public static func world(from data: Data, named worldName: String?) throws(BindgenError) -> WitWorld {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let worlds = root["worlds"] as? [[String: Any]],
            let interfaces = root["interfaces"] as? [[String: Any]],
            let typeList = root["types"] as? [[String: Any]],
            let packages = root["packages"] as? [[String: Any]]
        else { throw BindgenError("wasm-tools printed JSON without worlds, interfaces, types and packages") }
        let packageNames = try packages.map { (package) throws(BindgenError) -> WitPackageName in
            try packageName(package["name"] as? String ?? "")
        }
        let candidates = worldName.map { name in worlds.filter { ($0["name"] as? String) == name } } ?? worlds
        guard candidates.count == 1, let world = candidates.first else {
            let names = worlds.compactMap { $0["name"] as? String }.joined(separator: ", ")
            if let worldName { throw BindgenError("no world named \(worldName) (worlds: \(names))") }
            throw BindgenError("the document has several worlds (\(names)): choose one with --world")
        }
        var types: [WitTypeDefinition] = []
        for (index, entry) in typeList.enumerated() {
            let owner = entry["owner"] as? [String: Any]
            types.append(
                WitTypeDefinition(
                    name: entry["name"] as? String, interface: owner?["interface"] as? Int,
                    kind: try kind(entry["kind"], at: index), docs: docs(entry["docs"]),
                    memberDocs: memberDocs(entry["kind"])))
        }
        func interface(_ index: Int) throws(BindgenError) -> WitInterface {
            guard index < interfaces.count else { throw BindgenError("interface \(index) out of range") }
            let entry = interfaces[index]
            let package = (entry["package"] as? Int).flatMap { $0 < packageNames.count ? packageNames[$0] : nil }
            return WitInterface(
                index: index, name: entry["name"] as? String, package: package,
                functions: try functions(entry["functions"]),
                types: orderedTypes(entry["types"]))
        }
        func items(_ value: Any?) throws(BindgenError) -> [WitWorldItem] {
            var result: [WitWorldItem] = []
            for (key, item) in orderedPairs(value) {
                guard let item = item as? [String: Any] else { continue }
                if let reference = item["interface"] as? [String: Any], let id = reference["id"] as? Int {
                    result.append(.interface(key: key, try interface(id)))
                } else if let function = item["function"] {
                    result.append(.function(try Self.function(function)))
                }
                // "type" items are world-level types: reached through the functions that use them.
            }
            return result
        }
        let worldPackage = (world["package"] as? Int).flatMap { $0 < packageNames.count ? packageNames[$0] : nil }
        guard let worldPackage else { throw BindgenError("the world belongs to no package") }
        var worldTypes: [(String, Int)] = []
        for (key, item) in orderedPairs(world["imports"]) {
            if let item = item as? [String: Any], let type = item["type"] as? Int { worldTypes.append((key, type)) }
        }
        let imports = try items(world["imports"])
        let exports = try items(world["exports"])
        var all: [Int: (key: String, interface: WitInterface)] = [:]
        for index in interfaces.indices {
            let item = try interface(index)
            all[index] = (item.name ?? "interface-\(index)", item)
        }
        for case .interface(let key, let item) in imports + exports { all[item.index] = (key, item) }
        let result = WitWorld(
            name: world["name"] as? String ?? "world", package: worldPackage,
            imports: imports, exports: exports, types: types, worldTypes: worldTypes, interfaces: all)
        try checkReferences(result)
        return result
    }

    /// Every type reference points into the type table, and aliases do not loop.
    static func checkReferences(_ world: WitWorld) throws(BindgenError) {
        func check(_ type: WitType?) throws(BindgenError) {
            guard case .defined(let index)? = type else { return }
            guard index >= 0, index < world.types.count else { throw BindgenError("type \(index) out of range") }
        }
        for (index, definition) in world.types.enumerated() {
            switch definition.kind {
            case .record(let fields): for field in fields { try check(field.type) }
            case .variant(let cases): for item in cases { try check(item.type) }
            case .tuple(let elements): for element in elements { try check(element) }
            case .list(let element), .option(let element), .alias(let element): try check(element)
            case .result(let ok, let err):
                try check(ok)
                try check(err)
            case .enumeration, .flags, .unsupported: break
            }
            // Aliases must end in a type (a loop would hang every rule that resolves them).
            var current = WitType.defined(index)
            var steps = 0
            while case .defined(let next) = current, case .alias(let target) = world.types[next].kind {
                current = target
                steps += 1
                if steps > world.types.count { throw BindgenError("type \(index) is an alias of itself") }
            }
        }
        var functions: [WitFunction] = []
        for case .function(let function) in world.imports + world.exports { functions.append(function) }
        for (_, entry) in world.interfaces { functions += entry.interface.functions }
        for function in functions {
            for parameter in function.parameters { try check(parameter.type) }
            try check(function.result)
        }
    }

    static func packageName(_ text: String) throws(BindgenError) -> WitPackageName {
        var rest = Substring(text)
        var version: String?
        if let at = rest.firstIndex(of: "@") {
            version = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let parts = rest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { throw BindgenError("malformed package name \(text)") }
        return WitPackageName(namespace: String(parts[0]), name: String(parts[1]), version: version)
    }

    static func type(_ value: Any?) throws(BindgenError) -> WitType {
        if let name = value as? String {
            guard let primitive = WitType.primitives[name] else { throw BindgenError("unknown WIT type \(name)") }
            return primitive
        }
        if let index = value as? Int { return .defined(index) }
        throw BindgenError("malformed type reference \(String(describing: value))")
    }

    static func optionalType(_ value: Any?) throws(BindgenError) -> WitType? {
        if value == nil || value is NSNull { return nil }
        return try type(value)
    }

    static func kind(_ value: Any?, at index: Int) throws(BindgenError) -> WitTypeKind {
        if let word = value as? String { return .unsupported(word) }
        guard let kind = value as? [String: Any], let (tag, body) = kind.first else {
            throw BindgenError("malformed type \(index)")
        }
        switch tag {
        case "record":
            let fields = (body as? [String: Any])?["fields"] as? [[String: Any]] ?? []
            return .record(
                try fields.map { (field) throws(BindgenError) in
                    (field["name"] as? String ?? "", try type(field["type"]))
                })
        case "variant":
            let cases = (body as? [String: Any])?["cases"] as? [[String: Any]] ?? []
            return .variant(
                try cases.map { (entry) throws(BindgenError) in
                    (entry["name"] as? String ?? "", try optionalType(entry["type"]))
                })
        case "enum":
            let cases = (body as? [String: Any])?["cases"] as? [[String: Any]] ?? []
            return .enumeration(cases.map { $0["name"] as? String ?? "" })
        case "flags":
            let flags = (body as? [String: Any])?["flags"] as? [[String: Any]] ?? []
            return .flags(flags.map { $0["name"] as? String ?? "" })
        case "tuple":
            let elements = (body as? [String: Any])?["types"] as? [Any] ?? []
            return .tuple(try elements.map { (element) throws(BindgenError) in try type(element) })
        case "list": return .list(try type(body))
        case "option": return .option(try type(body))
        case "result":
            let sides = body as? [String: Any] ?? [:]
            return .result(ok: try optionalType(sides["ok"]), err: try optionalType(sides["err"]))
        case "type": return .alias(try type(body))
        default: return .unsupported(tag)
        }
    }

    static func function(_ value: Any) throws(BindgenError) -> WitFunction {
        guard let entry = value as? [String: Any], let name = entry["name"] as? String else {
            throw BindgenError("malformed function")
        }
        if let kind = entry["kind"] as? String, kind != "freestanding" {
            throw BindgenError("function \(name): resource methods are not supported (resources are left out)")
        }
        if entry["kind"] is [String: Any] {
            throw BindgenError(
                "function \(name): resource methods and constructors are not supported (resources are left out)")
        }
        let parameters = entry["params"] as? [[String: Any]] ?? []
        return WitFunction(
            name: name,
            parameters: try parameters.map { (parameter) throws(BindgenError) in
                (parameter["name"] as? String ?? "", try type(parameter["type"]))
            },
            result: try optionalType(entry["result"]), docs: docs(entry["docs"]))
    }

    static func docs(_ value: Any?) -> String? {
        guard let text = (value as? [String: Any])?["contents"] as? String, !text.isEmpty else { return nil }
        return text
    }

    /// Doc comments of a record's fields, a variant's or enum's cases, or flags, by name.
    static func memberDocs(_ kind: Any?) -> [String: String] {
        guard let kind = kind as? [String: Any], let body = kind.values.first as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        for key in ["fields", "cases", "flags"] {
            for member in body[key] as? [[String: Any]] ?? [] {
                if let name = member["name"] as? String, let text = docs(member["docs"]) { result[name] = text }
            }
        }
        return result
    }

    static func functions(_ value: Any?) throws(BindgenError) -> [WitFunction] {
        var result: [WitFunction] = []
        for (_, function) in orderedPairs(value) { result.append(try self.function(function)) }
        return result
    }

    static func orderedTypes(_ value: Any?) -> [(name: String, type: Int)] {
        orderedPairs(value).compactMap { key, type in (type as? Int).map { (key, $0) } }
    }

    /// A JSON object's members sorted by key: JSON objects have no order, and generated
    /// code must not depend on the order a parser happens to give.
    static func orderedPairs(_ value: Any?) -> [(String, Any)] {
        guard let object = value as? [String: Any] else { return [] }
        return object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
