/// Names of generated things, shared by the C and Swift generators.
///
/// C names follow wit-bindgen's C conventions: `ns_pkg_iface_name_t` for a type of an
/// interface, `world_name_t` for a world's own and anonymous types (`world_list_u8_t`,
/// `world_option_string_t`, `world_result_void_string_t`, `world_tuple2_u8_string_t`),
/// `ns_pkg_iface_func` for an imported function and `exports_ns_pkg_iface_func` for one
/// the guest implements, upper-case constants for enum cases, variant tags and flags.
struct BindgenNames {
    let world: WitWorld

    static func snake(_ name: String) -> String {
        name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    static func upper(_ name: String) -> String { snake(name).uppercased() }

    /// `kebab-case` → `camelCase` (Swift members), or `UpperCamel` (Swift types).
    static func camel(_ name: String, upperFirst: Bool = false) -> String {
        let words = name.split(whereSeparator: {
            $0 == "-" || $0 == "_" || $0 == ":" || $0 == "/" || $0 == "." || $0 == "@"
        })
        var result = ""
        for (index, word) in words.enumerated() {
            let text = String(word)
            if index == 0 && !upperFirst {
                result += text.lowercased()
            } else {
                result += text.prefix(1).uppercased() + text.dropFirst()
            }
        }
        if let first = result.first, first.isNumber { result = "_" + result }
        return result.isEmpty ? "_" : result
    }

    static let cKeywords: Set<String> = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
        "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
        "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
        "volatile", "while", "bool", "true", "false",
        // Names the generated glue uses for its out-parameters and locals.
        "ret", "err", "result", "flat", "args", "ret_area", "result_flat",
    ]

    /// A C identifier for a field, parameter or case.
    static func cIdentifier(_ name: String) -> String {
        let snake = snake(name)
        return cKeywords.contains(snake) ? snake + "_" : snake
    }

    static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "func", "import", "init", "inout", "let",
        "operator", "protocol", "static", "struct", "subscript", "typealias", "var", "break", "case",
        "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat",
        "return", "switch", "where", "while", "as", "false", "is", "nil", "self", "Self", "super", "throw",
        "throws", "true", "try", "Type", "Protocol", "none", "some",
    ]

    static func swiftIdentifier(_ name: String) -> String {
        let camel = camel(name)
        return swiftKeywords.contains(camel) ? "`\(camel)`" : camel
    }

    var worldPrefix: String { Self.snake(world.name) }

    /// `ns_pkg_iface` for a named interface, `world_key` for an inline one.
    func interfacePrefix(_ interface: WitInterface, key: String) -> String {
        if let name = interface.name, let package = interface.package {
            return "\(Self.snake(package.namespace))_\(Self.snake(package.name))_\(Self.snake(name))"
        }
        return "\(worldPrefix)_\(Self.snake(key))"
    }

    /// The C name (without `_t`) of a defined type.
    func cTypeStem(_ index: Int) -> String {
        let definition = world.types[index]
        if let name = definition.name {
            if let owner = definition.interface, let entry = world.interfaces[owner] {
                return "\(interfacePrefix(entry.interface, key: entry.key))_\(Self.snake(name))"
            }
            return "\(worldPrefix)_\(Self.snake(name))"
        }
        return "\(worldPrefix)_\(structuralName(.defined(index)))"
    }

    /// The part of an anonymous type's name that describes it: `list_u8`, `option_string`, ...
    func structuralName(_ type: WitType) -> String {
        // Every type but a defined one is a primitive with a keyword.
        guard case .defined(let index) = type else { return type.primitiveName ?? "" }
        let definition = world.types[index]
        if case .alias(let target) = definition.kind { return structuralName(target) }
        if let name = definition.name { return Self.snake(name) }
        switch definition.kind {
        case .list(let element): return "list_\(structuralName(element))"
        case .option(let some): return "option_\(structuralName(some))"
        case .result(let ok, let err):
            return "result_\(ok.map(structuralName) ?? "void")_\(err.map(structuralName) ?? "void")"
        case .tuple(let elements):
            return "tuple\(elements.count)_" + elements.map(structuralName).joined(separator: "_")
        default: return "type\(index)"
        }
    }
}
