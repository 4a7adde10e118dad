import WasmCFrontEnd

/// Translates one validated function body to C.
///
/// The operand stack lives in C locals named by depth and type (`i3` is the i32 at
/// depth 3, `d0` the f64 at depth 0), so clang sees plain SSA-friendly scalars.
/// Wasm blocks become labels, not nested braces: a block is its code followed by its
/// label, a loop its label followed by its code, and an `if` a conditional `goto` to its
/// `else` label. Branches copy their values into the target's slots and `goto` the label.
/// The C therefore nests no deeper however deep the wasm blocks nest (clang refuses more
/// than 2,048 nested braces, and compilers emit a `switch` of thousands of cases as that
/// many nested blocks around one `br_table`); indentation still shows the nesting, up to
/// `maximumIndent` levels.
struct FunctionEmitter {
    enum FrameKind { case function, block, loop, `if` }

    struct Frame {
        var kind: FrameKind
        var label: String
        var parameters: [ValueType]
        var results: [ValueType]
        /// Stack height below the block's parameters.
        var base: Int
        /// A try_table's handler (`h1`, …), which every way out of its body pops.
        var handler: String? = nil

        var labelTypes: [ValueType] { kind == .loop ? parameters : results }
    }

    let module: ValidatedModule
    let function: ValidatedFunction
    let names: ModuleNames
    let options: EmitOptions

    var lines: [String] = []
    var indent = 1
    /// Indentation stops growing here, so a deep nest of blocks keeps its lines short.
    private static let maximumIndent = 24
    /// The `if` instructions (by index in the body) that have an `else`.
    private var ifsWithElse = Set<Int>()
    var frames: [Frame] = []
    private var slots = Set<String>()
    private var labelCounter = 0
    /// The handlers of the function's try_tables, declared at its top.
    var handlers: [String] = []
    /// The memories the body accesses, whose base and size it keeps in locals (`mem1_data`,
    /// `mem1_size`), in index order.
    private let memories: [UInt32]
    /// Inside code that can never run (after br, return, unreachable): skip until the frame ends.
    var dead = false
    private var deadNesting = 0

    init(module: ValidatedModule, function: ValidatedFunction, names: ModuleNames, options: EmitOptions) {
        self.module = module
        self.function = function
        self.names = names
        self.options = options
        self.memories = Self.memoriesAccessed(by: function.body)
    }

    /// The memories the rows of a body name (the source of `memory.copy` too).
    private static func memoriesAccessed(by body: [TypedInstruction]) -> [UInt32] {
        var used = Set<UInt32>()
        for typed in body {
            guard case .plain(let row, let immediates, _) = typed.operation else { continue }
            switch row.immediates {
            case .memory, .memarg, .memargLane, .dataToMemory: used.insert(immediates.memory)
            case .memoryPair: used.formUnion([immediates.memory, immediates.sourceMemory])
            // Listed one by one, so that a new kind of immediate must say whether it names a memory.
            case .none, .table, .tablePair, .data, .element, .elementToTable, .lane, .shuffle: break
            }
        }
        return used.sorted()
    }

    // MARK: Output helpers

    /// A write to wasm state outside linear memory that a trap leaves behind (a global, a
    /// dropped segment): through `WASMC_STATE_STORE`, which keeps it in order with the memory
    /// accesses around it (see `WASMC_MEMORY_ACCESS` in wasmc_module.h).
    private mutating func emitStateStore(_ lvalue: String, _ value: String) {
        emit("WASMC_STATE_STORE(\(lvalue), \(value));")
    }

    mutating func emit(_ line: String) {
        lines.append(String(repeating: "  ", count: min(indent, Self.maximumIndent)) + line)
    }

    mutating func slot(_ type: ValueType, _ depth: Int) -> String {
        let name = "\(type.signatureLetter)\(depth)"
        slots.insert(name)
        return name
    }

    func local(_ index: UInt32) -> String { "l\(index)" }

    mutating func newLabel() -> String {
        labelCounter += 1
        return "L\(labelCounter)"
    }

    // MARK: Function

    mutating func emitDefinition() -> String {
        let signature = function.signature
        let cName = names.functions[Int(function.index)]
        frames = [Frame(kind: .function, label: "", parameters: [], results: signature.results, base: 0)]
        ifsWithElse = Self.ifsWithElse(in: function.body)
        for (index, typed) in function.body.enumerated() {
            emitInstruction(typed, at: index)
        }

        var header: [String] = []
        // Locals a try body assigns keep their value across a landing only if volatile (C11 7.13.2.1).
        let volatileLocals = Self.localsAssignedInTryBodies(function.body)
        let wasmName = module.functionName(function.index).map { " \"\(CNames.commentText($0))\"" } ?? ""
        header.append("/* wasm function \(function.index)\(wasmName): \(signature) */")
        if names.tailCalls {
            header.append("\(names.storage) uint64_t \(cName)(\(TailCallConvention.bodyParameterList)) {")
        } else {
            header.append(
                "\(names.storage) \(signature.cReturnType) \(cName)(\(signature.cParameterList { volatileLocals.contains(UInt32($0)) ? "volatile l\($0)" : "l\($0)" })) {"
            )
        }
        header.append("  instance *inst = (instance *)env;")
        header.append("  (void)inst;")
        if names.tailCalls {
            // One `T lN = …;` per parameter, after a line of `(void)` casts if any. A parameter a
            // try body assigns is volatile (the C11 rule above).
            let lines = TailCallConvention.receiveParameters(signature.parameters)
            let first = lines.count - signature.parameters.count
            for (k, line) in lines.enumerated() {
                let index = k - first
                let type = index >= 0 ? signature.parameters[index] : .i32
                if index >= 0, volatileLocals.contains(UInt32(index)), line.hasPrefix("\(type.cType) ") {
                    header.append("  \(type.cType) volatile " + line.dropFirst(type.cType.count + 1))
                } else {
                    header.append("  " + line)
                }
            }
        }
        for (offset, type) in function.locals.enumerated() {
            let index = signature.parameters.count + offset
            let qualifier = volatileLocals.contains(UInt32(index)) ? " volatile" : ""
            header.append("  \(type.cType)\(qualifier) l\(index) = \(type.zero);")
        }
        for handler in handlers { header.append("  wasmc_handler \(handler);") }
        // Declare stack slots grouped by type, in a stable order.
        let letters: [(Character, String, Bool)] = [
            ("i", "uint32_t", false), ("j", "uint64_t", false), ("f", "float", false), ("d", "double", false),
            ("v", "wasmc_v128", false),
            ("r", "const wasmc_func", true), ("e", "void", true), ("x", "wasmc_exception", true),
        ]
        for (letter, base, isPointer) in letters {
            let names = slots.filter { $0.first == letter }.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! }
            if names.isEmpty { continue }
            let declarators = names.map { isPointer ? "*\($0)" : $0 }
            header.append("  \(base) \(declarators.joined(separator: ", "));")
        }
        for index in memories {
            // The memory's base and size in locals; see refreshMemory().
            header.append("  uint8_t *mem\(index)_data = \(memory(index)).data;")
            header.append("  uint64_t mem\(index)_size = \(memory(index)).size;")
            header.append("  (void)mem\(index)_data; (void)mem\(index)_size;")
        }
        if needsStackCheck { header.append("  WASMC_CHECK_STACK();") }
        return (header + lines + ["}"]).joined(separator: "\n")
    }

    /// Whether the function checks the stack pointer on entry.
    ///
    /// With explicit bounds checks every function does. With guard pages a function whose
    /// code stays in the module relies on the thread's stack guard page instead, as it
    /// relies on the memory's: the runtime's fault handler reports a fault next to the
    /// stack pointer as "call stack exhausted" (runtime-c/core/trap.c; clang's
    /// -fstack-clash-protection makes every frame touch its pages in order). Functions
    /// that can enter host code (imports, indirect calls that may reach one, the grow
    /// operations) still check, so host code always starts with the reserve below the
    /// limit and never overflows holding a lock.
    private var needsStackCheck: Bool {
        if options.bounds != .guardPages { return true }
        return function.body.contains { typed in
            switch typed.operation {
            case .call(let index, _): Int(index) < module.importedFunctionCount
            case .callIndirect, .callRef: true
            case .returnCall(let index, _): Int(index) < module.importedFunctionCount
            case .returnCallIndirect, .returnCallRef: true
            // Throwing allocates and may collect: runtime code starts with the reserve too.
            case .throw, .throwRef, .tryTable: true
            case .plain(let row, _, _): row.effects.contains(.entersRuntime)
            default: false
            }
        }
    }

    // MARK: Control flow

    /// Pairs each `else` with its `if`, so an `if` without one can jump straight to its end.
    private static func ifsWithElse(in body: [TypedInstruction]) -> Set<Int> {
        var open: [Int?] = []  // per open frame: the index of its `if`, nil for other frames
        var result = Set<Int>()
        for (index, typed) in body.enumerated() {
            switch typed.operation {
            case .block, .loop, .tryTable: open.append(nil)
            case .if: open.append(index)
            case .else: if let last = open.last, let start = last { result.insert(start) }
            case .end: if !open.isEmpty { open.removeLast() }
            default: break
            }
        }
        return result
    }

    /// Copies the top values of the stack into the slots a branch to `frame` expects.
    private mutating func moveBranchValues(to frame: Frame, height: Int) {
        let types = frame.labelTypes
        for (k, type) in types.enumerated() {
            let destination = frame.base + k
            let source = height - types.count + k
            if destination != source {
                emit("\(slot(type, destination)) = \(slot(type, source));")
            }
        }
    }

    private mutating func returnStatement(height: Int) -> String {
        let results = function.signature.results
        if names.tailCalls {
            var values: [String] = []
            for (k, type) in results.enumerated() { values.append(slot(type, height - results.count + k)) }
            return TailCallConvention.returnStatement(results, values)
        }
        switch results.count {
        case 0: return "return;"
        case 1: return "return \(slot(results[0], height - 1));"
        default:
            var values: [String] = []
            for (k, type) in results.enumerated() { values.append(slot(type, height - results.count + k)) }
            return "return (\(function.signature.cReturnType)){\(values.joined(separator: ", "))};"
        }
    }

    /// The statements of a branch to relative depth `depth`, as one line or a braced group.
    mutating func branch(_ depth: UInt32, height: Int) {
        let frame = frames[frames.count - 1 - Int(depth)]
        popHandlers(leaving: Int(depth))
        if frame.kind == .function {
            emit(returnStatement(height: height))
        } else {
            moveBranchValues(to: frame, height: height)
            emit("goto \(frame.label);")
        }
    }

    /// A memory as an lvalue: the instance's own memory directly (one load fewer on every
    /// refresh), an imported one through its pointer.
    private func memory(_ index: UInt32) -> String {
        Int(index) >= module.importedMemoryCount ? "inst->own_memory\(index)" : "(*inst->memory\(index))"
    }

    /// Calls and memory.grow are what can move or resize a memory: reload the cached bases and sizes.
    mutating func refreshMemory() {
        for index in memories {
            emit("mem\(index)_data = \(memory(index)).data; mem\(index)_size = \(memory(index)).size;")
        }
    }

    // MARK: Instructions

    private mutating func emitInstruction(_ typed: TypedInstruction, at index: Int) {
        let h = typed.height
        if dead {
            switch typed.operation {
            case .block, .loop, .if, .tryTable:
                deadNesting += 1
                return
            case .else where deadNesting > 0:
                return
            case .end where deadNesting > 0:
                deadNesting -= 1
                return
            case .else, .end:
                break
            default:
                return
            }
        }

        switch typed.operation {
        case .plain(let row, let immediates, let element):
            emitPlain(row, immediates, element: element, height: h)
        case .unreachable:
            emit("wasmc_trap(WASMC_TRAP_UNREACHABLE, __func__);")
            dead = true
        case .nop:
            break
        case .block(let signature):
            let label = newLabel()
            frames.append(
                Frame(
                    kind: .block, label: label, parameters: signature.parameters, results: signature.results,
                    base: h - signature.parameters.count))
            emit("/* block \(label) */")
            indent += 1
        case .loop(let signature):
            let label = newLabel()
            frames.append(
                Frame(
                    kind: .loop, label: label, parameters: signature.parameters, results: signature.results,
                    base: h - signature.parameters.count))
            emit("\(label):; /* loop */")
            indent += 1
        case .if(let signature):
            let label = newLabel()
            let condition = slot(.i32, h - 1)
            frames.append(
                Frame(
                    kind: .if, label: label, parameters: signature.parameters, results: signature.results,
                    base: h - 1 - signature.parameters.count))
            let target = ifsWithElse.contains(index) ? "\(label)_else" : label
            emit("if (!\(condition)) goto \(target); /* if \(label) */")
            indent += 1
        case .else:
            let frame = frames[frames.count - 1]
            if !dead { emit("goto \(frame.label);") }
            dead = false
            indent -= 1
            emit("\(frame.label)_else:;")
            indent += 1
        case .end:
            let frame = frames.removeLast()
            let wasDead = dead
            dead = false
            switch frame.kind {
            case .function:
                if !wasDead { emit(returnStatement(height: h)) }
            case .block, .if:
                indent -= 1
                if let handler = frame.handler, !wasDead { emit("wasmc_handler_pop(&\(handler));") }
                emit("\(frame.label):;")
            case .loop:
                indent -= 1
            }
        case .br(let depth):
            branch(depth, height: h)
            dead = true
        case .brIf(let depth):
            emit("if (\(slot(.i32, h - 1))) {")
            indent += 1
            branch(depth, height: h - 1)
            indent -= 1
            emit("}")
        case .brTable(let depths, let defaultDepth):
            emit("switch (\(slot(.i32, h - 1))) {")
            var cases: [UInt32: [Int]] = [:]
            var order: [UInt32] = []
            for (value, depth) in depths.enumerated() where depth != defaultDepth {
                if cases[depth] == nil { order.append(depth) }
                cases[depth, default: []].append(value)
            }
            for depth in order {
                emit(cases[depth, default: []].map { "case \($0):" }.joined(separator: " ") + " {")
                indent += 1
                branch(depth, height: h - 1)
                indent -= 1
                emit("}")
            }
            emit("default: {")
            indent += 1
            branch(defaultDepth, height: h - 1)
            indent -= 1
            emit("}")
            emit("}")
            dead = true
        case .return:
            popHandlers(leaving: frames.count - 1)
            emit(returnStatement(height: h))
            dead = true
        case .tryTable(let signature, let clauses):
            emitTryTable(signature, clauses, height: h)
        case .throw(let tag, let type):
            emitThrow(tag: tag, type, height: h)
            dead = true
        case .throwRef:
            emit("wasmc_throw_ref(\(slot(.exnref, h - 1)), __func__);")
            dead = true
        case .call(let index, let signature):
            emitCall(index: index, signature: signature, height: h)
        case .callIndirect(let tableIndex, let signature):
            emitIndirectCall(signature: signature, tableIndex: tableIndex, height: h)
        case .returnCall(let index, let signature):
            emitTailCall(index: index, signature: signature, height: h)
            dead = true
        case .returnCallIndirect(let tableIndex, let signature):
            emitIndirectTailCall(signature: signature, tableIndex: tableIndex, height: h)
            dead = true
        case .returnCallRef(let signature):
            emitReferenceTailCall(signature: signature, height: h)
            dead = true
        case .drop:
            break
        case .select(let operandType):
            let type = operandType ?? .i32
            let result = slot(type, h - 3)
            emit("\(result) = \(slot(.i32, h - 1)) ? \(result) : \(slot(type, h - 2));")
        case .localGet(let index, let type):
            emit("\(slot(type, h)) = \(local(index));")
        case .localSet(let index, let type), .localTee(let index, let type):
            emit("\(local(index)) = \(slot(type, h - 1));")
        case .globalGet(let index, let type):
            emit("\(slot(type, h)) = \(names.globalAccess(index, module: module)).\(type.valueField);")
        case .globalSet(let index, .exnref):
            emit("wasmc_exnref_store(&\(names.globalAccess(index, module: module)).exnref, \(slot(.exnref, h - 1)));")
        case .globalSet(let index, let type):
            emitStateStore("\(names.globalAccess(index, module: module)).\(type.valueField)", slot(type, h - 1))
        case .i32Const(let value):
            emit("\(slot(.i32, h)) = \(value)u;")
        case .i64Const(let value):
            emit("\(slot(.i64, h)) = \(value)ull;")
        case .f32Const(let bits):
            emit("\(slot(.f32, h)) = \(CLiterals.f32(bits));")
        case .f64Const(let bits):
            emit("\(slot(.f64, h)) = \(CLiterals.f64(bits));")
        case .v128Const(let low, let high):
            emit("\(slot(.v128, h)) = \(CLiterals.v128(low: low, high: high));")
        case .refNull(let type):
            emit("\(slot(type, h)) = NULL;")
        case .refIsNull(let operandType):
            let type = operandType ?? .funcref
            emit("\(slot(.i32, h - 1)) = \(slot(type, h - 1)) == NULL;")
        case .refFunc(let index):
            emit("\(slot(.funcref, h)) = &inst->funcs[\(index)];")
        case .callRef(let signature):
            emitReferenceCall(signature: signature, height: h)
        case .refAsNonNull(let type):
            emit("if (\(slot(type ?? .funcref, h - 1)) == NULL) wasmc_trap(WASMC_TRAP_NULL_REFERENCE, __func__);")
        case .brOnNull(let depth, let type):
            emit("if (\(slot(type ?? .funcref, h - 1)) == NULL) {")
            indent += 1
            branch(depth, height: h - 1)
            indent -= 1
            emit("}")
        case .brOnNonNull(let depth, let type):
            // The reference stays on the stack for the branch, which takes it along.
            emit("if (\(slot(type ?? .funcref, h - 1)) != NULL) {")
            indent += 1
            branch(depth, height: h)
            indent -= 1
            emit("}")
        }
    }

    /// `call_ref`: through the reference's `wasmc_func`, after the null check. Validation has
    /// proved that a non-null reference points to a function of `signature` (function types
    /// are checked at link time too), so the cast is to its own C type, with no check.
    private mutating func emitReferenceCall(signature: FunctionSignature, height h: Int) {
        defer { refreshMemory() }
        let args = arguments(signature, top: h - 1)
        let base = h - 1 - signature.parameters.count
        emit("{")
        indent += 1
        emit("const wasmc_func *callee = wasmc_reference_target(\(slot(.funcref, h - 1)), __func__);")
        let call = "((\(signature.cPointerType))callee->code)(\((["callee->env"] + args).joined(separator: ", ")))"
        assignResults(call, signature, base: base)
        emit("WASMC_EXCEPTION_CHECK();")
        indent -= 1
        emit("}")
    }

    /// A row of the instruction table: its C with the operands' slots and the immediates filled
    /// in, assigned to the result's slot (the first operand's, since operands are popped first).
    ///
    /// A memory access goes through its `wasmc_<name>` function, which is the bounds check of
    /// either strategy (see WASMC_MEMORY_ACCESS in wasmc_module.h); a 64-bit memory's through
    /// `wasmc_<name>_checked`, checked explicitly in both (the per-memory strategy of memory64).
    private mutating func emitPlain(_ row: InstructionRow, _ immediates: Immediates, element: ValueType, height h: Int)
    {
        let address = addressType(immediates.memory)
        let sourceAddress = addressType(immediates.sourceMemory)
        let tableAddress = tableAddressType(immediates.table)
        let sourceTableAddress = tableAddressType(immediates.sourceTable)
        func resolved(_ operand: OperandType) -> ValueType {
            operand.resolved(
                address: address, sourceAddress: sourceAddress, element: element, tableAddress: tableAddress,
                sourceTableAddress: sourceTableAddress)
        }
        let base = h - row.operands.count
        var operands: [String] = []
        operands.reserveCapacity(row.operands.count)
        for (k, operand) in row.operands.enumerated() {
            operands.append(slot(resolved(operand), base + k))
        }
        var expression = ""
        for piece in row.c.pieces {
            switch piece {
            case .text(let text): expression += text
            case .operand(let k): expression += operands[k]
            case .memory: expression += "mem\(immediates.memory)_data, mem\(immediates.memory)_size"
            case .sourceMemory: expression += "mem\(immediates.sourceMemory)_data, mem\(immediates.sourceMemory)_size"
            case .memoryIndex: expression += "\(immediates.memory)"
            case .addressCType: expression += address.cType
            case .accessVariant: expression += address == .i64 ? "_checked" : ""
            case .offset: expression += "\(immediates.offset)u"
            case .table: expression += "\(immediates.table)"
            case .sourceTable: expression += "\(immediates.sourceTable)"
            case .elementCType: expression += element.cType
            case .tableAddressCType: expression += tableAddress.cType
            case .segment: expression += "\(immediates.segment)"
            case .dataSegment: expression += names.dataSegment(Int(immediates.segment))
            case .lane: expression += "\(immediates.lane)"
            case .shuffle: expression += immediates.shuffle.map(String.init).joined(separator: ", ")
            case .unknown(let name): expression += "$\(name)"
            }
        }
        if let result = row.results.first {
            emit("\(slot(resolved(result), base)) = \(expression);")
        } else {
            emit("\(expression);")
        }
        if row.effects.contains(.resizesMemory) { refreshMemory() }
    }

    /// The address type of memory `index`; i32 for rows that name no memory.
    private func addressType(_ index: UInt32) -> ValueType {
        index < module.memories.count ? module.memories[Int(index)].addressType : .i32
    }

    /// The index type of table `index` (i64 for table64); i32 for rows that name no table.
    private func tableAddressType(_ index: UInt32) -> ValueType {
        index < module.tables.count ? module.tables[Int(index)].limits.addressType : .i32
    }

    /// Assigns a call's results (a C expression) to the result slots starting at `base`.
    private mutating func assignResults(_ call: String, _ signature: FunctionSignature, base: Int) {
        switch signature.results.count {
        case 0:
            emit("\(call);")
        case 1:
            emit("\(slot(signature.results[0], base)) = \(call);")
        default:
            emit("{")
            emit("  \(signature.cReturnType) results = \(call);")
            for (k, type) in signature.results.enumerated() {
                emit("  \(slot(type, base + k)) = results.r\(k);")
            }
            emit("}")
        }
    }

    private mutating func arguments(_ signature: FunctionSignature, top: Int) -> [String] {
        let count = signature.parameters.count
        return signature.parameters.enumerated().map { slot($0.element, top - count + $0.offset) }
    }

    private mutating func emitCall(index: UInt32, signature: FunctionSignature, height h: Int) {
        defer { refreshMemory() }
        let args = arguments(signature, top: h)
        let base = h - signature.parameters.count
        if Int(index) < module.importedFunctionCount {
            let target = "inst->funcs[\(index)]"
            let call =
                "((\(signature.cPointerType))\(target).code)(\((["\(target).env"] + args).joined(separator: ", ")))"
            assignResults(call, signature, base: base)
            emit("WASMC_EXCEPTION_CHECK();")
        } else if names.tailCalls {
            emitBodyCall(names.functions[Int(index)], signature, arguments: args, base: base)
        } else {
            let call = "\(names.functions[Int(index)])(\((["inst"] + args).joined(separator: ", ")))"
            assignResults(call, signature, base: base)
        }
    }

    private mutating func emitIndirectCall(signature: FunctionSignature, tableIndex: UInt32, height h: Int) {
        defer { refreshMemory() }
        let args = arguments(signature, top: h - 1)
        let base = h - 1 - signature.parameters.count
        let index = slot(tableAddressType(tableIndex), h - 1)
        emit("{")
        indent += 1
        emit(
            "const wasmc_func *callee = wasmc_indirect_target(inst->table\(tableIndex), \(index), \(names.signatureConstant(signature)), __func__);"
        )
        let call = "((\(signature.cPointerType))callee->code)(\((["callee->env"] + args).joined(separator: ", ")))"
        assignResults(call, signature, base: base)
        emit("WASMC_EXCEPTION_CHECK();")
        indent -= 1
        emit("}")
    }

    // MARK: Tail calls (modules that use them: see TailCallConvention)

    /// An ordinary call of a body of this module: spilled arguments, the call, the results.
    private mutating func emitBodyCall(_ body: String, _ signature: FunctionSignature, arguments: [String], base: Int) {
        let (spills, registers) = TailCallConvention.arguments(signature.parameters, arguments)
        let call = TailCallConvention.call(body, env: "inst", registers: registers)
        let results = signature.results
        if spills.isEmpty, results.count <= 1, !(results.first.map { TailCallConvention.spillsResult(0, $0) } ?? false)
        {
            emit(results.isEmpty ? "\(call);" : "\(slot(results[0], base)) = \(TailCallConvention.value(results[0], fromWord: call));")
            return
        }
        emit("{")
        indent += 1
        for line in spills { emit(line) }
        if results.isEmpty {
            emit("\(call);")
        } else {
            emit("uint64_t word = \(call);")
            emit("(void)word;")
            let destinations = results.enumerated().map { slot($0.element, base + $0.offset) }
            for line in TailCallConvention.receiveResults(results, word: "word", into: destinations) { emit(line) }
        }
        indent -= 1
        emit("}")
    }

    /// `return_call`: a body of this module is called in the caller's frame (musttail). An
    /// imported function is called so too when it has a body of the uniform prototype (a
    /// function of a module with tail calls); otherwise (a host function, a module without tail
    /// calls, which cannot continue the chain) it is an ordinary call whose results are returned.
    private mutating func emitTailCall(index: UInt32, signature: FunctionSignature, height h: Int) {
        // The frame and its try bodies are gone before the callee runs: no handler of it catches.
        popHandlers(leaving: frames.count - 1)
        let args = arguments(signature, top: h)
        if Int(index) >= module.importedFunctionCount {
            let (spills, registers) = TailCallConvention.arguments(signature.parameters, args)
            for line in spills { emit(line) }
            emit("WASMC_MUSTTAIL return \(TailCallConvention.call(names.functions[Int(index)], env: "inst", registers: registers));")
            return
        }
        emit("{")
        indent += 1
        emit("const wasmc_func *callee = &inst->funcs[\(index)];")
        emitTailCallThroughValue(signature, arguments: args, base: h - signature.parameters.count)
        indent -= 1
        emit("}")
    }

    /// `return_call_indirect`: the checks of call_indirect, then a tail call of the target.
    private mutating func emitIndirectTailCall(signature: FunctionSignature, tableIndex: UInt32, height h: Int) {
        // The frame and its try bodies are gone before the callee runs: no handler of it catches.
        popHandlers(leaving: frames.count - 1)
        let args = arguments(signature, top: h - 1)
        let index = slot(tableAddressType(tableIndex), h - 1)
        emit("{")
        indent += 1
        emit(
            "const wasmc_func *callee = wasmc_indirect_target(inst->table\(tableIndex), \(index), \(names.signatureConstant(signature)), __func__);"
        )
        emitTailCallThroughValue(signature, arguments: args, base: h - 1 - signature.parameters.count)
        indent -= 1
        emit("}")
    }

    /// `return_call_ref`: the null check of call_ref, then a tail call of the reference.
    private mutating func emitReferenceTailCall(signature: FunctionSignature, height h: Int) {
        // The frame and its try bodies are gone before the callee runs: no handler of it catches.
        popHandlers(leaving: frames.count - 1)
        let args = arguments(signature, top: h - 1)
        emit("{")
        indent += 1
        emit("const wasmc_func *callee = wasmc_reference_target(\(slot(.funcref, h - 1)), __func__);")
        emitTailCallThroughValue(signature, arguments: args, base: h - 1 - signature.parameters.count)
        indent -= 1
        emit("}")
    }

    /// A tail call of the function value `callee`: through its `tail_code` in the caller's
    /// frame when it has one, else an ordinary call of its `code` and a return of its results.
    private mutating func emitTailCallThroughValue(_ signature: FunctionSignature, arguments args: [String], base: Int) {
        let (spills, registers) = TailCallConvention.arguments(signature.parameters, args)
        emit("if (callee->tail_code != NULL) {")
        indent += 1
        for line in spills { emit(line) }
        emit("WASMC_MUSTTAIL return \(TailCallConvention.call("callee->tail_code", env: "callee->env", registers: registers));")
        indent -= 1
        emit("}")
        let call = "((\(signature.cPointerType))callee->code)(\((["callee->env"] + args).joined(separator: ", ")))"
        assignResults(call, signature, base: base)
        emit("WASMC_EXCEPTION_CHECK();")  // a host function may hand an exception back
        emit(returnStatement(height: base + signature.results.count))
    }
}
