import Testing
import WasmParser

@testable import WasmC
@testable import WasmCFrontEnd

/// WasmParser does not decode the legacy exception-handling opcodes (`try` 0x06, `catch` 0x07,
/// `rethrow` 0x09, `delegate` 0x18, `catch_all` 0x19); decoding reads them around it and keeps
/// the original offsets.
@Suite struct LegacyExceptionDecodingTests {
    typealias Bytes = PaddedSubOpcodeTests

    /// A body's instructions, decoded from a module of one function whose body is `body`,
    /// with offsets relative to the body's first byte.
    static func decode(_ body: [UInt8]) throws -> [(BodyInstruction, Int)] {
        let bytes = Bytes.module(body: body)
        let start = Bytes.bodyStart(bytes, bodyLength: body.count)
        return try ModuleDecoder().decode(bytes).bodies[0].instructions().map { ($0.0, $0.1 - start) }
    }

    @Test func decodesEveryLegacyOpcodeWithItsImmediate() throws {
        let body: [UInt8] = [
            0x06, 0x40,  // try (empty)
            0x06, 0x7f,  // try (result i32)
            0x41, 0x01,  // i32.const 1
            0x18, 0x01,  // delegate 1
            0x1a,  // drop
            0x07, 0xc8, 0x01,  // catch 200 (a two-byte index)
            0x09, 0x80, 0x00,  // rethrow 0 (a padded LEB128)
            0x19,  // catch_all
            0x09, 0x00,  // rethrow 0
            0x0b,  // end
            0x0b,  // end
        ]
        let instructions = try Self.decode(body)
        #expect(
            instructions.map(\.0) == [
                .legacy(.try(.empty)), .legacy(.try(.type(.i32))), .wasm(.i32Const(value: 1)),
                .legacy(.delegate(depth: 1)), .wasm(.drop), .legacy(.catch(tag: 200)), .legacy(.rethrow(depth: 0)),
                .legacy(.catchAll), .legacy(.rethrow(depth: 0)), .wasm(.end), .wasm(.end),
            ])
        #expect(instructions.map(\.1) == [0, 2, 4, 6, 8, 9, 12, 15, 16, 18, 19])
    }

    @Test func aTryWithATypeIndexBlockTypeKeepsIt() throws {
        let instructions = try Self.decode([0x06, 0x00, 0x0b, 0x0b])
        #expect(instructions.map(\.0) == [.legacy(.try(.funcType(0))), .wasm(.end), .wasm(.end)])
    }

    /// A truncated immediate is reported at the legacy instruction, in words.
    @Test func malformedImmediatesAreReportedAtTheInstruction() throws {
        for body: [UInt8] in [
            [0x01, 0x06, 0x40, 0x07],  // catch without its tag index
            [0x01, 0x06, 0x40, 0x18, 0x80],  // delegate with a cut LEB128
            [0x01, 0x06, 0x40, 0x19, 0x09, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b, 0x0b],  // rethrow: 6-byte u32
        ] {
            let bytes = Bytes.module(body: body)
            let start = Bytes.bodyStart(bytes, bodyLength: body.count)
            let module = try ModuleDecoder().decode(bytes)
            #expect {
                _ = try module.bodies[0].instructions()
            } throws: { error in
                guard let error = error as? BodyDecodingError else { return false }
                // At the cut instruction (the last legacy opcode), with a message and no debug text.
                let last = body.lastIndex { LegacyOpcode(rawValue: $0) != nil && $0 != 0x40 }!
                return error.offset == start + last && !error.message.isEmpty && !error.message.contains("Message(")
            }
        }
    }

    /// Thousands of legacy instructions, and a `br_table` longer than one window between them:
    /// every window after the first repair is read with the right offsets.
    @Test func longBodiesDecodeWithTheOriginalOffsets() throws {
        var body: [UInt8] = []
        var expected: [(BodyInstruction, Int)] = []
        func append(_ instruction: BodyInstruction, _ bytes: [UInt8]) {
            expected.append((instruction, body.count))
            body += bytes
        }
        for i in 0..<2000 {
            append(.legacy(.try(.empty)), [0x06, 0x40])
            append(.wasm(.nop), [0x01])
            if i % 2 == 0 {
                append(.legacy(.catchAll), [0x19])
                append(.legacy(.rethrow(depth: 0)), [0x09, 0x00])
                append(.wasm(.end), [0x0b])
            } else {
                append(.legacy(.delegate(depth: 0)), [0x18, 0x00])
            }
            if i == 1000 {
                append(.wasm(.block(blockType: .empty)), [0x02, 0x40])
                append(.wasm(.i32Const(value: 0)), [0x41, 0x00])
                let targets = 3000
                append(
                    .wasm(
                        .brTable(targets: BrTable(labelIndices: Array(repeating: 0, count: targets), defaultIndex: 0))),
                    [0x0e] + Bytes.leb(targets) + [UInt8](repeating: 0x00, count: targets + 1))
                append(.wasm(.end), [0x0b])
            }
        }
        append(.wasm(.end), [0x0b])
        let instructions = try Self.decode(body)
        #expect(instructions.count == expected.count)
        #expect(instructions.map(\.0) == expected.map(\.0))
        #expect(instructions.map(\.1) == expected.map(\.1))
    }
}
