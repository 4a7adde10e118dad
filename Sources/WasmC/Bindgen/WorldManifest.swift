import WasmCFrontEnd

/// What `wasmc compile` needs to know about a world, in a form it can read without
/// wasm-tools: every core import and export with its core signature and WIT signature.
///
/// `wasmc bindgen` puts it in the guest's `wasmc:world` custom section (beside the
/// `component-type` section, which holds the same world in the component model's binary
/// encoding for other tools) and, for hosts, in a `.world` file beside the Swift bindings.
/// One line per entry, tab-separated:
///
///     wasmc-world 1	wasmc:edge/edge@0.1.0
///     import	wasmc:edge/host@0.1.0	publish	iiiiii>i	func(topic: string, ...) -> result<_, publish-error>
///     export	wasmc:edge/guest@0.1.0#on-message	iiiiii>	func(message: message)
public struct WorldManifest: Sendable, Equatable {
    public static let sectionName = "wasmc:world"

    public struct Entry: Sendable, Equatable {
        /// Import module, or nil for an export.
        public var module: String?
        public var name: String
        public var signature: FunctionSignature
        /// The WIT function type, for messages.
        public var witSignature: String
    }

    public var worldName: String
    public var imports: [Entry]
    public var exports: [Entry]

    public init(world: WitWorld) {
        let abi = CanonicalABI(world: world)
        let printer = WitPrinter(world: world)
        worldName =
            "\(world.package.namespace):\(world.package.name)/\(world.name)"
            + (world.package.version.map { "@\($0)" } ?? "")
        imports = []
        exports = []
        for item in world.imports {
            switch item {
            case .function(let function):
                imports.append(
                    Entry(
                        module: "$root", name: function.name,
                        signature: abi.coreSignature(function, .imported).signature,
                        witSignature: printer.function(function)))
            case .interface(let key, let interface):
                for function in interface.functions {
                    imports.append(
                        Entry(
                            module: WitWorld.qualifiedName(key: key, interface), name: function.name,
                            signature: abi.coreSignature(function, .imported).signature,
                            witSignature: printer.function(function)))
                }
            }
        }
        var exported: [(String, WitFunction)] = []
        for item in world.exports {
            switch item {
            case .function(let function): exported.append((function.name, function))
            case .interface(let key, let interface):
                for function in interface.functions {
                    exported.append(("\(WitWorld.qualifiedName(key: key, interface))#\(function.name)", function))
                }
            }
        }
        for (name, function) in exported {
            let core = abi.coreSignature(function, .exported)
            exports.append(
                Entry(module: nil, name: name, signature: core.signature, witSignature: printer.function(function)))
        }
        exports.append(
            Entry(
                module: nil, name: "cabi_realloc",
                signature: FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
                witSignature: "the canonical ABI's realloc"))
    }

    public init(worldName: String, imports: [Entry], exports: [Entry]) {
        self.worldName = worldName
        self.imports = imports
        self.exports = exports
    }

    public var text: String {
        var lines = ["wasmc-world 1\t\(worldName)"]
        for entry in imports {
            lines.append(
                "import\t\(entry.module ?? "")\t\(entry.name)\t\(entry.signature.canonicalString)\t\(entry.witSignature)"
            )
        }
        for entry in exports {
            lines.append("export\t\(entry.name)\t\(entry.signature.canonicalString)\t\(entry.witSignature)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads `text`; nil if it is not a manifest of this version.
    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        guard let first = lines.first, first.count == 2, first[0] == "wasmc-world 1" else { return nil }
        worldName = first[1]
        imports = []
        exports = []
        for fields in lines.dropFirst() {
            if fields.count == 5, fields[0] == "import", let signature = Self.signature(fields[3]) {
                imports.append(Entry(module: fields[1], name: fields[2], signature: signature, witSignature: fields[4]))
            } else if fields.count == 4, fields[0] == "export", let signature = Self.signature(fields[2]) {
                exports.append(Entry(module: nil, name: fields[1], signature: signature, witSignature: fields[3]))
            } else {
                return nil
            }
        }
    }

    /// A signature from its canonical string (`"ij>f"`).
    static func signature(_ text: String) -> FunctionSignature? {
        let parts = text.split(separator: ">", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        func types(_ letters: Substring) -> [ValueType]? {
            var result: [ValueType] = []
            for letter in letters {
                switch letter {
                case "i": result.append(.i32)
                case "j": result.append(.i64)
                case "f": result.append(.f32)
                case "d": result.append(.f64)
                default: return nil
                }
            }
            return result
        }
        guard let parameters = types(parts[0]), let results = types(parts[1]) else { return nil }
        return FunctionSignature(parameters: parameters, results: results)
    }
}

/// WIT source text for types and function types, for messages and manifests.
struct WitPrinter {
    let world: WitWorld

    func type(_ type: WitType) -> String {
        // Every type but a defined one is a primitive with a keyword.
        guard case .defined(let index) = type else { return type.primitiveName ?? "" }
        let definition = world.types[index]
        if let name = definition.name { return name }
        switch definition.kind {
        case .list(let element): return "list<\(self.type(element))>"
        case .option(let some): return "option<\(self.type(some))>"
        case .result(let ok, let err):
            if ok == nil && err == nil { return "result" }
            return "result<\(ok.map(self.type) ?? "_"), \(err.map(self.type) ?? "_")>"
        case .tuple(let elements): return "tuple<\(elements.map(self.type).joined(separator: ", "))>"
        case .alias(let target): return self.type(target)
        default: return "type\(index)"
        }
    }

    func function(_ function: WitFunction) -> String {
        let parameters = function.parameters.map { "\($0.name): \(type($0.type))" }.joined(separator: ", ")
        return "func(\(parameters))" + (function.result.map { " -> \(type($0))" } ?? "")
    }
}
