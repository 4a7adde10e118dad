import WasmCFrontEnd

/// The component model's canonical ABI for core wasm32: how each WIT type is laid out in
/// linear memory and flattened into core parameters and results.
///
/// The rules and their names follow the "Canonical ABI" of the component model
/// (design/mvp/CanonicalABI.md: `alignment`, `elem_size`, `flatten_type`, `join`,
/// `discriminant_type`, `flatten_functype` with MAX_FLAT_PARAMS = 16, MAX_FLAT_RESULTS = 1).
public struct CanonicalABI: Sendable {
    public static let maxFlatParameters = 16
    public static let maxFlatResults = 1

    public let world: WitWorld

    public init(world: WitWorld) { self.world = world }

    /// Checks that a type can be lowered: no resources, no empty records or flags, at most 32 flags.
    public func check(_ type: WitType, in context: String) throws(BindgenError) {
        guard let kind = world.kind(type) else { return }
        switch kind {
        case .unsupported(let what):
            throw BindgenError(
                "\(context): \(what) types are not supported (resources, futures and streams are left out)")
        case .record(let fields):
            if fields.isEmpty { throw BindgenError("\(context): empty records have no canonical ABI") }
            for field in fields { try check(field.type, in: context) }
        case .variant(let cases):
            if cases.isEmpty { throw BindgenError("\(context): a variant needs at least one case") }
            for item in cases { if let payload = item.type { try check(payload, in: context) } }
        case .enumeration(let cases):
            if cases.isEmpty { throw BindgenError("\(context): an enum needs at least one case") }
        case .flags(let names):
            if names.isEmpty || names.count > 32 {
                throw BindgenError("\(context): flags need 1 to 32 names, not \(names.count)")
            }
        case .tuple(let elements):
            if elements.isEmpty { throw BindgenError("\(context): empty tuples have no canonical ABI") }
            for element in elements { try check(element, in: context) }
        case .list(let element), .option(let element): try check(element, in: context)
        case .result(let ok, let err):
            if let ok { try check(ok, in: context) }
            if let err { try check(err, in: context) }
        case .alias: break
        }
    }

    // MARK: Memory layout

    public func alignment(_ type: WitType) -> Int {
        switch world.resolve(type) {
        case .bool, .s8, .u8: return 1
        case .s16, .u16: return 2
        case .s32, .u32, .f32, .char: return 4
        case .s64, .u64, .f64: return 8
        case .string: return 4
        case .defined:
            switch world.kind(type)! {
            case .record(let fields): return fields.map { alignment($0.type) }.max() ?? 1
            case .tuple(let elements): return elements.map { alignment($0) }.max() ?? 1
            case .list: return 4
            case .flags(let names): return flagsSize(names.count)
            case .enumeration(let cases): return discriminantSize(cases.count)
            case .unsupported, .alias: return 4
            default:
                let cases = variantCases(type)
                return max(discriminantSize(cases.count), maxCaseAlignment(cases))
            }
        }
    }

    public func size(_ type: WitType) -> Int {
        switch world.resolve(type) {
        case .bool, .s8, .u8: return 1
        case .s16, .u16: return 2
        case .s32, .u32, .f32, .char: return 4
        case .s64, .u64, .f64: return 8
        case .string: return 8
        case .defined:
            switch world.kind(type)! {
            case .record(let fields): return recordLayout(fields.map(\.type)).size
            case .tuple(let elements): return recordLayout(elements).size
            case .list: return 8
            case .flags(let names): return flagsSize(names.count)
            case .enumeration(let cases): return discriminantSize(cases.count)
            case .unsupported, .alias: return 4
            default:
                let cases = variantCases(type)
                var size = discriminantSize(cases.count)
                size = alignUp(size, maxCaseAlignment(cases))
                size += cases.map { $0.map { self.size($0) } ?? 0 }.max() ?? 0
                return alignUp(size, alignment(type))
            }
        }
    }

    /// Field offsets of a record or tuple, and its size.
    public func recordLayout(_ fields: [WitType]) -> (offsets: [Int], size: Int) {
        var offset = 0
        var offsets: [Int] = []
        var alignment = 1
        for field in fields {
            offset = alignUp(offset, self.alignment(field))
            offsets.append(offset)
            offset += size(field)
            alignment = max(alignment, self.alignment(field))
        }
        return (offsets, alignUp(offset, alignment))
    }

    /// Where a variant's (option's, result's) payload starts.
    public func payloadOffset(_ type: WitType) -> Int {
        let cases = variantCases(type)
        return alignUp(discriminantSize(cases.count), maxCaseAlignment(cases))
    }

    /// The payload types of a variant, option or result, one per case (nil: no payload).
    public func variantCases(_ type: WitType) -> [WitType?] {
        switch world.kind(type) {
        case .variant(let cases): cases.map(\.type)
        case .option(let some): [nil, some]
        case .result(let ok, let err): [ok, err]
        case .enumeration(let cases): cases.map { _ in nil }
        default: []
        }
    }

    /// `discriminant_type`: u8 up to 256 cases, u16 up to 65,536, else u32.
    public func discriminantSize(_ count: Int) -> Int {
        count <= 1 << 8 ? 1 : count <= 1 << 16 ? 2 : 4
    }

    public func flagsSize(_ count: Int) -> Int {
        count <= 8 ? 1 : count <= 16 ? 2 : 4
    }

    func maxCaseAlignment(_ cases: [WitType?]) -> Int {
        cases.compactMap { $0 }.map { alignment($0) }.max() ?? 1
    }

    // MARK: Flattening

    /// `flatten_type`: the core values one WIT value becomes.
    public func flatten(_ type: WitType) -> [ValueType] {
        switch world.resolve(type) {
        case .bool, .s8, .u8, .s16, .u16, .s32, .u32, .char: return [.i32]
        case .s64, .u64: return [.i64]
        case .f32: return [.f32]
        case .f64: return [.f64]
        case .string: return [.i32, .i32]
        case .defined:
            switch world.kind(type)! {
            case .record(let fields): return fields.flatMap { flatten($0.type) }
            case .tuple(let elements): return elements.flatMap { flatten($0) }
            case .list: return [.i32, .i32]
            case .flags, .enumeration: return [.i32]
            case .unsupported, .alias: return [.i32]
            default: return [.i32] + joinedPayload(variantCases(type))
            }
        }
    }

    /// The flat payload of a variant: each position is the `join` of the cases' types there.
    public func joinedPayload(_ cases: [WitType?]) -> [ValueType] {
        var flat: [ValueType] = []
        for case let payload? in cases {
            for (index, type) in flatten(payload).enumerated() {
                if index < flat.count { flat[index] = Self.join(flat[index], type) } else { flat.append(type) }
            }
        }
        return flat
    }

    /// `join`: equal types stay, i32 and f32 meet in i32, anything else in i64.
    public static func join(_ a: ValueType, _ b: ValueType) -> ValueType {
        if a == b { return a }
        if (a == .i32 && b == .f32) || (a == .f32 && b == .i32) { return .i32 }
        return .i64
    }

    /// The core signature of a WIT function, and whether its parameters and results
    /// travel through memory.
    public struct CoreSignature: Equatable, Sendable {
        public var signature: FunctionSignature
        /// More than 16 flat parameters: one i32 pointing at them, laid out as a tuple.
        public var parametersInMemory: Bool
        /// More than one flat result: a return area (an extra i32 parameter for an import,
        /// an i32 result for an export).
        public var resultsInMemory: Bool
    }

    public enum Direction: Sendable {
        /// `canon lower`: a core function the guest imports.
        case imported
        /// `canon lift`: a core function the guest exports.
        case exported
    }

    /// `flatten_functype`.
    public func coreSignature(_ function: WitFunction, _ direction: Direction) -> CoreSignature {
        var parameters = function.parameters.flatMap { flatten($0.type) }
        let parametersInMemory = parameters.count > Self.maxFlatParameters
        if parametersInMemory { parameters = [.i32] }
        var results = function.result.map { flatten($0) } ?? []
        let resultsInMemory = results.count > Self.maxFlatResults
        if resultsInMemory {
            switch direction {
            case .imported:
                parameters.append(.i32)
                results = []
            case .exported:
                results = [.i32]
            }
        }
        return CoreSignature(
            signature: FunctionSignature(parameters: parameters, results: results),
            parametersInMemory: parametersInMemory, resultsInMemory: resultsInMemory)
    }

    /// True when lowering a value of the type allocates (strings and lists, anywhere inside).
    public func owns(_ type: WitType) -> Bool {
        switch world.resolve(type) {
        case .string: return true
        case .defined:
            switch world.kind(type)! {
            case .list: return true
            case .record(let fields): return fields.contains { owns($0.type) }
            case .tuple(let elements): return elements.contains { owns($0) }
            case .variant, .option, .result: return variantCases(type).contains { $0.map(owns) ?? false }
            default: return false
            }
        default: return false
        }
    }
}

func alignUp(_ value: Int, _ alignment: Int) -> Int {
    (value + alignment - 1) / alignment * alignment
}
