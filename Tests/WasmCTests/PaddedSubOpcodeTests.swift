import Testing
import WasmParser

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// The sub-opcode after 0xFC is a u32 LEB128 that may be padded (binary-leb128.wast:969);
/// WasmParser reads it as one byte, so decoding re-encodes it and keeps the original offsets.
@Suite struct PaddedSubOpcodeTests {
    /// A module of one function `() -> ()` whose body is `body` (no locals, then the bytes).
    static func module(body: [UInt8]) -> [UInt8] {
        let code = [0x00] + body
        let section = leb(1) + leb(code.count) + code
        return [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
            + [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]  // type section: () -> ()
            + [0x03, 0x02, 0x01, 0x00]  // function section: one function of type 0
            + [0x0a] + leb(section.count) + section
    }

    static func leb(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7f) | (value >> 7 != 0 ? 0x80 : 0))
            value >>= 7
        } while value != 0
        return bytes
    }

    /// Module offset of the first byte of the body of `module(body:)`.
    static func bodyStart(_ module: [UInt8], bodyLength: Int) -> Int { module.count - bodyLength }

    @Test func acceptsTheSpecModuleWithPaddedSubOpcodes() throws {
        let body: [UInt8] = [
            0x00, 0xfc, 0x80, 0x00,  // unreachable, i32.trunc_sat_f32_s in 2 bytes
            0x00, 0xfc, 0x81, 0x80, 0x00,  // i32.trunc_sat_f32_u in 3 bytes
            0x00, 0xfc, 0x86, 0x80, 0x80, 0x00,  // i64.trunc_sat_f64_s in 4 bytes
            0x00, 0xfc, 0x87, 0x80, 0x80, 0x80, 0x00,  // i64.trunc_sat_f64_u in 5 bytes
            0x00, 0x0b,
        ]
        let bytes = Self.module(body: body)
        let start = Self.bodyStart(bytes, bodyLength: body.count)
        let module = try ModuleDecoder().decode(bytes)
        let instructions = try module.bodies[0].instructions()
        #expect(
            instructions.map(\.0.wasm) == [
                .unreachable, .conversion(.i32TruncSatF32S), .unreachable, .conversion(.i32TruncSatF32U),
                .unreachable, .conversion(.i64TruncSatF64S), .unreachable, .conversion(.i64TruncSatF64U),
                .unreachable, .end,
            ])
        #expect(instructions.map(\.1) == [0, 1, 4, 5, 9, 10, 15, 16, 22, 23].map { start + $0 })
        _ = try Compiler.validate(bytes)
    }

    @Test func paddedSubOpcodeWithImmediatesKeepsThem() throws {
        // (memory 1) is not declared, so memory.fill fails validation: at its own offset.
        let body: [UInt8] = [
            0x41, 0x00, 0x41, 0x00, 0x41, 0x00,  // three i32.const 0
            0xfc, 0x8b, 0x80, 0x00, 0x00,  // memory.fill 0 in a 3-byte sub-opcode
            0x0b,
        ]
        let bytes = Self.module(body: body)
        let instructions = try ModuleDecoder().decode(bytes).bodies[0].instructions()
        #expect(instructions.map(\.0).last == .wasm(.end))
        #expect(instructions.map(\.1).last == Self.bodyStart(bytes, bodyLength: body.count) + 11)
        #expect {
            _ = try Compiler.validate(bytes)
        } throws: { error in
            (error as? ValidationError)?.offset == Self.bodyStart(bytes, bodyLength: body.count) + 6
        }
    }

    @Test func errorsAfterARepairPointAtTheOriginalBytes() throws {
        // unreachable, i32.trunc_sat_f32_s in 4 bytes, i64.eqz: a type mismatch at i64.eqz.
        let body: [UInt8] = [0x00, 0xfc, 0x80, 0x80, 0x80, 0x00, 0x50, 0x1a, 0x0b]
        let bytes = Self.module(body: body)
        #expect {
            _ = try Compiler.validate(bytes)
        } throws: { error in
            let error = error as? ValidationError
            return error?.message.contains("type mismatch") == true
                && error?.offset == Self.bodyStart(bytes, bodyLength: body.count) + 6
        }
    }

    @Test func overlongOrLargeSubOpcodesStayMalformed() throws {
        for padded: [UInt8] in [
            [0xfc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],  // 6 bytes: longer than a u32
            [0xfc, 0x80, 0x81, 0x00],  // 128: no such instruction
            [0xfc, 0x80, 0x80, 0x80, 0x80, 0x10],  // 5th byte with bits beyond 32
        ] {
            let bytes = Self.module(body: [0x00] + padded + [0x0b])
            #expect(throws: (any Error).self) { _ = try Compiler.validate(bytes) }
        }
    }

    /// A body far larger than the windows it is decoded through after the first repair:
    /// thousands of padded sub-opcodes and a `br_table` longer than one window.
    @Test func longBodiesDecodeWithTheOriginalOffsets() throws {
        var body: [UInt8] = []
        var expected: [(Instruction, Int)] = []
        func append(_ instruction: Instruction, _ bytes: [UInt8]) {
            expected.append((instruction, body.count))
            body += bytes
        }
        append(.unreachable, [0x00])
        for i in 0..<3000 {
            // i32.trunc_sat_f64_u (3) in 1 to 4 bytes.
            let extra = i % 4
            let subOpcode: [UInt8] = extra == 0 ? [0x03] : [0x83] + [UInt8](repeating: 0x80, count: extra - 1) + [0x00]
            append(.conversion(.i32TruncSatF64U), [0xfc] + subOpcode)
            append(.drop, [0x1a])
            if i == 1500 {
                append(.block(blockType: .empty), [0x02, 0x40])
                append(.i32Const(value: 0), [0x41, 0x00])
                let targets = 6000
                append(
                    .brTable(targets: BrTable(labelIndices: Array(repeating: 0, count: targets), defaultIndex: 0)),
                    [0x0e] + Self.leb(targets) + [UInt8](repeating: 0x00, count: targets + 1))
                append(.end, [0x0b])
            }
        }
        append(.end, [0x0b])
        let bytes = Self.module(body: body)
        let start = Self.bodyStart(bytes, bodyLength: body.count)
        let instructions = try ModuleDecoder().decode(bytes).bodies[0].instructions()
        #expect(instructions.count == expected.count)
        #expect(instructions.map(\.0) == expected.map { .wasm($0.0) })
        #expect(instructions.map(\.1) == expected.map { start + $0.1 })
        _ = try Compiler.validate(bytes)
    }
}
