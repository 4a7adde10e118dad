import WasmParser

/// Why the instructions of a function body could not be decoded: the body is malformed.
public struct BodyDecodingError: Error, Sendable {
    /// Byte offset in the module where decoding stopped.
    public var offset: Int
    public var message: String
}

/// Collects a body's instructions with their byte offsets.
struct InstructionCollector: AnyInstructionVisitor {
    typealias VisitorError = WasmParserError
    var binaryOffset: Int = 0
    var instructions: [(Instruction, Int)] = []

    mutating func visit(_ instruction: Instruction) throws(WasmParserError) {
        instructions.append((instruction, binaryOffset))
    }
}

extension FunctionBody {
    /// Decodes the body's instructions, each with its byte offset in the module.
    ///
    /// Two things WasmParser cannot read are decoded around it. The sub-opcode after a `0xFC`
    /// prefix is a u32 in LEB128 (spec 5.4.5-5.4.7), which an encoder may pad to up to 5 bytes
    /// (`0xFC 0x80 0x00` is `i32.trunc_sat_f32_s`), but WasmParser reads it as one byte and
    /// calls the padded form an illegal opcode. And the five opcodes of the legacy
    /// exception-handling proposal (`LegacyOpcode`) are unknown to it. When it fails on either,
    /// the rest of the body is decoded from copies where that instruction is re-encoded as one
    /// WasmParser reads; the offsets reported, of instructions and of errors, are those of the
    /// original bytes.
    public func instructions() throws(BodyDecodingError) -> [(BodyInstruction, Int)] {
        var parser = ExpressionParser(code: code)
        var collector = InstructionCollector()
        let origin = parser.offset
        var start = origin
        do {
            while true {
                start = parser.offset
                guard let visit = try parser.parse() else {
                    return collector.instructions.map { (.wasm($0.0), $0.1) }
                }
                try visit(visitor: &collector)
            }
        } catch {
            let expression = Array(code.expression)
            guard RepairingReader.canRepair(expression, at: start - origin) else {
                // Reported at the instruction that could not be read, as validation errors are.
                throw BodyDecodingError(offset: start, message: ParserErrorWording.describe(error).message)
            }
            var reader = RepairingReader(expression: expression, origin: origin)
            reader.instructions = collector.instructions.map { (.wasm($0.0), $0.1) }
            return try reader.read(from: start - origin)
        }
    }
}

/// An instruction of a function body: one WasmParser decodes, or one of the legacy
/// exception-handling proposal, which it does not.
public enum BodyInstruction: Equatable, Sendable {
    case wasm(Instruction)
    case legacy(LegacyInstruction)

    /// The instruction WasmParser decoded, nil for a legacy one.
    public var wasm: Instruction? {
        if case .wasm(let instruction) = self { instruction } else { nil }
    }
}

/// The instructions of the legacy exception-handling proposal (its binary format: `try` 0x06
/// blocktype, `catch` 0x07 tagidx, `rethrow` 0x09 labelidx, `delegate` 0x18 labelidx,
/// `catch_all` 0x19), which older toolchains still emit.
public enum LegacyInstruction: Equatable, Sendable {
    case `try`(BlockType)
    case `catch`(tag: UInt32)
    case catchAll
    case rethrow(depth: UInt32)
    case delegate(depth: UInt32)
}

/// A legacy opcode, and the opcode with the same immediates that WasmParser reads in its place
/// in a window: `try` is read as `block` (a block type), `catch`, `rethrow` and `delegate` as
/// `br` (a u32 index), `catch_all` as `nop`. Every one of them is one byte, as is its stand-in,
/// so offsets do not move.
enum LegacyOpcode: UInt8 {
    case `try` = 0x06
    case `catch` = 0x07
    case rethrow = 0x09
    case delegate = 0x18
    case catchAll = 0x19

    var standIn: UInt8 {
        switch self {
        case .try: 0x02
        case .catch, .rethrow, .delegate: 0x0C
        case .catchAll: 0x01
        }
    }

    /// The legacy instruction WasmParser's reading of the stand-in stands for.
    func instruction(from standIn: Instruction) -> LegacyInstruction? {
        switch (self, standIn) {
        case (.try, .block(let type)): .try(type)
        case (.catch, .br(let index)): .catch(tag: index)
        case (.rethrow, .br(let depth)): .rethrow(depth: depth)
        case (.delegate, .br(let depth)): .delegate(depth: depth)
        case (.catchAll, .nop): .catchAll
        default: nil
        }
    }
}

/// A `0xFC` prefix whose sub-opcode is padded: an LEB128 of more than one byte holding a value
/// below 128, which one byte can hold.
struct PaddedSubOpcode {
    var value: UInt8
    /// Bytes of the LEB128 (2 to 5).
    var length: Int

    init?(in bytes: [UInt8], at position: Int) {
        guard position + 1 < bytes.count, bytes[position] == 0xFC, bytes[position + 1] & 0x80 != 0 else { return nil }
        // Every byte after the first must add no bits: 0x80 to continue, 0x00 to end, 5 bytes at most (a u32).
        var index = position + 2
        while index < bytes.count, index - position <= 5 {
            if bytes[index] == 0x00 {
                value = bytes[position + 1] & 0x7F
                length = index - position
                return
            }
            guard bytes[index] == 0x80 else { return nil }
            index += 1
        }
        return nil
    }
}

/// Decodes a body from an instruction WasmParser cannot read (a padded sub-opcode or a legacy
/// opcode) to its end, through copies of windows of its bytes that WasmParser can read, mapping
/// offsets back to the original bytes.
///
/// Each window starts at an instruction (re-encoding a padded sub-opcode or a legacy opcode
/// there) and holds 1 KiB, so a body full of them costs time linear in its size. An instruction
/// cut by the end of a window fails to decode; decoding then resumes with a window starting at
/// that instruction (twice as large if the instruction was the window's first).
struct RepairingReader {
    static let window = 1024

    /// The body's instruction bytes, and the module offset of the first.
    let expression: [UInt8]
    let origin: Int
    var instructions: [(BodyInstruction, Int)] = []

    /// Whether a window starting at `position` re-encodes an instruction WasmParser cannot read.
    static func canRepair(_ expression: [UInt8], at position: Int) -> Bool {
        PaddedSubOpcode(in: expression, at: position) != nil
            || (position < expression.count && LegacyOpcode(rawValue: expression[position]) != nil)
    }

    init(expression: [UInt8], origin: Int) {
        self.expression = expression
        self.origin = origin
    }

    /// Decodes the instructions from `position` (a padded sub-opcode) to the end of the body.
    mutating func read(from position: Int) throws(BodyDecodingError) -> [(BodyInstruction, Int)] {
        var resume = position
        var size = Self.window
        while true {
            let end = min(expression.count, resume + size)
            let isCut = end < expression.count
            let window = try Window(expression, from: resume, to: end, origin: origin)
            var parser = ExpressionParser(code: window.code)
            let windowOrigin = parser.offset
            var collector = InstructionCollector()
            var start = resume
            do {
                while true {
                    start = window.original(parser.offset - windowOrigin)
                    guard let visit = try parser.parse() else { break }
                    try visit(visitor: &collector)
                }
            } catch {
                append(collector, window, windowOrigin)
                if start == resume, isCut {
                    size *= 2
                } else if start > resume, isCut || Self.canRepair(expression, at: start) {
                    resume = start
                    size = Self.window
                } else {
                    throw BodyDecodingError(offset: origin + start, message: ParserErrorWording.describe(error).message)
                }
                continue
            }
            // The parser stops after an `end` that is the window's last byte: the body's end,
            // or the end of a block that the window happens to cut after.
            append(collector, window, windowOrigin)
            guard isCut else { return instructions }
            resume = end
            size = Self.window
        }
    }

    private mutating func append(_ collector: InstructionCollector, _ window: Window, _ windowOrigin: Int) {
        for (instruction, offset) in collector.instructions {
            var decoded = BodyInstruction.wasm(instruction)
            // The window's first instruction is the stand-in of a legacy one re-encoded there.
            if offset == windowOrigin, let legacy = window.legacy, let original = legacy.instruction(from: instruction)
            {
                decoded = .legacy(original)
            }
            instructions.append((decoded, origin + window.original(offset - windowOrigin)))
        }
    }
}

/// A copy of `expression[start..<end]` as the only body of a module WasmParser can read, with
/// a padded sub-opcode at `start` re-encoded in one byte, or a legacy opcode there replaced by
/// its stand-in.
private struct Window {
    let start: Int
    /// Bytes the re-encoding removed after `start + 1`.
    let removed: Int
    /// The legacy opcode whose stand-in the window starts with.
    let legacy: LegacyOpcode?
    let code: Code

    init(_ expression: [UInt8], from start: Int, to end: Int, origin: Int) throws(BodyDecodingError) {
        self.start = start
        var bytes: [UInt8]
        legacy = start < end ? LegacyOpcode(rawValue: expression[start]) : nil
        if let padded = PaddedSubOpcode(in: expression, at: start) {
            bytes = [0xFC, padded.value] + expression[min(end, start + 1 + padded.length)..<end]
            removed = padded.length - 1
        } else {
            bytes = Array(expression[start..<end])
            removed = 0
            if let legacy { bytes[0] = legacy.standIn }
        }
        // A module of one code section with one body without locals.
        let body = [0x00] + bytes
        let section = leb128(1) + leb128(body.count) + body
        let module = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x0A] + leb128(section.count) + section
        // The module is well formed by construction (its one body is decoded lazily, later).
        var parser = Parser(bytes: module, features: ModuleDecoder.features)
        while case .some(let payload) = try? parser.parseNext() {
            if case .codeSection(let codes) = payload, let first = codes.first {
                code = first
                return
            }
        }
        throw BodyDecodingError(offset: origin + start, message: "cannot re-encode the body from here")
    }

    /// The position in the original expression of position `position` of the window.
    func original(_ position: Int) -> Int {
        position <= 1 ? start + position : start + position + removed
    }
}

private func leb128(_ value: Int) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
        var byte = UInt8(value & 0x7F)
        value >>= 7
        if value != 0 { byte |= 0x80 }
        bytes.append(byte)
    } while value != 0
    return bytes
}
