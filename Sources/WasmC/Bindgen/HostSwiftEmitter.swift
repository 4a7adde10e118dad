import WasmCFrontEnd

/// Writes the Swift bindings of a host (`<World>Bindings.swift`):
/// - Swift types for the world's types, in a namespace named after the world
///   (`EdgeWorld.Message`): structs, enums with payloads, `OptionSet`s, `Optional`, `WitResult`;
/// - a protocol per imported interface (`<World><Interface>Imports`) the host implements;
/// - the import table: `@convention(c)` functions that lift the guest's arguments (every
///   pointer bounds-checked, strings UTF-8-checked, tags range-checked; a bad one traps
///   naming the function and the argument), call the protocol and lower the result
///   (strings and lists through the guest's `cabi_realloc`);
/// - `<World>Exports`: typed wrappers that call the guest's exports.
public struct HostSwiftEmitter {
    let world: WitWorld
    let abi: CanonicalABI
    let names: BindgenNames
    let guestNames: GuestCEmitter

    public init(world: WitWorld) {
        self.world = world
        self.abi = CanonicalABI(world: world)
        self.names = BindgenNames(world: world)
        self.guestNames = GuestCEmitter(world: world, componentType: [])
    }

    var namespace: String { BindgenNames.camel(world.name, upperFirst: true) + "World" }
    public var fileName: String { BindgenNames.camel(world.name, upperFirst: true) + "Bindings.swift" }
    public static var supportFileName: String { HostSwiftSupport.fileName }
    public static var supportText: String { HostSwiftSupport.text }

    // MARK: Types

    /// The Swift type of a WIT type, as written outside the namespace.
    func swiftType(_ type: WitType) -> String {
        switch world.resolve(type) {
        case .bool: return "Bool"
        case .s8: return "Int8"
        case .u8: return "UInt8"
        case .s16: return "Int16"
        case .u16: return "UInt16"
        case .s32: return "Int32"
        case .u32: return "UInt32"
        case .s64: return "Int64"
        case .u64: return "UInt64"
        case .f32: return "Float"
        case .f64: return "Double"
        case .char: return "Unicode.Scalar"
        case .string: return "String"
        case .defined(let index):
            let definition = world.types[index]
            switch definition.kind {
            case .list(let element): return "[\(swiftType(element))]"
            case .option(let some): return "\(swiftType(some))?"
            case .result(let ok, let err):
                return "WitResult<\(ok.map(swiftType) ?? "Void"), \(err.map(swiftType) ?? "Void")>"
            case .tuple(let elements):
                return elements.count == 1
                    ? swiftType(elements[0]) : "(\(elements.map(swiftType).joined(separator: ", ")))"
            default: return "\(namespace).\(typeName(index))"
            }
        }
    }

    func typeName(_ index: Int) -> String {
        BindgenNames.camel(world.types[index].name ?? "type\(index)", upperFirst: true)
    }

    /// A key naming the lift/lower functions of a type.
    func key(_ type: WitType) -> String {
        switch world.resolve(type) {
        case .defined(let index):
            return world.types[index].name != nil
                ? names.cTypeStem(index) : names.worldPrefix + "_" + names.structuralName(.defined(index))
        default: return names.structuralName(world.resolve(type))
        }
    }

    func declaration(_ index: Int) -> [String] {
        let docs = world.types[index].docs.map { Self.docComment($0, indent: "    ") } ?? []
        return docs + declarationBody(index)
    }

    static func docComment(_ docs: String, indent: String) -> [String] {
        docs.split(separator: "\n", omittingEmptySubsequences: false).map {
            "\(indent)///\($0.isEmpty ? "" : " " + $0)"
        }
    }

    func declarationBody(_ index: Int) -> [String] {
        let name = typeName(index)
        switch world.types[index].kind {
        case .record(let fields):
            var lines = ["    struct \(name) {"]
            lines += fields.map { "        var \(BindgenNames.swiftIdentifier($0.name)): \(swiftType($0.type))" }
            let parameters = fields.map { "\(BindgenNames.camel($0.name)): \(swiftType($0.type))" }.joined(
                separator: ", ")
            lines.append("")
            lines.append("        init(\(parameters)) {")
            lines += fields.map {
                "            self.\(BindgenNames.swiftIdentifier($0.name)) = \(BindgenNames.swiftIdentifier($0.name))"
            }
            lines.append("        }")
            return lines + ["    }"]
        case .variant(let cases):
            var lines = ["    enum \(name) {"]
            lines += cases.map { item in
                "        case \(BindgenNames.swiftIdentifier(item.name))"
                    + (item.type.map { "(\(swiftType($0)))" } ?? "")
            }
            return lines + ["    }"]
        case .enumeration(let cases):
            var lines = ["    enum \(name): UInt32, CaseIterable {"]
            lines += cases.map { "        case \(BindgenNames.swiftIdentifier($0))" }
            return lines + ["    }"]
        case .flags(let flags):
            var lines = [
                "    struct \(name): OptionSet {", "        let rawValue: UInt32",
                "        init(rawValue: UInt32) { self.rawValue = rawValue }",
            ]
            for (bit, flag) in flags.enumerated() {
                lines.append(
                    "        static let \(BindgenNames.swiftIdentifier(flag)) = \(name)(rawValue: 1 << \(bit))")
            }
            return lines + ["    }"]
        default: return []
        }
    }

    /// Named types to declare, each once.
    func declaredTypes() -> [Int] {
        var seen = Set<Int>()
        var order: [Int] = []
        func visit(_ type: WitType) {
            guard case .defined(let index) = world.resolve(type) else { return }
            let kind = world.types[index].kind
            switch kind {
            case .record(let fields): fields.forEach { visit($0.type) }
            case .variant(let cases): cases.compactMap(\.type).forEach(visit)
            case .tuple(let elements): elements.forEach(visit)
            case .list(let element), .option(let element): visit(element)
            case .result(let ok, let err): [ok, err].compactMap { $0 }.forEach(visit)
            default: break
            }
            switch kind {
            case .record, .variant, .enumeration, .flags:
                if seen.insert(index).inserted { order.append(index) }
            default: break
            }
        }
        guestNames.usedTypes().forEach(visit)
        return order
    }

    // MARK: Functions

    func swiftCoreType(_ type: ValueType) -> String {
        switch type {
        case .i64: "UInt64"
        case .f32: "Float"
        case .f64: "Double"
        default: "UInt32"
        }
    }

    func toRaw(_ type: ValueType, _ value: String) -> String {
        switch type {
        case .f32: "UInt64(\(value).bitPattern)"
        case .f64: "\(value).bitPattern"
        default: "UInt64(\(value))"
        }
    }

    func fromRaw(_ type: ValueType, _ raw: String) -> String {
        switch type {
        case .i64: raw
        case .f32: "Float(bitPattern: UInt32(truncatingIfNeeded: \(raw)))"
        case .f64: "Double(bitPattern: \(raw))"
        default: "UInt32(truncatingIfNeeded: \(raw))"
        }
    }

    func wasmcValueField(_ type: ValueType) -> String {
        switch type {
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        default: "i32"
        }
    }

    func protocolName(key: String, _ interface: WitInterface?) -> String {
        BindgenNames.camel(world.name, upperFirst: true) + BindgenNames.camel(interface?.name ?? key, upperFirst: true)
            + "Imports"
    }

    func method(_ function: WitFunction) -> String {
        let parameters = function.parameters.map { "\(BindgenNames.swiftIdentifier($0.name)): \(swiftType($0.type))" }
        return "func \(BindgenNames.swiftIdentifier(function.name))(\(parameters.joined(separator: ", ")))"
            + (function.result.map { " -> \(swiftType($0))" } ?? "")
    }

    /// Imported functions grouped by the protocol the host implements.
    func importGroups() -> [(protocolName: String, module: String, functions: [WitFunction])] {
        var groups: [(String, String, [WitFunction])] = []
        var rootFunctions: [WitFunction] = []
        for item in world.imports {
            switch item {
            case .function(let function): rootFunctions.append(function)
            case .interface(let key, let interface):
                groups.append(
                    (
                        protocolName(key: key, interface), WitWorld.qualifiedName(key: key, interface),
                        interface.functions
                    ))
            }
        }
        // The world's own imported functions (core module "$root").
        if !rootFunctions.isEmpty {
            groups.append((BindgenNames.camel(world.name, upperFirst: true) + "Imports", "$root", rootFunctions))
        }
        return groups
    }

    func importGlue(_ function: WitFunction, module: String, protocolName: String) -> [String] {
        let core = abi.coreSignature(function, .imported)
        let qualified = "\(module)#\(function.name)"
        let closureType =
            "@convention(c) (UnsafeMutableRawPointer?"
            + core.signature.parameters.map { ", " + swiftCoreType($0) }.joined() + ") -> "
            + (core.signature.results.first.map(swiftCoreType) ?? "Void")
        let parameterNames = core.signature.parameters.indices.map { "p\($0)" }
        var out = [
            "    /// \(qualified): \(WitPrinter(world: world).function(function))",
            "    static let \(glueName(module: module, function))"
                + ": \(closureType) = { env\(parameterNames.map { ", " + $0 }.joined()) in",
            "        let host = canonicalHost(env, as: (any \(protocolName) & CanonicalGuest).self, function: \(swiftString(qualified)))",
            "        let memory = GuestMemory(guest: host)",
            "        do {",
        ]
        var body: [String] = []
        if core.parametersInMemory {
            let layout = abi.recordLayout(function.parameters.map(\.type))
            for (index, parameter) in function.parameters.enumerated() {
                body.append(
                    "let a\(index) = try canonicalArgument(\(swiftString(parameter.name))) { () throws(CanonicalABIError) in try load_\(key(parameter.type))(memory, p0 + \(layout.offsets[index])) }"
                )
            }
        } else {
            let flatCount = function.parameters.reduce(0) { $0 + abi.flatten($1.type).count }
            let flatTypes = core.signature.parameters.prefix(flatCount)
            body.append(
                "var flat = FlatReader([\(flatTypes.enumerated().map { toRaw($1, "p\($0)") }.joined(separator: ", "))])"
            )
            body.append("_ = flat")
            for (index, parameter) in function.parameters.enumerated() {
                body.append(
                    "let a\(index) = try canonicalArgument(\(swiftString(parameter.name))) { () throws(CanonicalABIError) in try lift_\(key(parameter.type))(&flat, memory) }"
                )
            }
        }
        let call =
            "host.\(BindgenNames.swiftIdentifier(function.name))("
            + function.parameters.enumerated().map { "\(BindgenNames.camel($1.name)): a\($0)" }.joined(separator: ", ")
            + ")"
        if let result = function.result {
            body.append("let result = \(call)")
            if core.resultsInMemory {
                let retptr = "p\(core.signature.parameters.count - 1)"
                body.append(
                    "try canonicalResult { () throws(CanonicalABIError) in try store_\(key(result))(result, memory, \(retptr)) }"
                )
            } else {
                body.append("var out: [UInt64] = []")
                body.append(
                    "try canonicalResult { () throws(CanonicalABIError) in try lower_\(key(result))(result, &out, memory) }"
                )
                body.append("return \(fromRaw(core.signature.results[0], "out[0]"))")
            }
        } else {
            body.append(call)
        }
        out += body.map { "            " + $0 }
        out += [
            "        } catch {",
            "            canonicalTrap(\"\(qualified): \\(error)\")",
            "        }",
            "    }",
            "",
        ]
        return out
    }

    func glueName(module: String, _ function: WitFunction) -> String {
        "import_" + BindgenNames.snake(module) + "_" + BindgenNames.snake(function.name)
    }

    func swiftString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    func exportWrapper(_ function: WitFunction, coreName: String) -> [String] {
        let core = abi.coreSignature(function, .exported)
        let parameters = function.parameters.map { "\(BindgenNames.swiftIdentifier($0.name)): \(swiftType($0.type))" }
        let resultType = function.result.map(swiftType) ?? "Void"
        var out = [
            "    /// \(coreName): \(WitPrinter(world: world).function(function))",
            "    func \(BindgenNames.swiftIdentifier(function.name))(\(parameters.joined(separator: ", "))) throws(CanonicalABIError) -> \(resultType) {",
            "        let _memory = GuestMemory(guest: self.guest)",
            "        var _arguments: [wasmc_value] = []",
        ]
        if core.parametersInMemory {
            let types = function.parameters.map(\.type)
            let layout = abi.recordLayout(types)
            let alignment = types.map { abi.alignment($0) }.max() ?? 1
            out.append("        let _area = try _memory.allocate(\(layout.size), alignment: \(alignment))")
            for (index, parameter) in function.parameters.enumerated() {
                out.append(
                    "        try store_\(key(parameter.type))(\(BindgenNames.swiftIdentifier(parameter.name)), _memory, _area + \(layout.offsets[index]))"
                )
            }
            out.append("        var _argument = wasmc_value()")
            out.append("        _argument.i32 = _area")
            out.append("        _arguments.append(_argument)")
        } else if !core.signature.parameters.isEmpty {
            out.append("        var _flat: [UInt64] = []")
            for parameter in function.parameters {
                out.append(
                    "        try lower_\(key(parameter.type))(\(BindgenNames.swiftIdentifier(parameter.name)), &_flat, _memory)"
                )
            }
            for (index, type) in core.signature.parameters.enumerated() {
                out.append(
                    "        do { var _argument = wasmc_value(); _argument.\(wasmcValueField(type)) = \(fromRaw(type, "_flat[\(index)]")); _arguments.append(_argument) }"
                )
            }
        }
        let resultCount = core.signature.results.count
        out.append(
            "        let _results = try self.guest.callGuestExport(\(swiftString(coreName)), _arguments, resultCount: \(resultCount))"
        )
        guard let result = function.result else {
            out.append("        _ = _results")
            return out + ["    }", ""]
        }
        if core.resultsInMemory {
            out.append(
                "        let _value = try canonicalResult(of: \(swiftString(coreName))) { () throws(CanonicalABIError) in try load_\(key(result))(_memory, _results[0].i32) }"
            )
            if abi.owns(result) {
                out.append(
                    "        _ = try self.guest.callGuestExport(\(swiftString("cabi_post_" + coreName)), [_results[0]], resultCount: 0)"
                )
            }
        } else {
            let type = core.signature.results[0]
            out.append("        var _resultFlat = FlatReader([\(toRaw(type, "_results[0].\(wasmcValueField(type))"))])")
            out.append(
                "        let _value = try canonicalResult(of: \(swiftString(coreName))) { () throws(CanonicalABIError) in try lift_\(key(result))(&_resultFlat, _memory) }"
            )
        }
        out.append("        return _value")
        return out + ["    }", ""]
    }

    // MARK: The file

    public func bindings() -> String {
        var out = [
            "// Generated by `wasmc bindgen` from the WIT world \(world.package.namespace):\(world.package.name)/\(world.name). Do not edit.",
            "import WasmcRuntime", "",
            "/// The types of the world \(world.name).",
            "enum \(namespace) {",
        ]
        for index in declaredTypes() {
            out += declaration(index)
            out.append("")
        }
        if out.last == "" { out.removeLast() }
        out.append("}")
        out.append("")
        let groups = importGroups()
        for group in groups {
            out.append(
                "/// What the host provides to guests for \(group.module): implement it on the object given as `env`.")
            out.append("protocol \(group.protocolName): AnyObject {")
            for function in group.functions {
                if let docs = function.docs { out += Self.docComment(docs, indent: "    ") }
                out.append("    \(method(function))")
            }
            out.append("}")
            out.append("")
        }
        out.append(
            "/// Imports of the world \(world.name): lifting, lowering and the table the host resolves imports from.")
        out.append("enum \(namespace)Imports {")
        out.append("    struct Entry {")
        out.append("        var module: String")
        out.append("        var name: String")
        out.append("        var signature: String")
        out.append("        var code: wasmc_code")
        out.append("    }")
        out.append("")
        out.append("    /// Every import, with its core signature (see `wasmc_func` in wasmc_rt.h).")
        out.append("    static let entries: [Entry] = [")
        for group in groups {
            for function in group.functions {
                let signature = abi.coreSignature(function, .imported).signature.canonicalString
                out.append(
                    "        Entry(module: \(swiftString(group.module)), name: \(swiftString(function.name)), signature: \"\(signature)\", code: unsafeBitCast(\(glueName(module: group.module, function)), to: wasmc_code.self)),"
                )
            }
        }
        out.append("    ]")
        out.append("")
        out.append("    /// The import modules this world's host provides.")
        out.append(
            "    static let modules: Set<String> = [\(Set(groups.map(\.module)).sorted().map(swiftString).joined(separator: ", "))]"
        )
        out.append("")
        out.append("    /// The entry for an import of a module, if it is one of the world's with this signature.")
        out.append("    static func entry(module: String, name: String, signature: String) -> Entry? {")
        out.append("        entries.first { $0.module == module && $0.name == name && $0.signature == signature }")
        out.append("    }")
        out.append("")
        for group in groups {
            for function in group.functions {
                out += importGlue(function, module: group.module, protocolName: group.protocolName)
            }
        }
        out.append("}")
        out.append("")
        out.append("/// Errors of a lifted argument name the argument.")
        out.append(
            "private func canonicalArgument<T>(_ name: String, _ body: () throws(CanonicalABIError) -> T) throws(CanonicalABIError) -> T {"
        )
        out.append("    do { return try body() } catch { throw error.about(\"argument \\(name)\") }")
        out.append("}")
        out.append("")
        out.append("/// Errors of a result name it (and the export it came from).")
        out.append(
            "private func canonicalResult<T>(of function: String? = nil, _ body: () throws(CanonicalABIError) -> T) throws(CanonicalABIError) -> T {"
        )
        out.append(
            "    do { return try body() } catch { throw error.about(function.map { \"\\($0): result\" } ?? \"result\") }"
        )
        out.append("}")
        out.append("")
        out.append("/// Typed calls of the guest's exports.")
        out.append("struct \(namespace)Exports {")
        out.append("    let guest: any CanonicalGuest")
        out.append("")
        for item in world.exports {
            switch item {
            case .function(let function): out += exportWrapper(function, coreName: function.name)
            case .interface(let key, let interface):
                for function in interface.functions {
                    out += exportWrapper(
                        function, coreName: "\(WitWorld.qualifiedName(key: key, interface))#\(function.name)")
                }
            }
        }
        if out.last == "" { out.removeLast() }
        out.append("}")
        out.append("")
        out.append("// MARK: Canonical ABI conversions of the world's types (lift: flat → Swift, lower: Swift → flat,")
        out.append("// load: guest memory → Swift, store: Swift → guest memory)")
        out.append("")
        out += conversions()
        return out.joined(separator: "\n") + "\n"
    }
}
