import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// Tail calls (WebAssembly 3.0): validation, the limit of the spill area, and which modules
/// get the uniform body prototype. Their behaviour is in Tests/Scripts/tail-calls.wast, the
/// proposal's scripts and Tests/TailCalls.
@Suite struct TailCallTests {
    func encode(_ text: String) throws -> [UInt8] {
        var wat = try parseWAT(text, features: [.referenceTypes, .tailCall])
        return try wat.encode(options: EncodeOptions(nameSection: true))
    }

    func translate(_ text: String) throws -> CTranslation {
        try Compiler.translate(try encode(text), name: "t", options: EmitOptions(bounds: .explicit))
    }

    @Test func resultsMustBeTheCallers() throws {
        #expect {
            _ = try Compiler.validate(try encode("(module (func $f (result i64) (i64.const 0)) (func (result i32) (return_call $f)))"))
        } throws: { error in
            let error = error as! ValidationError
            return error.message.contains("type mismatch: return_call to a function returning (i64) in a function returning (i32)")
                && error.location.contains("function 1")
        }
        #expect {
            _ = try Compiler.validate(
                try encode("(module (type $t (func)) (table 1 funcref) (func (result i32) (return_call_indirect (type $t) (i32.const 0))))"))
        } throws: { error in
            "\(error)".contains("type mismatch: return_call_indirect to a function returning () in a function returning (i32)")
        }
    }

    /// Parameters beyond the fifth travel through a per-thread area of 1000 slots: a module
    /// with tail calls whose types need more is refused in words, not compiled to overflow it.
    @Test func moreThanTheSpillAreaHoldsIsRefused() throws {
        let wide = "(type $wide (func (param \(String(repeating: "i32 ", count: 1001)))))"
        _ = try Compiler.validate(try encode("(module \(wide) (func (type $wide)))"))
        #expect {
            _ = try Compiler.validate(try encode("(module \(wide) (func (type $wide)) (func $g (return_call $g)))"))
        } throws: { error in
            "\(error)".contains("implementation limit: a module with tail calls may have at most 1000 parameters")
        }
    }

    /// Modules without tail calls are emitted as before; a module with them gets bodies of one
    /// prototype, musttail calls, and an entry of the wasm signature for the outside.
    @Test func onlyModulesWithTailCallsUseTheUniformPrototype() throws {
        let plain = try translate("(module (func $f (export \"f\") (param i32) (result i32) (call $f (local.get 0))))")
        #expect(!plain.source.contains("wasmc_tail_calls.h"))
        #expect(plain.source.contains("static uint32_t func0_f(void *env, uint32_t l0)"))
        #expect(!plain.source.contains("_entry"))

        let tail = try translate(
            "(module (func $f (export \"f\") (param i32 f64) (result i32) (return_call $f (local.get 0) (local.get 1))))")
        #expect(tail.source.contains("#include \"wasmc_tail_calls.h\""))
        #expect(tail.source.contains("static uint64_t func0_f(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)"))
        #expect(tail.source.contains("WASMC_MUSTTAIL return func0_f(inst, (uint64_t)i0, wasmc_tail_from_f64(d1), 0, 0, 0);"))
        #expect(tail.source.contains("static uint32_t func0_f_entry(void *env, uint32_t p0, double p1)"))
        #expect(tail.source.contains("{signature_0, (wasmc_code)func0_f_entry, func0_f},"))
        #expect(try translate("(module (func $g (return_call $g)))").source == translate("(module (func $g (return_call $g)))").source)
    }
}
