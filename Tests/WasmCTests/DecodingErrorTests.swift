import Testing

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// Malformed input is reported in plain words with the section and offset: never Swift debug
/// text such as `Message(text: ...)` or byte arrays.
@Suite struct DecodingErrorTests {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

    func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try Compiler.validate(bytes)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        arguments: [
            // Not wasm at all.
            (
                Array("garbage!".utf8),
                #"malformed module: not a WebAssembly module: the file does not start with \0asm (it starts with 67 61 72 62) (in the header at offset 0x0)"#
            ),
            // A future binary version, and a component.
            (
                [0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00],
                "malformed module: unknown WebAssembly binary version 2 (the only version is 1) (in the header at offset 0x4)"
            ),
            (
                [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00],
                "malformed module: this is a WebAssembly component, not a core module: wasmc compiles core modules (version 1) (in the header at offset 0x4)"
            ),
            // Shorter than a header; a type section declaring more bytes than the file has.
            (
                [0x00, 0x61, 0x73],
                "malformed module: unexpected end of file: the module is cut short (in the header at offset 0x0)"
            ),
            (
                header + [0x01, 0x05, 0x01, 0x60],
                "malformed module: unexpected end of file: the module is cut short (in the type section at offset 0xc)"
            ),
            // Section id 14 does not exist.
            (
                header + [0x0e, 0x00],
                "malformed module: unknown section id 14 (ids 0 to 12 are sections of WebAssembly 2.0) (at offset 0x8)"
            ),
            // A section size in six LEB128 bytes (five at most for a u32).
            (
                header + [0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
                "malformed module: an integer (LEB128) is encoded in too many bytes (in the type section at offset 0xe)"
            ),
            // 0x61 where a function type (0x60) must be; value type 0x7a.
            (
                header + [0x01, 0x04, 0x01, 0x61, 0x00, 0x00],
                "malformed module: a type must start with 0x60 (function type), not 0x61 (in the type section at offset 0xc)"
            ),
            (
                header + [0x01, 0x05, 0x01, 0x60, 0x01, 0x7a, 0x00],
                "malformed module: unknown value type 0x7a (in the type section at offset 0xe)"
            ),
            // The function section before the type section.
            (
                header + [0x03, 0x02, 0x01, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
                "malformed module: sections are out of order, or one appears twice (in the type section at offset 0x12)"
            ),
            // Opcode 0xff in a body, reported at the instruction.
            (
                header + [
                    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0xff,
                    0x0b,
                ],
                "malformed module: unknown instruction (opcode bytes ff) (in function 0 at offset 0x17)"
            ),
        ] as [([UInt8], String)])
    func malformedModulesAreDescribedInPlainWords(bytes: [UInt8], expected: String) {
        let text = message(bytes)
        #expect(text == expected)
        #expect(!text.contains("Message(") && !text.contains("["))
    }
}
