import WasmParser

/// WasmParser's errors in plain words, with the byte offset they happened at.
///
/// `WasmParserError` keeps its kind and offset package-private and describes itself with
/// Swift debug text (`"Message(text: "magic header not detected: expected [0, 97, 115,
/// 109] but got [103, 97, 114, 98]")" at offset 0x4`). Its stored properties are read with
/// `Mirror` (WasmKit is pinned, so their shape is known), and each message WasmParser
/// writes is reworded below; anything unrecognised keeps its own text, never debug text.
enum ParserErrorWording {
    /// What went wrong, and where in the file when the parser knows.
    struct Wording: Equatable {
        var message: String
        var offset: Int?
    }

    static func describe(_ error: any Error) -> Wording {
        guard let parserError = error as? WasmParserError else { return Wording(message: "\(error)", offset: nil) }
        let fields = Dictionary(
            Mirror(reflecting: parserError).children.compactMap { child in child.label.map { ($0, child.value) } },
            uniquingKeysWith: { first, _ in first })
        let offset = fields["location"].flatMap { $0 as? Int }
        guard let kind = fields["kind"], let (name, payload) = caseAndPayload(of: kind) else {
            return Wording(message: parserError.description, offset: offset)
        }
        switch name {
        case "message":
            let text =
                Mirror(reflecting: payload).children.first { $0.label == "text" }?.value as? String ?? "\(payload)"
            // The parser reports where it stopped reading; these name where the problem starts.
            let start: Int? =
                if text.hasPrefix("magic header") { 0 } else if text.hasPrefix("unknown binary version") {
                    4
                } else if text.hasPrefix("malformed section id") { nil } else { offset }
            return Wording(message: reword(text), offset: start)
        case "parserUnexpectedEnd":
            return Wording(message: "unexpected end of file: the module is cut short", offset: offset)
        case "parserUnexpectedByte":
            let byte = Mirror(reflecting: payload).children.first?.value as? UInt8
            return Wording(message: "unexpected byte \(byte.map(hex) ?? "")", offset: offset)
        case "leb":
            return Wording(message: lebWording("\(payload)"), offset: offset)
        default:
            return Wording(message: parserError.description, offset: offset)
        }
    }

    /// The case name and associated value of an enum value, as `Mirror` shows them.
    private static func caseAndPayload(of value: Any) -> (String, Any)? {
        if let child = Mirror(reflecting: value).children.first, let label = child.label {
            return (label, child.value)
        }
        return nil
    }

    private static func lebWording(_ error: String) -> String {
        switch error {
        case "overflow": "an integer (LEB128) is too large for its type"
        case "integerRepresentationTooLong": "an integer (LEB128) is encoded in too many bytes"
        case "insufficientBytes": "unexpected end of file inside an integer (LEB128): the module is cut short"
        default: "malformed integer (LEB128): \(error)"
        }
    }

    /// WasmParser's message texts (WasmParserError.swift in WasmKit 0.4.2), reworded.
    static func reword(_ text: String) -> String {
        let numbers = integers(in: text)
        func number(_ index: Int) -> Int? { index < numbers.count ? numbers[index] : nil }
        func lastBytes(_ count: Int) -> [Int] { Array(numbers.suffix(count)) }

        if text.hasPrefix("magic header not detected") {
            let found = lastBytes(4).map { hex($0, prefix: false) }.joined(separator: " ")
            return "not a WebAssembly module: the file does not start with \\0asm (it starts with \(found))"
        }
        if text.hasPrefix("unknown binary version") {
            let bytes = lastBytes(4)
            if bytes == [0x0d, 0x00, 0x01, 0x00] {
                return "this is a WebAssembly component, not a core module: wasmc compiles core modules (version 1)"
            }
            let version = bytes.reversed().reduce(0) { $0 << 8 | $1 }
            return "unknown WebAssembly binary version \(version) (the only version is 1)"
        }
        if text.hasPrefix("malformed UTF-8") { return "a name is not valid UTF-8" }
        if text == "unexpected end-of-file" || text == "Unexpected end of the stream" {
            return "unexpected end of file: the module is cut short"
        }
        if text.hasPrefix("malformed section id"), let id = number(0) {
            return "unknown section id \(id) (ids 0 to 12 are sections of WebAssembly 2.0)"
        }
        if text.hasPrefix("malformed value type"), let byte = number(0) {
            return "unknown value type \(hex(byte))"
        }
        if text.hasPrefix("Zero expected"), let byte = number(0) {
            return "a reserved byte must be zero, not \(hex(byte))"
        }
        if text.hasPrefix("Too many locals"), let count = number(0), let limit = number(1) {
            return "too many locals: \(count) (at most \(limit))"
        }
        if text.hasPrefix("Expected reference type") {
            return "expected a reference type (funcref or externref)"
        }
        if text.hasPrefix("Unexpected element kind"), let actual = number(1) {
            return "unknown element kind \(actual) (only 0, funcref, is defined)"
        }
        if text == "Integer representation is too long" { return lebWording("integerRepresentationTooLong") }
        if text.hasPrefix("`end` opcode expected") { return "an expression does not finish with `end`" }
        if text.hasPrefix("Section size mismatch"), let id = number(0), let declared = number(1), let read = number(2) {
            return "the \(sectionName(id)) section declares \(declared) bytes but its contents take \(read)"
        }
        if text.hasPrefix("Illegal opcode") {
            let bytes = numbers.map { hex($0, prefix: false) }.joined(separator: " ")
            return "unknown instruction (opcode bytes \(bytes))"
        }
        if text.hasPrefix("Malformed mutability"), let byte = number(0) {
            return "a global's mutability must be 0 or 1, not \(byte)"
        }
        if text.hasPrefix("Malformed function type") || text.hasPrefix("Malformed composite type"),
            let byte = number(0)
        {
            return "a type must start with 0x60 (function type), not \(hex(byte))"
        }
        if text == "Sections in the module are out of order" {
            return "sections are out of order, or one appears twice"
        }
        if text.hasPrefix("Malformed limit"), let byte = number(0) {
            return "unknown limits flag \(hex(byte))"
        }
        if text == "Malformed indirect call" { return "call_indirect has a malformed table index" }
        if text.hasPrefix("malformed memop flags"), let flags = number(0) {
            return "malformed memory access flags \(flags)"
        }
        if text.hasPrefix("Malformed data segment kind"), let kind = number(0) {
            return "unknown data segment kind \(kind) (0, 1 and 2 are defined)"
        }
        if text.hasPrefix("invalid result arity"), let expected = number(0), let actual = number(1) {
            return "a block type has \(actual) results where \(expected) is allowed"
        }
        if text.hasPrefix("invalid function type index") { return "a type index does not fit in 32 bits" }
        // Anything else is already a sentence; only its first letter is normalised.
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    static func sectionName(_ id: Int) -> String {
        id >= 0 && id < 256 ? ModuleDecoder.sectionName(id: UInt8(id)) : "unknown"
    }

    static func hex(_ value: Int, prefix: Bool = true) -> String {
        let digits = String(value, radix: 16)
        return (prefix ? "0x" : "") + (digits.count < 2 ? "0" + digits : digits)
    }

    static func hex(_ value: UInt8) -> String { hex(Int(value)) }

    /// The decimal integers in a text, in order.
    static func integers(in text: String) -> [Int] {
        var result: [Int] = []
        var current: Int?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                current = (current ?? 0) &* 10 &+ digit
            } else if let value = current {
                result.append(value)
                current = nil
            }
        }
        if let value = current { result.append(value) }
        return result
    }
}
