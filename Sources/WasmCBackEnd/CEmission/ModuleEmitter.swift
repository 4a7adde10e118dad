import WasmCFrontEnd

/// The C translation of one module: its source files and the header the host includes.
public struct CTranslation: Sendable {
    /// Prefix of every public symbol of this module (`wasmc_module_<prefix>`).
    public var prefix: String
    /// The main file: instance layout, initialisation, the descriptor, and the functions
    /// unless they were split off into `parts`.
    public var source: String
    /// The functions of a large module, in files compiled separately (and in parallel).
    public var parts: [String]
    public var header: String

    /// File names for the sources, main file first: `<prefix>.c`, `<prefix>.part1.c`, ...
    public var sourceFiles: [(name: String, text: String)] {
        [("\(prefix).c", source)] + parts.enumerated().map { ("\(prefix).part\($0.offset + 1).c", $0.element) }
    }
}

/// How the back end writes a module's C.
public struct EmitOptions: Sendable {
    /// How generated code keeps memory accesses in bounds; the C and the runtime must agree.
    public var bounds: BoundsStrategy
    /// A module with more instructions than this is split into part files of about this
    /// many instructions, which clang compiles in parallel; nil keeps every module in one file.
    /// One instruction is about 16 bytes of C.
    public var partInstructions: Int?

    /// The default part size: about 1 MB of C, a few seconds of clang -O2.
    public static let defaultPartInstructions = 60_000

    public init(bounds: BoundsStrategy, partInstructions: Int? = EmitOptions.defaultPartInstructions) {
        self.bounds = bounds
        self.partInstructions = partInstructions
    }
}

/// Emits the C for a validated module: instance layout, functions, initialisation,
/// the import/export tables and the `wasmc_module` descriptor (see runtime-c/include/wasmc_rt.h).
public struct ModuleEmitter {
    let module: ValidatedModule
    let prefix: String
    let options: EmitOptions
    let names: ModuleNames
    /// The module's functions grouped into files: one group unless the module is split.
    let groups: [ArraySlice<ValidatedFunction>]
    /// Whether the module uses v128 (a type, a global, an instruction): only then does its C
    /// include wasmc_simd.h, whose intrinsic headers would slow down every other module's build.
    let usesSIMD: Bool

    public init(module: ValidatedModule, name: String, options: EmitOptions) {
        self.module = module
        self.prefix = CNames.modulePrefix(name)
        self.options = options
        self.groups = Self.group(module.functions, partInstructions: options.partInstructions)
        self.names = ModuleNames(module: module, sharedPrefix: groups.count > 1 ? prefix : nil)
        self.usesSIMD = Self.usesV128(module)
    }

    static func usesV128(_ module: ValidatedModule) -> Bool {
        let signatures = module.types + module.functionSignatures
        if signatures.contains(where: { $0.parameters.contains(.v128) || $0.results.contains(.v128) }) { return true }
        if module.globals.contains(where: { $0.valueType == .v128 }) { return true }
        return module.functions.contains { function in
            function.locals.contains(.v128)
                || function.body.contains { instruction in
                    switch instruction.operation {
                    case .plain(let row, _, _): row.operands.contains(.v128) || row.results.contains(.v128)
                    case .v128Const, .select(.v128): true
                    case .block(let signature), .loop(let signature), .if(let signature), .tryTable(let signature, _):
                        signature.parameters.contains(.v128) || signature.results.contains(.v128)
                    default: false
                    }
                }
        }
    }

    /// Consecutive functions (neighbours in the binary usually call each other) in groups of
    /// about `partInstructions` instructions; one group when the module is no bigger than that.
    static func group(_ functions: [ValidatedFunction], partInstructions: Int?) -> [ArraySlice<ValidatedFunction>] {
        let total = functions.reduce(0) { $0 + $1.body.count }
        guard let partInstructions, total > partInstructions else { return [functions[...]] }
        var groups: [ArraySlice<ValidatedFunction>] = []
        var start = 0
        var size = 0
        for (index, function) in functions.enumerated() {
            size += function.body.count
            if size >= partInstructions {
                groups.append(functions[start...index])
                start = index + 1
                size = 0
            }
        }
        if start < functions.count { groups.append(functions[start...]) }
        return groups
    }

    public func emit() -> CTranslation {
        let split = groups.count > 1
        var out = prelude(part: nil)
        out += emitSignatureConstants()
        out += emitDataSegments()
        if !split { out += emitFunctions(groups[0]) }
        out += emitCreate()
        out += emitInitialize()
        out += emitDestroy()
        out += emitInvokers()
        out += emitDescriptor()
        let parts =
            split
            ? groups.enumerated().map {
                (prelude(part: $0.offset + 1) + emitFunctions($0.element)).joined(separator: "\n") + "\n"
            }
            : []
        let header = """
            /* Generated by wasmc: the host's view of module "\(prefix)". */
            #ifndef WASMC_MODULE_\(prefix.uppercased())_H
            #define WASMC_MODULE_\(prefix.uppercased())_H
            #include "wasmc_rt.h"

            /* Instantiate with wasmc_instantiate(&\(CNames.moduleSymbol(prefix)), imports, ...). */
            extern const wasmc_module \(CNames.moduleSymbol(prefix));

            #endif

            """
        return CTranslation(prefix: prefix, source: out.joined(separator: "\n") + "\n", parts: parts, header: header)
    }

    /// What every file of the module starts with: types, the instance layout, and declarations
    /// of the functions (and, when split, of the shared constants).
    private func prelude(part: Int?) -> [String] {
        let what = part.map { ", part \($0) of \(groups.count)" } ?? ""
        var out = ["/* Generated by wasmc from module \"\(prefix)\"\(what). Do not edit. */"]
        if options.bounds == .guardPages { out.append("#define WASMC_BOUNDS_GUARD 1") }
        if usesSIMD { out.append("#define WASMC_SIMD 1") }
        out.append("#include \"wasmc_module.h\"")
        if names.tailCalls { out.append("#include \"wasmc_tail_calls.h\"") }
        out.append("#include \"\(prefix).h\"")
        out.append("#include <stdlib.h>")
        out += RuntimeABI.check
        out.append("")
        out += emitSignatureTypes()
        out += emitInstanceStruct()
        if names.sharedPrefix != nil {
            out.append("/* Shared by the module's files */")
            for signature in names.signatures {
                out.append("extern WASMC_HIDDEN const char \(names.signatureConstant(signature))[];")
            }
            for (index, segment) in module.dataSegments.enumerated() {
                out.append(
                    "extern WASMC_HIDDEN const uint8_t \(names.dataSegment(index))[\(max(segment.bytes.count, 1))];")
            }
            out.append("")
        }
        out.append("/* Functions */")
        for function in module.functions {
            let signature = function.signature
            if names.tailCalls {
                // Bodies of the uniform prototype, and their entries of the wasm signature.
                out.append(
                    "\(names.storage) uint64_t \(names.functions[Int(function.index)])(\(TailCallConvention.bodyParameterList));")
                out.append(
                    "\(names.storage) \(signature.cReturnType) \(names.entry(function.index))(\(signature.cParameterList { "p\($0)" }));"
                )
                continue
            }
            out.append(
                "\(names.storage) \(signature.cReturnType) \(names.functions[Int(function.index)])(\(signature.cParameterList { "l\($0)" }));"
            )
        }
        out.append("")
        return out
    }

    private func emitFunctions(_ functions: ArraySlice<ValidatedFunction>) -> [String] {
        var out: [String] = []
        for function in functions {
            var emitter = FunctionEmitter(module: module, function: function, names: names, options: options)
            out.append(emitter.emitDefinition())
            out.append("")
            if names.tailCalls {
                out.append(
                    TailCallConvention.entryDefinition(
                        storage: names.storage, entry: names.entry(function.index),
                        body: names.functions[Int(function.index)], signature: function.signature,
                        wasmIndex: function.index))
                out.append("")
            }
        }
        return out
    }

    // MARK: Types and state

    /// Result tuples and function pointer types, by signature.
    private func emitSignatureTypes() -> [String] {
        var out = ["/* Signatures: result tuples, function pointer types */"]
        var tuples = Set<String>()
        for signature in names.signatures where signature.results.count > 1 {
            if tuples.insert(signature.cReturnType).inserted {
                let fields = signature.results.enumerated().map { "\($0.element.cType) r\($0.offset);" }.joined(
                    separator: " ")
                out.append("typedef struct { \(fields) } \(signature.cReturnType);")
            }
        }
        var pointerTypes = Set<String>()
        // Signatures that differ only in their typed references share a C type, declared once.
        for signature in names.signatures where pointerTypes.insert(signature.cPointerType).inserted {
            let parameters = (["void *"] + signature.parameters.map(\.cType)).joined(separator: ", ")
            out.append("typedef \(signature.cReturnType) (*\(signature.cPointerType))(\(parameters));")
        }
        out.append("")
        return out
    }

    /// The canonical signature strings that tables, imports and exports compare.
    private func emitSignatureConstants() -> [String] {
        var out = ["/* Signatures: canonical strings */"]
        for signature in names.signatures {
            out.append(
                "\(names.storage) const char \(names.signatureConstant(signature))[] = \(CNames.stringLiteral(signature.canonicalString));"
            )
        }
        out.append("")
        return out
    }

    private func emitInstanceStruct() -> [String] {
        var out = ["/* All state of one instance: two instances never share anything they did not import. */"]
        out.append("typedef struct instance {")
        if !module.functionSignatures.isEmpty {
            out.append("  wasmc_func funcs[\(module.functionSignatures.count)];")
        }
        for index in module.tables.indices {
            out.append("  wasmc_table *table\(index);")
            if index >= module.importedTableCount { out.append("  wasmc_table own_table\(index);") }
        }
        for index in module.memories.indices {
            out.append("  wasmc_memory *memory\(index);")
            if index >= module.importedMemoryCount { out.append("  wasmc_memory own_memory\(index);") }
        }
        for index in module.globals.indices {
            out.append("  wasmc_global global\(index);")
            if index >= module.importedGlobalCount { out.append("  wasmc_value global\(index)_value;") }
        }
        if !module.tags.isEmpty {
            // A tag's address is its identity: an imported one points into its exporter.
            out.append("  const wasmc_tag *tags[\(module.tags.count)];")
            if module.tags.count > module.importedTagCount {
                out.append("  wasmc_tag tag_storage[\(module.tags.count - module.importedTagCount)];")
            }
        }
        if !module.dataSegments.isEmpty {
            out.append("  uint32_t data_size[\(module.dataSegments.count)]; /* 0 once dropped */")
        }
        for index in module.elementSegments.indices {
            out.append("  void **elem\(index);")
            out.append("  uint32_t elem\(index)_size; /* 0 once dropped */")
        }
        out.append("  char unused; /* keeps the struct non-empty */")
        out.append("} instance;")
        out.append("")
        return out
    }

    private func emitDataSegments() -> [String] {
        var out: [String] = []
        for (index, segment) in module.dataSegments.enumerated() {
            if segment.bytes.isEmpty {
                out.append("\(names.storage) const uint8_t \(names.dataSegment(index))[1];")
                continue
            }
            // Long literals are split into lines; C concatenates adjacent string literals.
            var chunks: [String] = []
            var start = 0
            while start < segment.bytes.count {
                let end = min(start + 64, segment.bytes.count)
                chunks.append("  " + CNames.bytesLiteral(Array(segment.bytes[start..<end])))
                start = end
            }
            out.append("\(names.storage) const uint8_t \(names.dataSegment(index))[\(segment.bytes.count)] =")
            out.append(chunks.joined(separator: "\n") + ";")
        }
        if !out.isEmpty { out.append("") }
        return out
    }

    // MARK: Lifecycle

    private func emitCreate() -> [String] {
        var out: [String] = []
        let defined = module.functions
        if !defined.isEmpty, names.tailCalls {
            // Each function's entry of its wasm signature, and its body for tail calls.
            out.append(
                "static const struct { const char *type; wasmc_code code; wasmc_tail_code tail_code; } defined_functions[\(defined.count)] = {"
            )
            for function in defined {
                out.append(
                    "  {\(names.signatureConstant(function.signature)), (wasmc_code)\(names.entry(function.index)), \(names.functions[Int(function.index)])},"
                )
            }
            out.append("};")
            out.append("")
        } else if !defined.isEmpty {
            // A table and a loop rather than a statement per function: a big module's create()
            // would otherwise be its most expensive function to compile.
            out.append(
                "static const struct { const char *type; wasmc_code code; } defined_functions[\(defined.count)] = {")
            for function in defined {
                out.append(
                    "  {\(names.signatureConstant(function.signature)), (wasmc_code)\(names.functions[Int(function.index)])},"
                )
            }
            out.append("};")
            out.append("")
        }
        out.append("static bool create(void *state, const wasmc_extern *imports) {")
        out.append("  instance *inst = (instance *)state;")
        out.append("  (void)imports;")
        var counts = [ExternalKind: Int]()
        for (i, entry) in module.imports.enumerated() {
            let index = counts[entry.kind, default: 0]
            counts[entry.kind] = index + 1
            switch entry.kind {
            case .function: out.append("  inst->funcs[\(index)] = *imports[\(i)].as.func;")
            case .table: out.append("  inst->table\(index) = imports[\(i)].as.table;")
            case .memory: out.append("  inst->memory\(index) = imports[\(i)].as.memory;")
            case .global: out.append("  inst->global\(index) = *imports[\(i)].as.global;")
            case .tag: out.append("  inst->tags[\(index)] = imports[\(i)].as.tag;")
            }
        }
        if let first = defined.first, names.tailCalls {
            out.append("  for (uint32_t i = 0; i < \(defined.count)u; i++)")
            out.append(
                "    inst->funcs[\(first.index)u + i] = (wasmc_func){defined_functions[i].type, defined_functions[i].code, inst, defined_functions[i].tail_code};"
            )
        } else if let first = defined.first {
            out.append("  for (uint32_t i = 0; i < \(defined.count)u; i++)")
            out.append(
                "    inst->funcs[\(first.index)u + i] = (wasmc_func){defined_functions[i].type, defined_functions[i].code, inst};"
            )
        }
        for index in module.importedMemoryCount..<module.memories.count {
            let limits = module.memories[index]
            out.append(
                "  if (!wasmc_memory_init(&inst->own_memory\(index), \(limits.min)u, \(limits.max ?? 65536)u, \(limits.max != nil))) return false;"
            )
            if limits.is64 { out.append("  inst->own_memory\(index).is64 = true;") }
            out.append("  inst->memory\(index) = &inst->own_memory\(index);")
        }
        for index in module.importedTableCount..<module.tables.count {
            let limits = module.tables[index].limits
            out.append(
                "  if (!wasmc_table_init(&inst->own_table\(index), \(module.tables[index].elementType.runtimeConstant), \(limits.min)u, \(limits.max ?? (limits.is64 ? UInt64.max : UInt64(UInt32.max)))u, \(limits.max != nil))) return false;"
            )
            if limits.is64 { out.append("  inst->own_table\(index).is64 = true;") }
            if case .ref = module.tables[index].elementType {
                out.append("  inst->own_table\(index).ref_type = \(module.tables[index].elementType.referenceCodeLiteral);")
            }
            out.append("  inst->table\(index) = &inst->own_table\(index);")
        }
        for index in module.importedGlobalCount..<module.globals.count {
            let type = module.globals[index]
            out.append(
                "  inst->global\(index) = (wasmc_global){\(type.valueType.runtimeConstant), \(type.isMutable), &inst->global\(index)_value, \(type.valueType.referenceCodeLiteral)};"
            )
        }
        for index in module.importedTagCount..<module.tags.count {
            // Each instantiation makes new tags, as the spec requires.
            let storage = "inst->tag_storage[\(index - module.importedTagCount)]"
            let parameters = module.tags[index].parameters
            out.append(
                "  \(storage) = (wasmc_tag){\(CNames.stringLiteral(String(parameters.map(\.signatureLetter)))), \(CNames.stringLiteral(tagName(UInt32(index)))), \(FunctionEmitter.payloadOffset(parameters, parameters.count))u};"
            )
            out.append("  inst->tags[\(index)] = &\(storage);")
        }
        for (index, segment) in module.dataSegments.enumerated() {
            out.append("  inst->data_size[\(index)] = \(segment.bytes.count)u;")
        }
        for (index, segment) in module.elementSegments.enumerated() {
            out.append("  inst->elem\(index) = calloc(\(max(segment.items.count, 1)), sizeof(void *));")
            out.append("  if (inst->elem\(index) == NULL) return false;")
            out.append("  inst->elem\(index)_size = \(segment.items.count)u;")
        }
        out.append("  return true;")
        out.append("}")
        out.append("")
        return out
    }

    /// How reports name a defined tag: `"module" "export"` when exported (the names another
    /// module imports it by), else its index in the module.
    private func tagName(_ index: UInt32) -> String {
        if let export = module.exports.first(where: { $0.kind == .tag && $0.index == index }) {
            return "\(CNames.stringLiteral(prefix)) \(CNames.stringLiteral(export.name))"
        }
        return "\(index) of module \(CNames.stringLiteral(prefix))"
    }

    /// A constant as a C expression of the given type.
    private func constant(_ value: ConstantValue, type: ValueType) -> String {
        switch value {
        case .i32(let value): "\(value)u"
        case .i64(let value): "\(value)ull"
        case .f32(let bits): CLiterals.f32(bits)
        case .f64(let bits): CLiterals.f64(bits)
        case .v128(let low, let high): CLiterals.v128(low: low, high: high)
        case .null: "NULL"
        case .function(let index): "&inst->funcs[\(index)]"
        case .global(let index): "\(names.globalAccess(index, module: module)).\(type.valueField)"
        case .arithmetic(let op, let left, let right):
            "(\(op.type.cType))(\(constant(left, type: op.type)) \(op.cOperator) \(constant(right, type: op.type)))"
        }
    }

    /// The function index of each item (nil for a null reference) when every item is a
    /// `ref.func` or a `ref.null`; nil when some item is anything else (e.g. `global.get`).
    private func functionIndices(_ items: [ConstantValue]) -> [UInt32?]? {
        guard items.count > 1 else { return nil }
        var result: [UInt32?] = []
        result.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .function(let index): result.append(index)
            case .null: result.append(nil)
            default: return nil
            }
        }
        return result
    }

    private func emitInitialize() -> [String] {
        var out = ["/* Globals, then element and data segments, then the start function (spec 4.5.4). */"]
        out.append("static void initialize(void *state) {")
        out.append("  instance *inst = (instance *)state;")
        out.append("  (void)inst;")
        for (offset, initializer) in module.globalInitializers.enumerated() {
            let index = module.importedGlobalCount + offset
            let type = module.globals[index].valueType
            out.append("  inst->global\(index)_value.\(type.valueField) = \(constant(initializer, type: type));")
        }
        for (offset, initializer) in module.tableInitializers.enumerated() {
            // A table with an initializer (typed function references): every element starts with it.
            guard let initializer else { continue }
            let index = module.importedTableCount + offset
            let type = module.tables[index].elementType
            out.append("  for (uint32_t k = 0; k < inst->own_table\(index).size; k++)")
            out.append(
                "    inst->own_table\(index).elements[k] = (void *)(uintptr_t)(\(constant(initializer, type: type)));")
        }
        for (index, segment) in module.elementSegments.enumerated() {
            if let functions = functionIndices(segment.items) {
                // Only ref.func and ref.null: a table of function indices and a loop.
                out.append("  {")
                out.append("    static const uint32_t items[\(functions.count)] = {")
                for row in stride(from: 0, to: functions.count, by: 16) {
                    let values = functions[row..<min(row + 16, functions.count)].map {
                        $0.map { "\($0)u" } ?? "UINT32_MAX"
                    }
                    out.append("      " + values.joined(separator: ", ") + ",")
                }
                out.append("    };")
                out.append("    for (uint32_t k = 0; k < \(functions.count)u; k++)")
                out.append(
                    "      inst->elem\(index)[k] = items[k] == UINT32_MAX ? NULL : (void *)&inst->funcs[items[k]];")
                out.append("  }")
                continue
            }
            for (k, item) in segment.items.enumerated() {
                out.append(
                    "  inst->elem\(index)[\(k)] = (void *)(uintptr_t)(\(constant(item, type: segment.elementType)));")
            }
        }
        for (index, segment) in module.elementSegments.enumerated() {
            switch segment.mode {
            case .passive:
                break
            case .declarative:
                out.append("  inst->elem\(index)_size = 0;")
            case .active(let table, let offset):
                out.append(
                    "  wasmc_table_init_segment(inst->table\(table), \(constant(offset, type: module.tables[Int(table)].limits.addressType)), inst->elem\(index), inst->elem\(index)_size, 0, \(segment.items.count)u);"
                )
                out.append("  inst->elem\(index)_size = 0;")
            }
        }
        for (index, segment) in module.dataSegments.enumerated() {
            if case .active(let memory, let offset) = segment.mode {
                let address = module.memories[Int(memory)].addressType
                out.append(
                    "  wasmc_memory_init_segment(inst->memory\(memory), \(constant(offset, type: address)), \(names.dataSegment(index)), inst->data_size[\(index)], 0, \(segment.bytes.count)u);"
                )
                out.append("  inst->data_size[\(index)] = 0;")
            }
        }
        if let start = module.start {
            // Through funcs[] so an imported start function works too.
            out.append("  ((wasmc_sig__)inst->funcs[\(start)].code)(inst->funcs[\(start)].env);")
        }
        out.append("}")
        out.append("")
        return out
    }

    private func emitDestroy() -> [String] {
        var out = ["static void destroy(void *state) {"]
        out.append("  instance *inst = (instance *)state;")
        out.append("  (void)inst;")
        for index in module.importedMemoryCount..<module.memories.count {
            out.append("  wasmc_memory_free(&inst->own_memory\(index));")
        }
        for index in module.importedTableCount..<module.tables.count {
            out.append("  wasmc_table_free(&inst->own_table\(index));")
        }
        for index in module.elementSegments.indices {
            out.append("  free(inst->elem\(index));")
        }
        for index in module.importedGlobalCount..<module.globals.count where module.globals[index].valueType == .exnref
        {
            // The global pinned the exception it held (wasmc_exnref_store).
            out.append(
                "  if (inst->global\(index)_value.exnref) wasmc_exnref_unpin(inst->global\(index)_value.exnref);")
        }
        out.append("}")
        out.append("")
        return out
    }

    // MARK: Imports, exports, descriptor

    /// One signature per invoker (`invoke_<cTag>`): signatures that differ only in their
    /// typed references are invoked alike.
    private func exportedSignatures() -> [FunctionSignature] {
        var seen = Set<String>()
        var result: [FunctionSignature] = []
        for export in module.exports where export.kind == .function {
            let signature = module.functionSignatures[Int(export.index)]
            if seen.insert(signature.cTag).inserted { result.append(signature) }
        }
        return result
    }

    private func emitInvokers() -> [String] {
        var out = ["/* Generic entry points for the host: arguments and results as wasmc_value arrays. */"]
        for signature in exportedSignatures() {
            out.append(
                "static void invoke_\(signature.cTag)(const wasmc_func *f, const wasmc_value *args, wasmc_value *results) {"
            )
            let args =
                (["f->env"] + signature.parameters.enumerated().map { "args[\($0.offset)].\($0.element.valueField)" })
                .joined(separator: ", ")
            let call = "((\(signature.cPointerType))f->code)(\(args))"
            switch signature.results.count {
            case 0:
                out.append("  (void)results;")
                out.append("  \(call);")
            case 1:
                out.append("  results[0].\(signature.results[0].valueField) = \(call);")
            default:
                out.append("  \(signature.cReturnType) r = \(call);")
                for (k, type) in signature.results.enumerated() {
                    out.append("  results[\(k)].\(type.valueField) = r.r\(k);")
                }
            }
            for (k, type) in signature.results.enumerated() where type == .exnref {
                // Handed to the host, which the stack scan cannot see: pinned until it unpins.
                out.append("  if (results[\(k)].exnref) wasmc_exnref_pin(results[\(k)].exnref);")
            }
            if signature.parameters.isEmpty { out.append("  (void)args;") }
            out.append("}")
        }
        out.append("")
        return out
    }

    private func emitDescriptor() -> [String] {
        var out: [String] = []
        let imports = module.imports
        if !imports.isEmpty {
            out.append("static const wasmc_import_desc imports[] = {")
            for entry in imports {
                let module = CNames.stringLiteral(entry.module)
                let name = CNames.stringLiteral(entry.name)
                switch entry.descriptor {
                case .function(let typeIndex):
                    let signature = self.module.types[Int(typeIndex)]
                    out.append(
                        "  {\(module), \(name), WASMC_EXTERN_FUNC, \(names.signatureConstant(signature)), 0, false, 0, 0, false},"
                    )
                case .table(let type):
                    out.append(
                        "  {\(module), \(name), WASMC_EXTERN_TABLE, NULL, \(type.elementType.runtimeConstant), false, \(type.limits.min)u, \(type.limits.max ?? 0)u, \(type.limits.max != nil), \(type.elementType.referenceCodeLiteral)\(type.limits.is64 ? ", true" : "")},"
                    )
                case .memory(let limits):
                    let addressType = limits.is64 ? "WASMC_I64" : "0"
                    out.append(
                        "  {\(module), \(name), WASMC_EXTERN_MEMORY, NULL, \(addressType), false, \(limits.min)u, \(limits.max ?? 0)u, \(limits.max != nil)},"
                    )
                case .global(let type):
                    out.append(
                        "  {\(module), \(name), WASMC_EXTERN_GLOBAL, NULL, \(type.valueType.runtimeConstant), \(type.isMutable), 0, 0, false, \(type.valueType.referenceCodeLiteral)},"
                    )
                case .tag(let typeIndex):
                    let letters = String(self.module.types[Int(typeIndex)].parameters.map(\.signatureLetter))
                    out.append(
                        "  {\(module), \(name), WASMC_EXTERN_TAG, \(CNames.stringLiteral(letters)), 0, false, 0, 0, false},"
                    )
                }
            }
            out.append("};")
        }
        let exports = module.exports
        if !exports.isEmpty {
            out.append("static const wasmc_export_desc exports[] = {")
            for export in exports {
                let kind = export.kind.runtimeConstant
                let type =
                    export.kind == .function
                    ? names.signatureConstant(module.functionSignatures[Int(export.index)]) : "NULL"
                out.append(
                    "  {\(CNames.stringLiteral(export.name)), \(export.name.utf8.count)u, \(kind), \(export.index)u, \(type)},"
                )
            }
            out.append("};")
            out.append("static const wasmc_invoker export_invokers[] = {")
            for export in exports {
                if export.kind == .function {
                    out.append("  invoke_\(module.functionSignatures[Int(export.index)].cTag),")
                } else {
                    out.append("  NULL,")
                }
            }
            out.append("};")
        }
        out.append("static void export_of(void *state, uint32_t export_index, wasmc_extern *out) {")
        out.append("  instance *inst = (instance *)state;")
        out.append("  (void)inst;")
        out.append("  switch (export_index) {")
        for (i, export) in exports.enumerated() {
            switch export.kind {
            case .function:
                out.append(
                    "  case \(i): out->kind = WASMC_EXTERN_FUNC; out->as.func = &inst->funcs[\(export.index)]; break;")
            case .table:
                out.append(
                    "  case \(i): out->kind = WASMC_EXTERN_TABLE; out->as.table = inst->table\(export.index); break;")
            case .memory:
                out.append(
                    "  case \(i): out->kind = WASMC_EXTERN_MEMORY; out->as.memory = inst->memory\(export.index); break;"
                )
            case .global:
                out.append(
                    "  case \(i): out->kind = WASMC_EXTERN_GLOBAL; out->as.global = &inst->global\(export.index); break;"
                )
            case .tag:
                out.append(
                    "  case \(i): out->kind = WASMC_EXTERN_TAG; out->as.tag = inst->tags[\(export.index)]; break;")
            }
        }
        out.append("  default: break;")
        out.append("  }")
        out.append("}")
        out.append("")
        out.append("const wasmc_module \(CNames.moduleSymbol(prefix)) = {")
        out.append("  .name = \(CNames.stringLiteral(prefix)),")
        out.append("  .guard_pages = \(options.bounds == .guardPages),")
        out.append("  .instance_size = sizeof(instance),")
        out.append("  .import_count = \(imports.count)u,")
        out.append("  .imports = \(imports.isEmpty ? "NULL" : "imports"),")
        out.append("  .export_count = \(exports.count)u,")
        out.append("  .exports = \(exports.isEmpty ? "NULL" : "exports"),")
        out.append("  .export_invokers = \(exports.isEmpty ? "NULL" : "export_invokers"),")
        out.append("  .create = create,")
        out.append("  .initialize = initialize,")
        out.append("  .export_of = export_of,")
        out.append("  .destroy = destroy,")
        out.append("};")
        return out
    }
}

extension ExternalKind {
    /// `wasmc_extern_kind` constant.
    var runtimeConstant: String {
        switch self {
        case .function: "WASMC_EXTERN_FUNC"
        case .table: "WASMC_EXTERN_TABLE"
        case .memory: "WASMC_EXTERN_MEMORY"
        case .global: "WASMC_EXTERN_GLOBAL"
        case .tag: "WASMC_EXTERN_TAG"
        }
    }
}
