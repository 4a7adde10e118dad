/// Writes the C bindings a guest compiles with: `WORLD.h` (types, imported functions,
/// declarations of the exports the guest implements) and `WORLD.c` (the glue that lowers
/// C values to core wasm with the canonical ABI and lifts them back, `cabi_realloc`,
/// `cabi_post_*`, and the world in `component-type` and `wasmc:world` custom sections).
///
/// The C types are laid out exactly as the canonical ABI lays out their values in linear
/// memory on wasm32 (checked by `_Static_assert`s), so lists of them and return areas
/// are used in place, as wit-bindgen does.
public struct GuestCEmitter {
    let world: WitWorld
    let abi: CanonicalABI
    let names: BindgenNames
    /// The bytes of the `component-type` custom section (the world, encoded by wasm-tools).
    let componentType: [UInt8]

    public init(world: WitWorld, componentType: [UInt8]) {
        self.world = world
        self.abi = CanonicalABI(world: world)
        self.names = BindgenNames(world: world)
        self.componentType = componentType
    }

    var prefix: String { names.worldPrefix }

    // MARK: Types

    /// The C type of a WIT type.
    func cType(_ type: WitType) -> String {
        switch world.resolve(type) {
        case .bool: "bool"
        case .s8: "int8_t"
        case .u8: "uint8_t"
        case .s16: "int16_t"
        case .u16: "uint16_t"
        case .s32: "int32_t"
        case .u32: "uint32_t"
        case .s64: "int64_t"
        case .u64: "uint64_t"
        case .f32: "float"
        case .f64: "double"
        case .char: "uint32_t"
        case .string: "\(prefix)_string_t"
        case .defined(let index): "\(names.cTypeStem(index))_t"
        }
    }

    /// Passed by value (primitives, enums, flags) rather than by pointer.
    func isScalar(_ type: WitType) -> Bool {
        switch world.kind(type) {
        case nil: return world.resolve(type) != .string
        case .enumeration, .flags: return true
        default: return false
        }
    }

    func unsignedType(size: Int) -> String { "uint\(size * 8)_t" }

    /// Emits the definition of `type` after those it depends on.
    func emitType(_ type: WitType, into out: inout [String], emitted: inout Set<String>) {
        guard case .defined = world.resolve(type), let kind = world.kind(type) else { return }
        let name = cType(type)
        guard emitted.insert(name).inserted else { return }
        let stem = String(name.dropLast(2)).uppercased()
        var body: [String] = []
        switch kind {
        case .record(let fields):
            for field in fields { emitType(field.type, into: &out, emitted: &emitted) }
            body =
                ["typedef struct \(name) {"]
                + fields.map { "  \(cType($0.type)) \(BindgenNames.cIdentifier($0.name));" } + ["} \(name);"]
        case .tuple(let elements):
            for element in elements { emitType(element, into: &out, emitted: &emitted) }
            body =
                ["typedef struct \(name) {"] + elements.enumerated().map { "  \(cType($1)) f\($0);" } + ["} \(name);"]
        case .list(let element):
            emitType(element, into: &out, emitted: &emitted)
            body = ["typedef struct \(name) {", "  \(cType(element)) *ptr;", "  size_t len;", "} \(name);"]
        case .enumeration(let cases):
            body = ["typedef \(unsignedType(size: abi.size(type))) \(name);"]
            for (index, item) in cases.enumerated() {
                body.append("#define \(stem)_\(BindgenNames.upper(item)) \(index)")
            }
        case .flags(let flags):
            body = ["typedef \(unsignedType(size: abi.size(type))) \(name);"]
            for (index, flag) in flags.enumerated() {
                body.append("#define \(stem)_\(BindgenNames.upper(flag)) (1u << \(index))")
            }
        case .variant(let cases):
            for case let payload? in cases.map(\.type) { emitType(payload, into: &out, emitted: &emitted) }
            body = ["typedef struct \(name) {", "  \(unsignedType(size: abi.discriminantSize(cases.count))) tag;"]
            let members = cases.compactMap { item in
                item.type.map { "    \(cType($0)) \(BindgenNames.cIdentifier(item.name));" }
            }
            if !members.isEmpty { body += ["  union {"] + members + ["  } val;"] }
            body.append("} \(name);")
            for (index, item) in cases.enumerated() {
                body.append("#define \(stem)_\(BindgenNames.upper(item.name)) \(index)")
            }
        case .option(let some):
            emitType(some, into: &out, emitted: &emitted)
            body = ["typedef struct \(name) {", "  bool is_some;", "  \(cType(some)) val;", "} \(name);"]
        case .result(let ok, let err):
            if let ok { emitType(ok, into: &out, emitted: &emitted) }
            if let err { emitType(err, into: &out, emitted: &emitted) }
            body = ["typedef struct \(name) {", "  bool is_err;"]
            var members: [String] = []
            if let ok { members.append("    \(cType(ok)) ok;") }
            if let err { members.append("    \(cType(err)) err;") }
            if !members.isEmpty { body += ["  union {"] + members + ["  } val;"] }
            body.append("} \(name);")
        case .alias, .unsupported:
            return
        }
        if case .defined(let index) = world.resolve(type) {
            let definition = world.types[index]
            if let docs = definition.docs { out += Self.comment(docs) }
            if !definition.memberDocs.isEmpty {
                // Members' docs go after the line that declares them.
                body = body.map { line in
                    for (member, text) in definition.memberDocs {
                        let constant = "#define \(stem)_\(BindgenNames.upper(member)) "
                        let field = " \(BindgenNames.cIdentifier(member));"
                        if line.hasPrefix(constant) || line.hasSuffix(field) {
                            return line + " /* "
                                + text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(
                                    of: "*/", with: "* /") + " */"
                        }
                    }
                    return line
                }
            }
        }
        out += body
        // The C layout is the canonical ABI's layout on wasm32: lists and return areas are used in place.
        out.append("WASMC_CABI_LAYOUT(\(name), \(abi.size(type)), \(abi.alignment(type)));")
        out.append("")
    }

    /// A C block comment of WIT docs.
    static func comment(_ docs: String) -> [String] {
        let lines = docs.replacingOccurrences(of: "*/", with: "* /").split(
            separator: "\n", omittingEmptySubsequences: false)
        return ["/*"] + lines.map { $0.isEmpty ? " *" : " * \($0)" } + [" */"]
    }

    // MARK: Functions

    /// One function of the world, with everything needed to name and bind it.
    struct Binding {
        var function: WitFunction
        /// The C function: `ns_pkg_iface_func` or `exports_...`.
        var cName: String
        /// The core import module (or export name prefix) and name.
        var coreModule: String?
        var coreName: String { coreModule.map { "\($0)#\(function.name)" } ?? function.name }
    }

    func bindings(_ items: [WitWorldItem], exported: Bool) -> [Binding] {
        var result: [Binding] = []
        for item in items {
            switch item {
            case .function(let function):
                let cName = "\(exported ? "exports_" : "")\(prefix)_\(BindgenNames.snake(function.name))"
                result.append(Binding(function: function, cName: cName, coreModule: exported ? nil : "$root"))
            case .interface(let key, let interface):
                let interfacePrefix = names.interfacePrefix(interface, key: key)
                for function in interface.functions {
                    let cName = "\(exported ? "exports_" : "")\(interfacePrefix)_\(BindgenNames.snake(function.name))"
                    result.append(
                        Binding(
                            function: function, cName: cName, coreModule: WitWorld.qualifiedName(key: key, interface)))
                }
            }
        }
        return result
    }

    /// How a C function returns its WIT result (wit-bindgen's convention).
    enum ReturnStyle {
        case none
        case scalar(WitType)
        /// `result<T, E>`: returns true for ok, `T *ret` and `E *err` out-parameters.
        case result(ok: WitType?, err: WitType?)
        /// `option<T>`: returns true for some, `T *ret`.
        case option(WitType)
        /// Anything else: a `T *ret` out-parameter.
        case out(WitType)
    }

    func returnStyle(_ function: WitFunction) -> ReturnStyle {
        guard let result = function.result else { return .none }
        if isScalar(result) { return .scalar(result) }
        switch world.kind(result) {
        case .result(let ok, let err): return .result(ok: ok, err: err)
        case .option(let some): return .option(some)
        default: return .out(result)
        }
    }

    func prototype(_ binding: Binding) -> String {
        var parameters = binding.function.parameters.map { parameter in
            let type = cType(parameter.type)
            let name = BindgenNames.cIdentifier(parameter.name)
            return isScalar(parameter.type) ? "\(type) \(name)" : "\(type) *\(name)"
        }
        var returnType = "void"
        switch returnStyle(binding.function) {
        case .none: break
        case .scalar(let type): returnType = cType(type)
        case .result(let ok, let err):
            returnType = "bool"
            if let ok { parameters.append("\(cType(ok)) *ret") }
            if let err { parameters.append("\(cType(err)) *err") }
        case .option(let some):
            returnType = "bool"
            parameters.append("\(cType(some)) *ret")
        case .out(let type): parameters.append("\(cType(type)) *ret")
        }
        return "\(returnType) \(binding.cName)(\(parameters.isEmpty ? "void" : parameters.joined(separator: ", ")))"
    }

    /// Every type the functions use, for emission.
    func usedTypes() -> [WitType] {
        var types: [WitType] = []
        for binding in bindings(world.imports, exported: false) + bindings(world.exports, exported: true) {
            types += binding.function.parameters.map(\.type)
            if let result = binding.function.result { types.append(result) }
        }
        for (_, entry) in world.interfaces.sorted(by: { $0.key < $1.key }) {
            types += entry.interface.types.map { .defined($0.type) }
        }
        return types
    }

    public func checkSupported() throws(BindgenError) {
        for (_, entry) in world.interfaces.sorted(by: { $0.key < $1.key }) {
            for (name, index) in entry.interface.types {
                if case .unsupported(let what) = world.kind(.defined(index)) {
                    throw BindgenError(
                        "\(name) in interface \(WitWorld.qualifiedName(key: entry.key, entry.interface)): \(what) types are not supported (resources, futures and streams are left out)"
                    )
                }
            }
        }
        for binding in bindings(world.imports, exported: false) + bindings(world.exports, exported: true) {
            for parameter in binding.function.parameters {
                try abi.check(parameter.type, in: "\(binding.coreName) parameter \(parameter.name)")
            }
            if let result = binding.function.result { try abi.check(result, in: "\(binding.coreName) result") }
        }
    }

    // MARK: Files

    public var headerName: String { "\(prefix).h" }
    public var sourceName: String { "\(prefix).c" }

    public func header() -> String {
        let guardName = "\(prefix.uppercased())_BINDINGS_H"
        var out = [
            "/* Generated by `wasmc bindgen` from the WIT world \(world.package.namespace):\(world.package.name)/\(world.name). Do not edit. */",
            "#ifndef \(guardName)", "#define \(guardName)", "",
            "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>", "",
            "#ifdef __cplusplus", "extern \"C\" {", "#endif", "",
            "/* Each C type has the canonical ABI's size and alignment on wasm32. */",
            "#if defined(__wasm32__)",
            "#define WASMC_CABI_LAYOUT(type, size, align) \\",
            "  _Static_assert(sizeof(type) == (size) && _Alignof(type) == (align), #type \" has the canonical layout\")",
            "#else",
            "#define WASMC_CABI_LAYOUT(type, size, align) struct wasmc_cabi_unused",
            "#endif", "",
            "/* UTF-8 bytes, not NUL-terminated. */",
            "typedef struct \(prefix)_string_t {", "  uint8_t *ptr;", "  size_t len;", "} \(prefix)_string_t;",
            "WASMC_CABI_LAYOUT(\(prefix)_string_t, 8, 4);", "",
            "/* Points ret at the bytes of s (not copied). */",
            "void \(prefix)_string_set(\(prefix)_string_t *ret, const char *s);",
            "/* Copies s into a malloc'd block. */",
            "void \(prefix)_string_dup(\(prefix)_string_t *ret, const char *s);",
            "void \(prefix)_string_free(\(prefix)_string_t *ret);", "",
        ]
        var emitted: Set<String> = []
        for type in usedTypes() { emitType(type, into: &out, emitted: &emitted) }
        for name in emitted.sorted() {
            guard let type = ownedType(named: name) else { continue }
            _ = type
            out.append("void \(name.dropLast(2))_free(\(name) *ptr);")
        }
        out.append("")
        let imports = bindings(world.imports, exported: false)
        if !imports.isEmpty {
            out.append(
                "/* Imports: the host provides these. Arguments are borrowed; what is returned is the caller's to free. */"
            )
            for binding in imports {
                if let docs = binding.function.docs { out += Self.comment(docs) }
                out.append("\(prototype(binding));")
            }
            out.append("")
        }
        let exports = bindings(world.exports, exported: true)
        if !exports.isEmpty {
            out.append(
                "/* Exports: the guest implements these. Arguments are the callee's to free; results are freed after they are returned. */"
            )
            for binding in exports {
                if let docs = binding.function.docs { out += Self.comment(docs) }
                out.append("\(prototype(binding));")
            }
            out.append("")
        }
        out += ["#ifdef __cplusplus", "}", "#endif", "", "#endif /* \(guardName) */"]
        return out.joined(separator: "\n") + "\n"
    }

    /// The type with this C name, if it owns memory (has a `_free` function).
    func ownedType(named name: String) -> WitType? {
        for type in usedTypes() {
            if let found = findType(named: name, in: type), abi.owns(found) { return found }
        }
        return nil
    }

    private func findType(named name: String, in type: WitType) -> WitType? {
        if cType(type) == name, case .defined = world.resolve(type) { return type }
        guard let kind = world.kind(type) else { return nil }
        let children: [WitType]
        switch kind {
        case .record(let fields): children = fields.map(\.type)
        case .tuple(let elements): children = elements
        case .list(let element), .option(let element): children = [element]
        case .result(let ok, let err): children = [ok, err].compactMap { $0 }
        case .variant(let cases): children = cases.compactMap(\.type)
        default: children = []
        }
        for child in children { if let found = findType(named: name, in: child) { return found } }
        return nil
    }

    public func source() -> String {
        var out = [
            "/* Generated by `wasmc bindgen` from the WIT world \(world.package.namespace):\(world.package.name)/\(world.name). Do not edit. */",
            "#include \"\(headerName)\"", "",
            "#include <stdlib.h>", "#include <string.h>", "",
            "#if defined(__wasm32__)", "",
            "static inline __attribute__((__unused__)) uint32_t wasmc_cabi_f32_bits(float value) { uint32_t bits; memcpy(&bits, &value, 4); return bits; }",
            "static inline __attribute__((__unused__)) uint64_t wasmc_cabi_f64_bits(double value) { uint64_t bits; memcpy(&bits, &value, 8); return bits; }",
            "static inline __attribute__((__unused__)) float wasmc_cabi_f32_from_bits(uint32_t bits) { float value; memcpy(&value, &bits, 4); return value; }",
            "static inline __attribute__((__unused__)) double wasmc_cabi_f64_from_bits(uint64_t bits) { double value; memcpy(&value, &bits, 8); return value; }",
            "",
            "/* The allocator the host uses for strings and lists it gives the guest (the canonical ABI's realloc). */",
            "__attribute__((__weak__, __export_name__(\"cabi_realloc\")))",
            "void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {",
            "  (void)old_size;",
            "  if (new_size == 0) return (void *)align;",
            "  void *result = realloc(ptr, new_size);",
            "  if (!result) abort();",
            "  return result;",
            "}", "",
            "void \(prefix)_string_set(\(prefix)_string_t *ret, const char *s) {",
            "  ret->ptr = (uint8_t *)s;", "  ret->len = strlen(s);", "}", "",
            "void \(prefix)_string_dup(\(prefix)_string_t *ret, const char *s) {",
            "  ret->len = strlen(s);", "  ret->ptr = (uint8_t *)cabi_realloc(NULL, 0, 1, ret->len);",
            "  memcpy(ret->ptr, s, ret->len);", "}", "",
            "void \(prefix)_string_free(\(prefix)_string_t *ret) {",
            "  if (ret->len > 0) free(ret->ptr);", "  ret->ptr = NULL;", "  ret->len = 0;", "}", "",
        ]
        var emitted: Set<String> = []
        var scratch: [String] = []
        for type in usedTypes() { emitType(type, into: &scratch, emitted: &emitted) }
        for name in emitted.sorted() {
            guard let type = ownedType(named: name) else { continue }
            out.append("void \(name.dropLast(2))_free(\(name) *ptr) {")
            out += freeStatements(type, "*ptr").map { "  " + $0 }
            out += ["}", ""]
        }
        for binding in bindings(world.imports, exported: false) { out += importGlue(binding) }
        for binding in bindings(world.exports, exported: true) { out += exportGlue(binding) }
        out += customSection("component-type:wasmc:\(world.name)", componentType)
        out += customSection(WorldManifest.sectionName, Array(WorldManifest(world: world).text.utf8))
        out += ["", "#endif /* __wasm32__ */"]
        return out.joined(separator: "\n") + "\n"
    }

    /// A custom section of the linked module, from top-level assembly (clang has no
    /// attribute for custom sections; wasm-ld keeps them, also with --strip-all).
    func customSection(_ name: String, _ bytes: [UInt8]) -> [String] {
        var lines = ["/* The custom section \"\(name)\" (\(bytes.count) bytes). */", "__asm__("]
        lines.append("    \".section \\\".custom_section.\(name)\\\",\\\"\\\",@\\n\"")
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 32, bytes.count)]
            lines.append("    \".ascii \\\"" + chunk.map { "\\\\" + String(format3Octal($0)) }.joined() + "\\\"\\n\"")
            index += 32
        }
        lines.append("    \".text\\n\");")
        lines.append("")
        return lines
    }

    private func format3Octal(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 8)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// Parameter expressions as lvalues: by-pointer parameters are dereferenced.
    func parameterValue(_ parameter: (name: String, type: WitType)) -> String {
        let name = BindgenNames.cIdentifier(parameter.name)
        return isScalar(parameter.type) ? name : "(*\(name))"
    }

    func importGlue(_ binding: Binding) -> [String] {
        let function = binding.function
        let core = abi.coreSignature(function, .imported)
        let wasmName = "__wasm_import_\(binding.cName)"
        let coreParameters = core.signature.parameters.enumerated().map { "\(coreCType($1)) p\($0)" }
        let coreResult = core.signature.results.first.map(coreCType) ?? "void"
        var out = [
            "__attribute__((__import_module__(\"\(binding.coreModule ?? "$root")\"), __import_name__(\"\(function.name)\")))",
            "extern \(coreResult) \(wasmName)(\(coreParameters.isEmpty ? "void" : coreParameters.joined(separator: ", ")));",
            "",
            "\(prototype(binding)) {",
        ]
        var arguments: [String] = []
        if core.parametersInMemory {
            // More than 16 flat values: the arguments travel as a tuple in memory.
            out.append("  struct {")
            for (index, parameter) in function.parameters.enumerated() {
                out.append("    \(cType(parameter.type)) a\(index);")
            }
            out.append("  } args;")
            for (index, parameter) in function.parameters.enumerated() {
                out.append("  args.a\(index) = \(parameterValue(parameter));")
            }
            arguments.append("(int32_t)(uintptr_t)&args")
        } else {
            let flatCount = function.parameters.reduce(0) { $0 + abi.flatten($1.type).count }
            if flatCount > 0 {
                out.append("  uint64_t flat[\(flatCount)] = {0};")
                var slot = 0
                for parameter in function.parameters {
                    out += lowerFlat(parameter.type, parameterValue(parameter), slot: slot).map { "  " + $0 }
                    slot += abi.flatten(parameter.type).count
                }
                let flatTypes = function.parameters.flatMap { abi.flatten($0.type) }
                arguments += flatTypes.enumerated().map { fromRaw($1, "flat[\($0)]") }
            }
        }
        guard let result = function.result else {
            out.append("  \(wasmName)(\(arguments.joined(separator: ", ")));")
            return out + ["}", ""]
        }
        let resultType = cType(result)
        if core.resultsInMemory {
            out.append(
                "  __attribute__((__aligned__(\(abi.alignment(result))))) uint8_t ret_area[\(abi.size(result))];")
            arguments.append("(int32_t)(uintptr_t)ret_area")
            out.append("  \(wasmName)(\(arguments.joined(separator: ", ")));")
            out.append("  \(resultType) result;")
            out.append("  memcpy(&result, ret_area, sizeof result);")
        } else {
            out.append(
                "  uint64_t result_flat[1] = {\(toRaw(core.signature.results[0], "\(wasmName)(\(arguments.joined(separator: ", ")))"))};"
            )
            out.append("  \(resultType) result;")
            out.append("  {")
            out.append("    const uint64_t *flat = result_flat;")
            out += liftFlat(result, "result", slot: 0).map { "    " + $0 }
            out.append("  }")
        }
        switch returnStyle(function) {
        case .none: break
        case .scalar: out.append("  return result;")
        case .result(let ok, let err):
            out.append("  if (result.is_err) {")
            if err != nil { out.append("    *err = result.val.err;") }
            out.append("    return false;")
            out.append("  }")
            if ok != nil { out.append("  *ret = result.val.ok;") }
            out.append("  return true;")
        case .option:
            out.append("  if (!result.is_some) return false;")
            out.append("  *ret = result.val;")
            out.append("  return true;")
        case .out: out.append("  *ret = result;")
        }
        return out + ["}", ""]
    }

    func exportGlue(_ binding: Binding) -> [String] {
        let function = binding.function
        let core = abi.coreSignature(function, .exported)
        let wasmName = "__wasm_export_\(binding.cName)"
        let coreParameters = core.signature.parameters.enumerated().map { "\(coreCType($1)) p\($0)" }
        let coreResult = core.signature.results.first.map(coreCType) ?? "void"
        var out: [String] = []
        if core.resultsInMemory, let result = function.result {
            out.append(
                "static __attribute__((__aligned__(\(abi.alignment(result))))) uint8_t \(wasmName)_ret_area[\(abi.size(result))];"
            )
            out.append("")
        }
        out += [
            "__attribute__((__export_name__(\"\(binding.coreName)\")))",
            "\(coreResult) \(wasmName)(\(coreParameters.isEmpty ? "void" : coreParameters.joined(separator: ", "))) {",
        ]
        for (index, parameter) in function.parameters.enumerated() {
            out.append("  \(cType(parameter.type)) a\(index);")
        }
        if core.parametersInMemory {
            out.append("  {")
            out.append("    struct {")
            for (index, parameter) in function.parameters.enumerated() {
                out.append("      \(cType(parameter.type)) a\(index);")
            }
            out.append("    } *args = (void *)(uintptr_t)(uint32_t)p0;")
            for index in function.parameters.indices { out.append("    a\(index) = args->a\(index);") }
            out.append("    free(args);")
            out.append("  }")
        } else if !core.signature.parameters.isEmpty {
            out.append("  {")
            out.append(
                "    const uint64_t flat[] = {\(core.signature.parameters.enumerated().map { toRaw($1, "p\($0)") }.joined(separator: ", "))};"
            )
            var slot = 0
            for (index, parameter) in function.parameters.enumerated() {
                out += liftFlat(parameter.type, "a\(index)", slot: slot).map { "    " + $0 }
                slot += abi.flatten(parameter.type).count
            }
            out.append("  }")
        }
        var arguments = function.parameters.enumerated().map { index, parameter in
            isScalar(parameter.type) ? "a\(index)" : "&a\(index)"
        }
        guard let result = function.result else {
            out.append("  \(binding.cName)(\(arguments.joined(separator: ", ")));")
            return out + ["}", ""]
        }
        out.append("  \(cType(result)) result;")
        out.append("  memset(&result, 0, sizeof result);")
        switch returnStyle(function) {
        case .none: break
        case .scalar: out.append("  result = \(binding.cName)(\(arguments.joined(separator: ", ")));")
        case .result(let ok, let err):
            if ok != nil { arguments.append("&result.val.ok") }
            if err != nil { arguments.append("&result.val.err") }
            out.append("  result.is_err = !\(binding.cName)(\(arguments.joined(separator: ", ")));")
        case .option:
            arguments.append("&result.val")
            out.append("  result.is_some = \(binding.cName)(\(arguments.joined(separator: ", ")));")
        case .out:
            arguments.append("&result")
            out.append("  \(binding.cName)(\(arguments.joined(separator: ", ")));")
        }
        if core.resultsInMemory {
            out.append("  memcpy(\(wasmName)_ret_area, &result, sizeof result);")
            out.append("  return (int32_t)(uintptr_t)\(wasmName)_ret_area;")
            out += ["}", ""]
            if abi.owns(result) {
                // cabi_post_*: the host calls it once it has read the results.
                out.append("__attribute__((__export_name__(\"cabi_post_\(binding.coreName)\")))")
                out.append("void \(wasmName)_post_return(int32_t ret) {")
                out.append("  \(cType(result)) *ptr = (\(cType(result)) *)(uintptr_t)(uint32_t)ret;")
                out += freeStatements(result, "*ptr").map { "  " + $0 }
                out += ["}", ""]
            }
            return out
        }
        let flatCount = abi.flatten(result).count
        out.append("  uint64_t flat[\(flatCount)] = {0};")
        out += lowerFlat(result, "result", slot: 0).map { "  " + $0 }
        out.append("  return \(fromRaw(core.signature.results[0], "flat[0]"));")
        return out + ["}", ""]
    }
}
