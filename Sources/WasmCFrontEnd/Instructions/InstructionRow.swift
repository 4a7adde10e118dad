import WasmParser

/// The type of an operand or result in a row of the instruction table.
public enum OperandType: Hashable, Sendable, CustomStringConvertible {
    case value(ValueType)
    /// The address type of the instruction's memory: `i32`, or `i64` for a memory of memory64.
    case address
    /// The address type of `memory.copy`'s source memory.
    case sourceAddress
    /// The length of `memory.copy`: `i64` when both memories are 64-bit, else `i32`.
    case copyLength
    /// The element type of the instruction's table (`funcref` or `externref`).
    case element
    /// The index type of the instruction's table: `i32`, or `i64` for a table of table64.
    case tableAddress
    /// The index type of `table.copy`'s source table.
    case sourceTableAddress
    /// The length of `table.copy`: `i64` when both tables are 64-bit, else `i32` (the smaller
    /// of the two index types, memory64 proposal).
    case tableCopyLength

    public static let i32 = OperandType.value(.i32)
    public static let i64 = OperandType.value(.i64)
    public static let f32 = OperandType.value(.f32)
    public static let f64 = OperandType.value(.f64)
    public static let v128 = OperandType.value(.v128)

    /// The value type, given the address types of the instruction's memories and the
    /// element type and index types of its tables.
    public func resolved(
        address: ValueType = .i32, sourceAddress: ValueType? = nil, element: ValueType = .funcref,
        tableAddress: ValueType = .i32, sourceTableAddress: ValueType? = nil
    ) -> ValueType {
        switch self {
        case .value(let type): type
        case .address: address
        case .sourceAddress: sourceAddress ?? address
        case .copyLength: address == .i64 && (sourceAddress ?? address) == .i64 ? .i64 : .i32
        case .element: element
        case .tableAddress: tableAddress
        case .sourceTableAddress: sourceTableAddress ?? tableAddress
        case .tableCopyLength:
            tableAddress == .i64 && (sourceTableAddress ?? tableAddress) == .i64 ? .i64 : .i32
        }
    }

    public var description: String {
        switch self {
        case .value(let type): type.description
        case .address: "address"
        case .sourceAddress: "source address"
        case .copyLength: "copy length"
        case .element: "element"
        case .tableAddress: "table address"
        case .sourceTableAddress: "source table address"
        case .tableCopyLength: "table copy length"
        }
    }
}

/// The immediates a row's instruction carries after its opcode, which validation checks.
public enum ImmediateKind: Hashable, Sendable {
    case none
    /// A memory index (`memory.size`, `memory.grow`, `memory.fill`).
    case memory
    /// A destination and a source memory index (`memory.copy`).
    case memoryPair
    /// A `memarg` (memory index, offset, alignment) of an access of `bytes` bytes; the
    /// alignment must not exceed it (spec 3.3.7).
    case memarg(bytes: UInt32)
    /// A table index (`table.get`, `table.set`, `table.size`, `table.grow`, `table.fill`).
    case table
    /// A destination and a source table index, whose element types must agree (`table.copy`).
    case tablePair
    /// A data segment index; the module must have a data count section (`data.drop`).
    case data
    /// A data segment and a memory index (`memory.init`).
    case dataToMemory
    /// An element segment index (`elem.drop`).
    case element
    /// An element segment and a table index, whose element types must agree (`table.init`).
    case elementToTable
    /// A lane index, which must be below the vector's lane count (`i8x16.extract_lane_s`).
    case lane(count: UInt8)
    /// A `memarg` of an access of `bytes` bytes and a lane index below `lanes` (`v128.load8_lane`).
    case memargLane(bytes: UInt32, lanes: UInt8)
    /// The 16 lane indices of `i8x16.shuffle`, each below 32.
    case shuffle
}

/// What an instruction does beyond computing its results from its operands.
public struct InstructionEffects: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// May move or resize a memory (`memory.grow`): cached base and size are reloaded after it,
    /// and, since it enters the runtime, the function checks the stack on entry.
    public static let resizesMemory = InstructionEffects(rawValue: 1 << 0)
    /// Runs runtime code that may allocate or take locks (the grow operations): with guard
    /// pages, the function checks the stack on entry so that code starts with the reserve.
    public static let entersRuntime = InstructionEffects(rawValue: 1 << 1)
}

/// The C an instruction becomes: an expression of its operands and immediates, parsed once.
///
/// `$0`, `$1`, … are the operands, bottom of the stack first; `$memory` is the memory's base and
/// size (`mem0_data, mem0_size`), `$srcmemory` the same of `memory.copy`'s source, `$memidx` its index,
/// `$addrtype` the C type of its addresses, `$checked` the suffix of its access functions
/// (`_checked` for a 64-bit memory: guard pages cannot cover a 64-bit address space), `$offset` the memarg's offset (`16u`);
/// `$table` and `$srctable` are table indices, `$elemtype` the C type of the table's elements,
/// `$tableaddrtype` the C type of its indices (`uint64_t` for table64),
/// `$segment` a data or element segment's index and `$datasegment` the C array of a data
/// segment's bytes, `$lane` a lane index and `$shuffle` the 16 lane indices of a shuffle,
/// separated by commas. A name is letters only, so `inst->elem$segment_size` reads as intended.
/// The expression's value is assigned to the result; a row without a result is a statement.
public struct CTemplate: Hashable, Sendable, CustomStringConvertible {
    public enum Piece: Hashable, Sendable {
        case text(String)
        case operand(Int)
        case memory
        /// The source memory of `memory.copy`, as `$memory` is the destination.
        case sourceMemory
        case memoryIndex
        /// The C type of the memory's addresses (`uint32_t`, `uint64_t` for memory64).
        case addressCType
        /// The suffix of a memory's access functions: empty for a memory under the module's
        /// bounds strategy, `_checked` for a 64-bit one, always checked explicitly.
        case accessVariant
        case offset
        case table
        case sourceTable
        case elementCType
        /// The C type of the table's indices (`uint32_t`, `uint64_t` for table64).
        case tableAddressCType
        case segment
        case dataSegment
        case lane
        case shuffle
        /// A `$name` the back end does not know (the table's tests refuse it).
        case unknown(String)
    }

    public let pieces: [Piece]
    public let description: String

    public init(_ text: String) {
        description = text
        var pieces: [Piece] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "$" else {
                literal.append(character)
                continue
            }
            // Digits (an operand) or letters (an immediate).
            var name = ""
            let isDigits = index < text.endIndex && text[index].isNumber
            while index < text.endIndex, isDigits ? text[index].isNumber : text[index].isLetter {
                name.append(text[index])
                index = text.index(after: index)
            }
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            switch name {
            case "memory": pieces.append(.memory)
            case "srcmemory": pieces.append(.sourceMemory)
            case "memidx": pieces.append(.memoryIndex)
            case "addrtype": pieces.append(.addressCType)
            case "checked": pieces.append(.accessVariant)
            case "offset": pieces.append(.offset)
            case "table": pieces.append(.table)
            case "srctable": pieces.append(.sourceTable)
            case "elemtype": pieces.append(.elementCType)
            case "tableaddrtype": pieces.append(.tableAddressCType)
            case "segment": pieces.append(.segment)
            case "datasegment": pieces.append(.dataSegment)
            case "lane": pieces.append(.lane)
            case "shuffle": pieces.append(.shuffle)
            default: pieces.append(Int(name).map(Piece.operand) ?? .unknown(name))
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }
}

/// One row of the instruction table: everything wasmc knows about a plain instruction.
///
/// Validation pops `operands` (checking their types) and pushes `results`; the stack effect is
/// their counts; the back end assigns `c` to the result slot. See `InstructionTable.rows`.
public struct InstructionRow: Hashable, Sendable, CustomStringConvertible {
    /// The name in the text format, e.g. `i32.add`.
    public let name: String
    public let operands: [OperandType]
    public let results: [OperandType]
    public let immediates: ImmediateKind
    public let effects: InstructionEffects
    public let c: CTemplate

    public init(
        _ name: String, _ operands: [OperandType], _ results: [OperandType], _ c: String,
        immediates: ImmediateKind = .none, effects: InstructionEffects = []
    ) {
        self.name = name
        self.operands = operands
        self.results = results
        self.immediates = immediates
        self.effects = effects
        self.c = CTemplate(c)
    }

    /// A load of `bytes` bytes from memory into a `type`: `[address] -> [type]`, through the
    /// runtime's `wasmc_<name>` access function (which does the bounds check of either strategy).
    public static func load(_ name: String, _ type: OperandType, bytes: UInt32) -> InstructionRow {
        InstructionRow(
            name, [.address], [type], "wasmc_\(Self.cName(name))$checked($memory, $0, $offset, __func__)",
            immediates: .memarg(bytes: bytes))
    }

    /// A store of the low `bytes` bytes of a `type`: `[address, type] -> []`.
    public static func store(_ name: String, _ type: OperandType, bytes: UInt32) -> InstructionRow {
        InstructionRow(
            name, [.address, type], [], "wasmc_\(Self.cName(name))$checked($memory, $0, $offset, $1, __func__)",
            immediates: .memarg(bytes: bytes))
    }

    /// `i32.load8_s` → `i32_load8_s`, the runtime's name for an instruction's helper.
    public static func cName(_ name: String) -> String {
        String(name.map { $0 == "." ? "_" : $0 })
    }

    /// The name WasmParser gives the instruction's case: `i32.trunc_sat_f32_s` → `i32TruncSatF32S`;
    /// after the `.`, a letter after a digit starts a word too (`i16x8.extmul_low_i8x16_s` →
    /// `i16x8ExtmulLowI8X16S`, `i16x8.q15mulr_sat_s` → `i16x8Q15MulrSatS`).
    public var parserCaseName: String {
        var result = ""
        var capitalizeNext = false
        var afterDot = false
        var previous: Character = "."
        for character in name {
            if character == "." || character == "_" {
                capitalizeNext = true
                if character == "." { afterDot = true }
            } else {
                let startsWord = capitalizeNext || (afterDot && character.isLetter && previous.isNumber)
                result += startsWord ? character.uppercased() : String(character)
                capitalizeNext = false
            }
            previous = character
        }
        return result
    }

    public var description: String {
        let operands = operands.map(\.description).joined(separator: " ")
        let results = results.map(\.description).joined(separator: " ")
        return "\(name) [\(operands)] -> [\(results)]"
    }
}

/// The immediates of one occurrence of a row's instruction.
public struct Immediates: Hashable, Sendable {
    /// The memory accessed (the destination of `memory.copy`).
    public var memory: UInt32 = 0
    /// The source memory of `memory.copy`.
    public var sourceMemory: UInt32 = 0
    /// The memarg's offset.
    public var offset: UInt64 = 0
    /// The memarg's alignment exponent (checked by validation; the C does not need it).
    public var alignment: UInt32 = 0
    /// The table accessed (the destination of `table.copy` and `table.init`).
    public var table: UInt32 = 0
    /// The source table of `table.copy`.
    public var sourceTable: UInt32 = 0
    /// The data or element segment.
    public var segment: UInt32 = 0
    /// A SIMD lane index.
    public var lane: UInt8 = 0
    /// The 16 lane indices of `i8x16.shuffle` (empty for every other instruction).
    public var shuffle: [UInt8] = []

    public init(
        memory: UInt32 = 0, sourceMemory: UInt32 = 0, offset: UInt64 = 0, alignment: UInt32 = 0,
        table: UInt32 = 0, sourceTable: UInt32 = 0, segment: UInt32 = 0
    ) {
        self.memory = memory
        self.sourceMemory = sourceMemory
        self.offset = offset
        self.alignment = alignment
        self.table = table
        self.sourceTable = sourceTable
        self.segment = segment
    }

    init(_ memarg: MemArg) {
        self.init(memory: memarg.memory, offset: memarg.offset, alignment: memarg.align)
    }
}

extension InstructionTable {
    /// Rows by WasmParser's case name, built once.
    static let rowsByParserName: [String: InstructionRow] = Dictionary(
        rows.map { ($0.parserCaseName, $0) }, uniquingKeysWith: { first, _ in first })

    /// The row of a WasmParser instruction and its immediates; nil for instructions with
    /// dedicated code (control flow, calls, variables, constants, references) and for those no
    /// row describes (unsupported proposals).
    ///
    /// WasmParser groups most operators into categories (`cmp`, `unary`, `binary`,
    /// `conversion`, `load`, `store`; SIMD's `simd`, `simdLane` and `simdMemLane`), whose rows
    /// are found by name: a new row in a listed category needs nothing here, and a new category
    /// is one case line. An instruction that is a WasmParser case of its own (`memory.size`,
    /// `table.get`) is listed once in the first case, and its indices in `indexImmediates`.
    package static func row(for instruction: Instruction) -> (InstructionRow, Immediates)? {
        switch instruction {
        case .i32Eqz, .i64Eqz, .memorySize, .memoryGrow, .memoryFill, .memoryCopy, .memoryInit, .dataDrop,
            .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop:
            // Cases with or without index payloads: the case name is the label before any payload.
            guard let row = named(caseName(of: instruction)) else { return nil }
            return (row, indexImmediates(of: instruction))
        case .cmp(let op): return named(op).map { ($0, Immediates()) }
        case .unary(let op): return named(op).map { ($0, Immediates()) }
        case .binary(let op): return named(op).map { ($0, Immediates()) }
        case .conversion(let op): return named(op).map { ($0, Immediates()) }
        case .load(let op, let memarg):
            return named(op).map { ($0, Immediates(memarg)) }
        case .store(let op, let memarg):
            return named(op).map { ($0, Immediates(memarg)) }
        case .simd(let op): return named(op).map { ($0, Immediates()) }
        case .simdLane(let op, let lane):
            var immediates = Immediates()
            immediates.lane = lane
            return named(op).map { ($0, immediates) }
        case .simdMemLane(let op, let memarg, let lane):
            var immediates = Immediates(memarg)
            immediates.lane = lane
            return named(op).map { ($0, immediates) }
        case .i8x16Shuffle(let mask):
            var immediates = Immediates()
            immediates.shuffle = mask.lanes
            return named("i8x16Shuffle").map { ($0, immediates) }
        default:
            return nil
        }
    }

    /// The indices an instruction of a row with index immediates carries.
    private static func indexImmediates(of instruction: Instruction) -> Immediates {
        switch instruction {
        case .memorySize(let memory), .memoryGrow(let memory), .memoryFill(let memory):
            Immediates(memory: memory)
        case .memoryCopy(let destination, let source):
            Immediates(memory: destination, sourceMemory: source)
        case .memoryInit(let data, let memory):
            Immediates(memory: memory, segment: data)
        case .dataDrop(let data):
            Immediates(segment: data)
        case .tableGet(let table), .tableSet(let table), .tableSize(let table), .tableGrow(let table),
            .tableFill(let table):
            Immediates(table: table)
        case .tableCopy(let destination, let source):
            Immediates(table: destination, sourceTable: source)
        case .tableInit(let element, let table):
            Immediates(table: table, segment: element)
        case .elemDrop(let element):
            Immediates(segment: element)
        default:
            Immediates()
        }
    }

    private static func named(_ op: Any) -> InstructionRow? {
        rowsByParserName[String(describing: op)]
    }

    private static func named(_ name: String) -> InstructionRow? {
        rowsByParserName[name]
    }

    /// `memoryGrow(memory: 0)` → `memoryGrow`.
    private static func caseName(of instruction: Instruction) -> String {
        let text = String(describing: instruction)
        return String(text.prefix { $0 != "(" })
    }
}
