import WasmCFrontEnd

/// How the guest C glue moves values: freeing what they own, and lowering them to (and
/// lifting them from) flat core values. Flat values are kept as raw 64-bit slots, each
/// core value's bits zero-extended, so the `join` of variant payloads needs no conversion.
extension GuestCEmitter {
    // MARK: Freeing

    /// Statements that free what a value of `type` at lvalue `value` owns.
    func freeStatements(_ type: WitType, _ value: String, depth: Int = 0) -> [String] {
        guard abi.owns(type) else { return [] }
        // Empty strings and lists point at their alignment, not at a block (see cabi_realloc).
        if world.resolve(type) == .string { return ["if ((\(value)).len > 0) free((\(value)).ptr);"] }
        switch world.kind(type)! {
        case .list(let element):
            var lines: [String] = []
            if abi.owns(element) {
                let index = "i\(depth)"
                lines.append("for (size_t \(index) = 0; \(index) < (\(value)).len; \(index)++) {")
                lines += freeStatements(element, "(\(value)).ptr[\(index)]", depth: depth + 1).map { "  " + $0 }
                lines.append("}")
            }
            lines.append("if ((\(value)).len > 0) free((\(value)).ptr);")
            return lines
        case .record(let fields):
            return fields.flatMap {
                freeStatements($0.type, "(\(value)).\(BindgenNames.cIdentifier($0.name))", depth: depth)
            }
        case .tuple(let elements):
            return elements.enumerated().flatMap { freeStatements($1, "(\(value)).f\($0)", depth: depth) }
        case .option(let some):
            return ["if ((\(value)).is_some) {"]
                + freeStatements(some, "(\(value)).val", depth: depth).map { "  " + $0 } + ["}"]
        case .result(let ok, let err):
            var lines = ["if (!(\(value)).is_err) {"]
            if let ok { lines += freeStatements(ok, "(\(value)).val.ok", depth: depth).map { "  " + $0 } }
            lines.append("} else {")
            if let err { lines += freeStatements(err, "(\(value)).val.err", depth: depth).map { "  " + $0 } }
            return lines + ["}"]
        case .variant(let cases):
            var lines = ["switch ((\(value)).tag) {"]
            for (index, item) in cases.enumerated() {
                guard let payload = item.type, abi.owns(payload) else { continue }
                lines.append("case \(index):")
                lines += freeStatements(payload, "(\(value)).val.\(BindgenNames.cIdentifier(item.name))", depth: depth)
                    .map { "  " + $0 }
                lines.append("  break;")
            }
            return lines + ["}"]
        default:
            return []
        }
    }

    // MARK: Flat lowering and lifting (raw slots: each core value's bits, zero-extended to 64)

    /// Statements that store the flat form of `value` into `flat[slot...]`.
    func lowerFlat(_ type: WitType, _ value: String, slot: Int, depth: Int = 0) -> [String] {
        switch world.resolve(type) {
        case .bool, .u8, .u16, .u32, .char: return ["flat[\(slot)] = (uint32_t)(\(value));"]
        case .s8, .s16, .s32: return ["flat[\(slot)] = (uint32_t)(int32_t)(\(value));"]
        case .s64, .u64: return ["flat[\(slot)] = (uint64_t)(\(value));"]
        case .f32: return ["flat[\(slot)] = wasmc_cabi_f32_bits(\(value));"]
        case .f64: return ["flat[\(slot)] = wasmc_cabi_f64_bits(\(value));"]
        case .string:
            return [
                "flat[\(slot)] = (uint32_t)(uintptr_t)(\(value)).ptr;", "flat[\(slot + 1)] = (uint32_t)(\(value)).len;",
            ]
        case .defined:
            switch world.kind(type)! {
            case .list:
                return [
                    "flat[\(slot)] = (uint32_t)(uintptr_t)(\(value)).ptr;",
                    "flat[\(slot + 1)] = (uint32_t)(\(value)).len;",
                ]
            case .enumeration, .flags: return ["flat[\(slot)] = (uint32_t)(\(value));"]
            case .record(let fields):
                var lines: [String] = []
                var next = slot
                for field in fields {
                    lines += lowerFlat(
                        field.type, "(\(value)).\(BindgenNames.cIdentifier(field.name))", slot: next, depth: depth)
                    next += abi.flatten(field.type).count
                }
                return lines
            case .tuple(let elements):
                var lines: [String] = []
                var next = slot
                for (index, element) in elements.enumerated() {
                    lines += lowerFlat(element, "(\(value)).f\(index)", slot: next, depth: depth)
                    next += abi.flatten(element).count
                }
                return lines
            default:
                let (tag, payloads) = variantAccess(type, value)
                var lines = ["switch ((uint32_t)(\(tag))) {"]
                for (index, payload) in payloads.enumerated() {
                    lines.append("case \(index):")
                    lines.append("  flat[\(slot)] = \(index);")
                    if let (payloadType, member) = payload {
                        lines += lowerFlat(payloadType, member, slot: slot + 1, depth: depth + 1).map { "  " + $0 }
                    }
                    lines.append("  break;")
                }
                return lines + ["}"]
            }
        }
    }

    /// The discriminant expression of a variant-like value and each case's payload lvalue.
    func variantAccess(_ type: WitType, _ value: String) -> (tag: String, payloads: [(WitType, String)?]) {
        switch world.kind(type)! {
        case .option(let some): return ("(\(value)).is_some", [nil, (some, "(\(value)).val")])
        case .result(let ok, let err):
            return (
                "(\(value)).is_err", [ok.map { ($0, "(\(value)).val.ok") }, err.map { ($0, "(\(value)).val.err") }]
            )
        case .variant(let cases):
            return (
                "(\(value)).tag",
                cases.map { item in item.type.map { ($0, "(\(value)).val.\(BindgenNames.cIdentifier(item.name))") } }
            )
        default: return ("0", [])
        }
    }

    /// Statements that set lvalue `value` from `flat[slot...]`; a bad discriminant traps.
    func liftFlat(_ type: WitType, _ value: String, slot: Int) -> [String] {
        switch world.resolve(type) {
        case .bool: return ["\(value) = (uint32_t)flat[\(slot)] != 0;"]
        case .s8, .u8, .s16, .u16, .s32, .u32, .char: return ["\(value) = (\(cType(type)))(uint32_t)flat[\(slot)];"]
        case .s64, .u64: return ["\(value) = (\(cType(type)))flat[\(slot)];"]
        case .f32: return ["\(value) = wasmc_cabi_f32_from_bits((uint32_t)flat[\(slot)]);"]
        case .f64: return ["\(value) = wasmc_cabi_f64_from_bits(flat[\(slot)]);"]
        case .string:
            return [
                "(\(value)).ptr = (uint8_t *)(uintptr_t)(uint32_t)flat[\(slot)];",
                "(\(value)).len = (uint32_t)flat[\(slot + 1)];",
            ]
        case .defined:
            switch world.kind(type)! {
            case .list(let element):
                return [
                    "(\(value)).ptr = (\(cType(element)) *)(uintptr_t)(uint32_t)flat[\(slot)];",
                    "(\(value)).len = (uint32_t)flat[\(slot + 1)];",
                ]
            case .enumeration(let cases):
                return [
                    "if ((uint32_t)flat[\(slot)] >= \(cases.count)u) __builtin_trap();",
                    "\(value) = (\(cType(type)))flat[\(slot)];",
                ]
            case .flags: return ["\(value) = (\(cType(type)))flat[\(slot)];"]
            case .record(let fields):
                var lines: [String] = []
                var next = slot
                for field in fields {
                    lines += liftFlat(field.type, "(\(value)).\(BindgenNames.cIdentifier(field.name))", slot: next)
                    next += abi.flatten(field.type).count
                }
                return lines
            case .tuple(let elements):
                var lines: [String] = []
                var next = slot
                for (index, element) in elements.enumerated() {
                    lines += liftFlat(element, "(\(value)).f\(index)", slot: next)
                    next += abi.flatten(element).count
                }
                return lines
            default:
                let (tag, payloads) = variantAccess(type, value)
                var lines = ["switch ((uint32_t)flat[\(slot)]) {"]
                for (index, payload) in payloads.enumerated() {
                    lines.append("case \(index):")
                    lines.append("  \(tag) = \(index);")
                    if let (payloadType, member) = payload {
                        lines += liftFlat(payloadType, member, slot: slot + 1).map { "  " + $0 }
                    }
                    lines.append("  break;")
                }
                lines += ["default:", "  __builtin_trap();", "}"]
                return lines
            }
        }
    }

    func coreCType(_ type: ValueType) -> String {
        switch type {
        case .i64: "int64_t"
        case .f32: "float"
        case .f64: "double"
        default: "int32_t"
        }
    }

    /// A core value from its raw slot, and back.
    func fromRaw(_ type: ValueType, _ raw: String) -> String {
        switch type {
        case .i64: "(int64_t)\(raw)"
        case .f32: "wasmc_cabi_f32_from_bits((uint32_t)\(raw))"
        case .f64: "wasmc_cabi_f64_from_bits(\(raw))"
        default: "(int32_t)(uint32_t)\(raw)"
        }
    }

    func toRaw(_ type: ValueType, _ value: String) -> String {
        switch type {
        case .i64: "(uint64_t)\(value)"
        case .f32: "(uint64_t)wasmc_cabi_f32_bits(\(value))"
        case .f64: "wasmc_cabi_f64_bits(\(value))"
        default: "(uint64_t)(uint32_t)\(value)"
        }
    }
}
