import Testing

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// Validation and C of the legacy try/catch/catch_all/rethrow/delegate, on modules encoded by
/// hand (the text parsers wasmc's tests use do not read the legacy instructions).
@Suite struct LegacyExceptionTests {
    /// A module with one tag `(param i32)` and one function `() -> ()` whose body is `body`.
    static func module(body: [UInt8]) -> [UInt8] {
        let code = [0x00] + body
        let section = PaddedSubOpcodeTests.leb(1) + PaddedSubOpcodeTests.leb(code.count) + code
        return [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
            + [0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00]  // types: () -> (), (i32) -> ()
            + [0x03, 0x02, 0x01, 0x00]  // one function of type 0
            + [0x0d, 0x03, 0x01, 0x00, 0x01]  // tag section: one tag of type 1
            + [0x0a] + PaddedSubOpcodeTests.leb(section.count) + section
    }

    static func validationError(_ body: [UInt8]) -> String? {
        do {
            _ = try Compiler.validate(module(body: body))
            return nil
        } catch {
            return (error as? ValidationError)?.message ?? "\(error)"
        }
    }

    @Test func validBodiesValidate() throws {
        for body: [UInt8] in [
            [0x06, 0x40, 0x07, 0x00, 0x1a, 0x19, 0x09, 0x00, 0x0b, 0x0b],  // try catch 0 drop catch_all rethrow 0 end
            [0x06, 0x40, 0x18, 0x00, 0x0b],  // try delegate 0 (the function's label)
            [0x06, 0x40, 0x0b, 0x0b],  // try end: no clause
        ] {
            #expect(Self.validationError(body) == nil)
        }
    }

    @Test func invalidBodiesAreRefusedInWords() throws {
        let cases: [([UInt8], String)] = [
            ([0x02, 0x40, 0x09, 0x00, 0x0b, 0x0b], "invalid rethrow label"),  // block rethrow 0
            ([0x06, 0x40, 0x09, 0x00, 0x18, 0x00, 0x0b], "invalid rethrow label"),  // rethrow the try body
            ([0x06, 0x40, 0x19, 0x07, 0x00, 0x1a, 0x0b, 0x0b], "catch after catch_all"),
            ([0x06, 0x40, 0x19, 0x18, 0x00, 0x0b], "delegate without a matching try"),
            ([0x06, 0x40, 0x18, 0x01, 0x0b], "unknown label"),
            ([0x06, 0x40, 0x07, 0x05, 0x0b, 0x0b], "unknown tag 5"),
            ([0x06, 0x40, 0x07, 0x00, 0x0b, 0x0b], "type mismatch"),  // the payload is left on the stack
            ([0x19, 0x0b], "catch_all without a matching try"),
        ]
        for (body, expected) in cases {
            let message = Self.validationError(body)
            #expect(message?.contains(expected) == true, "\(body): \(message ?? "valid")")
        }
    }

    /// A branch out of a catch block is done with the exception before it jumps: nothing is
    /// left for the collector.
    @Test func aBranchOutOfACatchReleasesTheException() throws {
        // block; try; i32.const 1; throw 0; catch 0; drop; br 1; end; end; end
        let body: [UInt8] = [
            0x02, 0x40, 0x06, 0x40, 0x41, 0x01, 0x08, 0x00, 0x07, 0x00, 0x1a, 0x0c, 0x01, 0x0b, 0x0b, 0x0b,
        ]
        let source = try Compiler.translate(
            Self.module(body: body), name: "t", options: EmitOptions(bounds: .explicit)
        ).source
        let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let release = try #require(lines.firstIndex(of: "wasmc_exception_caught(h1.exception);"))
        #expect(lines[release + 1] == "goto L1;")  // the block's label
        #expect(source.contains("if (!wasmc_exception_is(h1.exception, inst->tags[0])) goto L2_c1;"))
        #expect(source.contains("wasmc_rethrow(h1.exception);"))  // no clause matched
    }
}
