import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// Malformed input must be reported with the section and offset, never crash.
@Suite struct DecodingTests {
    @Test func truncatedTypeSectionNamesSectionAndOffset() throws {
        let bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05]
        #expect {
            _ = try ModuleDecoder().decode(bytes)
        } throws: { error in
            let error = error as! DecodingError
            return error.section == "type" && error.offset == 8
        }
    }

    @Test func badMagicIsMalformed() throws {
        #expect(throws: DecodingError.self) { _ = try ModuleDecoder().decode([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]) }
    }

    @Test func functionAndCodeCountsMustAgree() throws {
        // One function declared, no code section.
        let bytes: [UInt8] = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type section: () -> ()
            0x03, 0x02, 0x01, 0x00,  // function section: one function of type 0
        ]
        #expect {
            _ = try ModuleDecoder().decode(bytes)
        } throws: { error in
            "\(error)".contains("inconsistent lengths")
        }
    }

    /// Found by the crash fuzzer: WasmParser reads the flags as bits and ignored those above 2.
    @Test func elementSegmentFlagsAboveSevenAreMalformed() throws {
        func module(segment: [UInt8]) -> [UInt8] {
            [
                0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                0x04, 0x04, 0x01, 0x70, 0x00, 0x01,  // table section: one funcref table of 1
                0x09, UInt8(segment.count + 1), 0x01,
            ] + segment  // element section: one segment
        }
        let offset: [UInt8] = [0x41, 0x00, 0x0b]  // i32.const 0
        _ = try ModuleDecoder().decode(module(segment: [0x00] + offset + [0x00]))
        _ = try ModuleDecoder().decode(module(segment: [0x03, 0x00, 0x00]))
        // Each is read by WasmParser as a valid segment: active, or (0x2b) declarative,
        // with an element kind byte and no elements.
        for flags: [UInt8] in [[0x08], [0x80, 0x01], [0x88, 0x80, 0x01]] {
            #expect {
                _ = try ModuleDecoder().decode(module(segment: flags + offset + [0x00, 0x00]))
            } throws: { error in
                let error = error as! DecodingError
                return error.section == "element" && error.offset == 17 && "\(error)".contains("invalid flags")
            }
        }
        #expect(throws: DecodingError.self) { _ = try ModuleDecoder().decode(module(segment: [0x2b, 0x00, 0x00])) }
    }

    /// Found by the crash fuzzer: WasmParser reads the element kind of flags 1 to 3 as a
    /// LEB128, so a padded 0x80 0x00 passed for funcref.
    @Test func elementKindMustBeTheByteZero() throws {
        let bytes: [UInt8] = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x09, 0x05, 0x01, 0x01, 0x80, 0x00, 0x00,
        ]  // passive, kind 0x80 0x00, no elements
        #expect {
            _ = try ModuleDecoder().decode(bytes)
        } throws: { error in
            let error = error as! DecodingError
            return error.section == "element" && error.offset == 12 && "\(error)".contains("invalid element kind")
        }
        _ = try ModuleDecoder().decode([
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x09, 0x04, 0x01, 0x01, 0x00, 0x00,
        ])
    }

    @Test func decodesNamesFromTheNameSection() throws {
        var wat = try parseWAT("(module (func $answer (result i32) i32.const 42))")
        let bytes = try wat.encode(options: EncodeOptions(nameSection: true))
        let module = try ModuleDecoder().decode(bytes)
        #expect(module.functionNames[0] == "answer")
    }

    @Test func v128IsAValueType() throws {
        var wat = try parseWAT("(module (func (param v128) (result v128) (local.get 0)))", features: [.simd])
        let module = try ModuleDecoder().decode(try wat.encode())
        #expect(module.types.first == FunctionSignature(parameters: [.v128], results: [.v128]))
    }
}
