import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

@Suite struct ValidationTests {
    func validate(_ text: String) throws -> ValidatedModule {
        var wat = try parseWAT(text)
        return try Compiler.validate(try wat.encode())
    }

    @Test func typeMismatchNamesFunctionAndOffset() throws {
        #expect {
            _ = try validate("(module (func $f (result i32) i64.const 1))")
        } throws: { error in
            let error = error as! ValidationError
            return error.message.contains("type mismatch") && error.location.contains("function 0") && error.offset > 0
        }
    }

    @Test func unknownLabelIsInvalid() throws {
        #expect(throws: ValidationError.self) { _ = try validate("(module (func br 1))") }
    }

    @Test func recordsStackHeights() throws {
        let module = try validate("(module (func (result i32) i32.const 1 i32.const 2 i32.add))")
        let heights = module.functions[0].body.map(\.height)
        #expect(heights == [0, 1, 2, 1])
    }

    @Test func refFuncMustBeDeclared() throws {
        #expect {
            _ = try validate("(module (func $f) (func (drop (ref.func $f))))")
        } throws: { error in
            "\(error)".contains("undeclared function reference")
        }
        _ = try validate("(module (func $f) (elem declare func $f) (func (drop (ref.func $f))))")
    }

    @Test func duplicateExportNamesCompareBytes() throws {
        // "Å" precomposed and decomposed are different names in WebAssembly.
        _ = try validate(#"(module (func (export "\c3\85")) (func (export "A\cc\8a")))"#)
        #expect(throws: ValidationError.self) { _ = try validate(#"(module (func (export "a")) (func (export "a")))"#) }
    }

    /// WebAssembly 3.0 (multi-memory): any number of memories, each instruction naming its
    /// own (an unknown index is refused by the text parser already; the spec scripts cover it).
    @Test func severalMemoriesAreValid() throws {
        let module = try validate(
            "(module (memory 1) (memory i64 2) (func (memory.copy 1 0 (i64.const 0) (i32.const 0) (i32.const 1)) (drop (i32.load 1 (i64.const 0)))))"
        )
        #expect(module.memories.map(\.is64) == [false, true])
    }
}
