/// The four canonical functions the Swift host bindings have per type: lift (flat core
/// values → Swift), lower (Swift → flat, allocating strings and lists in the guest),
/// load (guest memory → Swift) and store (Swift → guest memory). Every read from the
/// guest is checked; a bad value throws `CanonicalABIError.invalid`.
extension HostSwiftEmitter {
    // MARK: Lift, lower, load, store

    /// The canonical functions of every type used, each once.
    func conversions() -> [String] {
        var done = Set<String>()
        var out: [String] = []
        func visit(_ type: WitType) {
            let name = key(type)
            guard done.insert(name).inserted else { return }
            if let kind = world.kind(type) {
                switch kind {
                case .record(let fields): fields.forEach { visit($0.type) }
                case .tuple(let elements): elements.forEach(visit)
                case .list(let element), .option(let element): visit(element)
                case .result(let ok, let err): [ok, err].compactMap { $0 }.forEach(visit)
                case .variant(let cases): cases.compactMap(\.type).forEach(visit)
                default: break
                }
            }
            out += conversionFunctions(type)
        }
        guestNames.usedTypes().forEach(visit)
        return out
    }

    /// The four functions of one type: lift (flat → Swift), lower (Swift → flat),
    /// load (memory → Swift), store (Swift → memory).
    func conversionFunctions(_ type: WitType) -> [String] {
        let name = key(type)
        let swift = swiftType(type)
        var lift: [String] = []
        var lower: [String] = []
        var load: [String] = []
        var store: [String] = []
        let size = abi.size(type)
        let alignment = abi.alignment(type)
        switch world.resolve(type) {
        case .bool:
            lift = ["return UInt32(truncatingIfNeeded: flat.next()) != 0"]
            lower = ["out.append(value ? 1 : 0)"]
            load = ["return try memory.load(address, as: UInt8.self) != 0"]
            store = ["try memory.store(UInt8(value ? 1 : 0), at: address)"]
        case .s8, .u8, .s16, .u16, .s32, .u32:
            let bits = size * 8
            let signed = [.s8, .s16, .s32].contains(world.resolve(type))
            lift = ["return \(swift)(truncatingIfNeeded: UInt32(truncatingIfNeeded: flat.next()))"]
            lower =
                signed
                ? ["out.append(UInt64(UInt32(bitPattern: Int32(value))))"]
                : ["out.append(UInt64(value))"]
            load = ["return \(swift)(truncatingIfNeeded: try memory.load(address, as: UInt\(bits).self))"]
            store = ["try memory.store(UInt\(bits)(truncatingIfNeeded: value), at: address)"]
        case .s64, .u64:
            lift = ["return \(swift)(truncatingIfNeeded: flat.next())"]
            lower = ["out.append(UInt64(truncatingIfNeeded: value))"]
            load = ["return \(swift)(truncatingIfNeeded: try memory.load(address, as: UInt64.self))"]
            store = ["try memory.store(UInt64(truncatingIfNeeded: value), at: address)"]
        case .f32:
            lift = ["return Float(bitPattern: UInt32(truncatingIfNeeded: flat.next()))"]
            lower = ["out.append(UInt64(value.bitPattern))"]
            load = ["return Float(bitPattern: try memory.load(address, as: UInt32.self))"]
            store = ["try memory.store(value.bitPattern, at: address)"]
        case .f64:
            lift = ["return Double(bitPattern: flat.next())"]
            lower = ["out.append(value.bitPattern)"]
            load = ["return Double(bitPattern: try memory.load(address, as: UInt64.self))"]
            store = ["try memory.store(value.bitPattern, at: address)"]
        case .char:
            let check =
                "guard let scalar = Unicode.Scalar(code) else { throw .invalid(\"\\(code) is not a Unicode scalar value\") }"
            lift = ["let code = UInt32(truncatingIfNeeded: flat.next())", check, "return scalar"]
            lower = ["out.append(UInt64(value.value))"]
            load = ["let code = try memory.load(address, as: UInt32.self)", check, "return scalar"]
            store = ["try memory.store(value.value, at: address)"]
        case .string:
            lift = [
                "let address = UInt32(truncatingIfNeeded: flat.next())",
                "let length = UInt32(truncatingIfNeeded: flat.next())",
                "return try memory.loadString(address, length)",
            ]
            lower = [
                "let (address, length) = try memory.allocateString(value)", "out.append(UInt64(address))",
                "out.append(UInt64(length))",
            ]
            load = [
                "return try memory.loadString(try memory.load(address, as: UInt32.self), try memory.load(address + 4, as: UInt32.self))"
            ]
            store = [
                "let (pointer, length) = try memory.allocateString(value)", "try memory.store(pointer, at: address)",
                "try memory.store(length, at: address + 4)",
            ]
        case .defined:
            switch world.kind(type)! {
            case .list(let element):
                let elementSize = abi.size(element)
                let elementAlignment = abi.alignment(element)
                let readList: [String]
                let writeList: [String]
                if world.resolve(element) == .u8 {
                    readList = ["return try memory.loadBytes(pointer, count)"]
                    writeList = [
                        "let pointer = try memory.allocate(value.count, alignment: 1)",
                        "try memory.storeBytes(value, at: pointer)",
                    ]
                } else {
                    readList = [
                        "try memory.checkList(pointer, count, size: \(elementSize), alignment: \(elementAlignment))",
                        "var result: \(swift) = []", "result.reserveCapacity(Int(count))",
                        "for index in 0..<count { result.append(try load_\(key(element))(memory, pointer + index * \(elementSize))) }",
                        "return result",
                    ]
                    writeList = [
                        "let pointer = try memory.allocate(value.count * \(elementSize), alignment: \(elementAlignment))",
                        "for (index, element) in value.enumerated() { try store_\(key(element))(element, memory, pointer + UInt32(index * \(elementSize))) }",
                    ]
                }
                lift =
                    [
                        "let pointer = UInt32(truncatingIfNeeded: flat.next())",
                        "let count = UInt32(truncatingIfNeeded: flat.next())",
                    ] + readList
                lower = writeList + ["out.append(UInt64(pointer))", "out.append(UInt64(value.count))"]
                load =
                    [
                        "let pointer = try memory.load(address, as: UInt32.self)",
                        "let count = try memory.load(address + 4, as: UInt32.self)",
                    ] + readList
                store =
                    writeList + [
                        "try memory.store(pointer, at: address)",
                        "try memory.store(UInt32(value.count), at: address + 4)",
                    ]
            case .record(let fields):
                let layout = abi.recordLayout(fields.map(\.type))
                let initializer =
                    "\(swift)("
                    + fields.map { "\(BindgenNames.camel($0.name)): \(BindgenNames.camel($0.name))" }.joined(
                        separator: ", ") + ")"
                for field in fields {
                    lift.append("let \(BindgenNames.camel(field.name)) = try lift_\(key(field.type))(&flat, memory)")
                    lower.append(
                        "try lower_\(key(field.type))(value.\(BindgenNames.swiftIdentifier(field.name)), &out, memory)")
                }
                for (field, offset) in zip(fields, layout.offsets) {
                    load.append(
                        "let \(BindgenNames.camel(field.name)) = try load_\(key(field.type))(memory, address + \(offset))"
                    )
                    store.append(
                        "try store_\(key(field.type))(value.\(BindgenNames.swiftIdentifier(field.name)), memory, address + \(offset))"
                    )
                }
                lift.append("return \(initializer)")
                load.append("return \(initializer)")
            case .tuple(let elements):
                let layout = abi.recordLayout(elements)
                let single = elements.count == 1
                let tuple = single ? "e0" : "(" + elements.indices.map { "e\($0)" }.joined(separator: ", ") + ")"
                for (index, element) in elements.enumerated() {
                    let member = single ? "value" : "value.\(index)"
                    lift.append("let e\(index) = try lift_\(key(element))(&flat, memory)")
                    lower.append("try lower_\(key(element))(\(member), &out, memory)")
                    load.append("let e\(index) = try load_\(key(element))(memory, address + \(layout.offsets[index]))")
                    store.append("try store_\(key(element))(\(member), memory, address + \(layout.offsets[index]))")
                }
                lift.append("return \(tuple)")
                load.append("return \(tuple)")
            case .enumeration(let cases):
                let discriminant = "UInt\(abi.discriminantSize(cases.count) * 8)"
                let check =
                    "guard let value = \(swift)(rawValue: UInt32(code)) else { throw .invalid(\"\\(code) is not a case of \(WitPrinter(world: world).type(type))\") }"
                lift = ["let code = UInt32(truncatingIfNeeded: flat.next())", check, "return value"]
                lower = ["out.append(UInt64(value.rawValue))"]
                load = ["let code = try memory.load(address, as: \(discriminant).self)", check, "return value"]
                store = ["try memory.store(\(discriminant)(value.rawValue), at: address)"]
            case .flags(let flags):
                let storage = "UInt\(abi.flagsSize(flags.count) * 8)"
                let mask = flags.count == 32 ? "UInt32.max" : "(UInt32(1) << \(flags.count)) - 1"
                lift = ["return \(swift)(rawValue: UInt32(truncatingIfNeeded: flat.next()) & (\(mask)))"]
                lower = ["out.append(UInt64(value.rawValue))"]
                load = ["return \(swift)(rawValue: UInt32(try memory.load(address, as: \(storage).self)) & (\(mask)))"]
                store = ["try memory.store(\(storage)(truncatingIfNeeded: value.rawValue), at: address)"]
            default:
                (lift, lower, load, store) = variantConversions(type)
            }
        }
        func function(_ header: String, _ body: [String]) -> [String] {
            ["\(header) {"] + body.map { "    " + $0 } + ["}", ""]
        }
        return []
            + function(
                "private func lift_\(name)(_ flat: inout FlatReader, _ memory: GuestMemory) throws(CanonicalABIError) -> \(swift)",
                lift)
            + function(
                "private func lower_\(name)(_ value: \(swift), _ out: inout [UInt64], _ memory: GuestMemory) throws(CanonicalABIError)",
                lower)
            + function(
                "private func load_\(name)(_ memory: GuestMemory, _ address: UInt32) throws(CanonicalABIError) -> \(swift)",
                ["// \(size) bytes, aligned to \(alignment)"] + load)
            + function(
                "private func store_\(name)(_ value: \(swift), _ memory: GuestMemory, _ address: UInt32) throws(CanonicalABIError)",
                store)
    }

    /// Variants, options and results: a discriminant, then the case's payload (flat: padded
    /// to the joined payload; memory: at the payload offset).
    func variantConversions(_ type: WitType) -> ([String], [String], [String], [String]) {
        let swift = swiftType(type)
        let cases: [(pattern: String, construct: String, payload: WitType?)]
        switch world.kind(type)! {
        case .option(let some):
            cases = [(".none", "nil", nil), (".some(let payload)", "payload", some)]
        case .result(let ok, let err):
            cases = [
                (ok == nil ? ".ok" : ".ok(let payload)", ok == nil ? ".ok(())" : ".ok(payload)", ok),
                (err == nil ? ".err" : ".err(let payload)", err == nil ? ".err(())" : ".err(payload)", err),
            ]
        case .variant(let items):
            cases = items.map { item in
                let name = BindgenNames.swiftIdentifier(item.name)
                return item.type == nil
                    ? (".\(name)", "\(swift).\(name)", nil)
                    : (".\(name)(let payload)", "\(swift).\(name)(payload)", item.type)
            }
        default: cases = []
        }
        let joined = abi.joinedPayload(abi.variantCases(type)).count
        let discriminant = "UInt\(abi.discriminantSize(cases.count) * 8)"
        let payloadOffset = abi.payloadOffset(type)
        let printed = WitPrinter(world: world).type(type)
        let hasPayload = cases.contains { $0.payload != nil }
        var lift = ["let tag = UInt32(truncatingIfNeeded: flat.next())"]
        lift.append(hasPayload ? "var payloadFlat = flat.take(\(joined))" : "_ = flat.take(\(joined))")
        lift.append("switch tag {")
        var load = ["let tag = UInt32(try memory.load(address, as: \(discriminant).self))", "switch tag {"]
        var lower = ["switch value {"]
        var store = ["switch value {"]
        for (index, item) in cases.enumerated() {
            lift.append("case \(index):")
            load.append("case \(index):")
            lower.append("case \(item.pattern):")
            store.append("case \(item.pattern):")
            lower.append("    out.append(\(index))")
            store.append("    try memory.store(\(discriminant)(\(index)), at: address)")
            if let payload = item.payload {
                lift.append("    let payload = try lift_\(key(payload))(&payloadFlat, memory)")
                load.append("    let payload = try load_\(key(payload))(memory, address + \(payloadOffset))")
                lower.append("    var payloadOut: [UInt64] = []")
                lower.append("    try lower_\(key(payload))(payload, &payloadOut, memory)")
                lower.append("    out += payloadOut + [UInt64](repeating: 0, count: \(joined) - payloadOut.count)")
                store.append("    try store_\(key(payload))(payload, memory, address + \(payloadOffset))")
            } else {
                lower.append("    out += [UInt64](repeating: 0, count: \(joined))")
            }
            lift.append("    return \(item.construct)")
            load.append("    return \(item.construct)")
        }
        let bad = "    throw .invalid(\"\\(tag) is not a case of \(printed)\")"
        lift += ["default:", bad, "}"]
        load += ["default:", bad, "}"]
        lower.append("}")
        store.append("}")
        return (lift, lower, load, store)
    }
}
