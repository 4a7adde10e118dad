import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

@Suite struct EmissionTests {
    func translate(_ text: String, guardPages: Bool = false) throws -> CTranslation {
        var wat = try parseWAT(text)
        return try Compiler.translate(
            try wat.encode(options: EncodeOptions(nameSection: true)), name: "t",
            options: EmitOptions(bounds: guardPages ? .guardPages : .explicit))
    }

    static let sample = """
        (module
          (memory 1)
          (func $fac (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
          (func (export "peek") (param i32) (result i32) (i32.load offset=4 (local.get 0))))
        """

    @Test func outputIsDeterministic() throws {
        #expect(try translate(Self.sample).source == translate(Self.sample).source)
    }

    @Test func functionsAreNamedAndCommented() throws {
        let source = try translate(Self.sample).source
        #expect(source.contains("func0_fac"))
        #expect(source.contains("/* wasm function 0 \"fac\": (i64) -> (i64) */"))
        #expect(source.contains("const wasmc_module wasmc_module_t"))
    }

    @Test func everyFunctionChecksTheStackAndLoadsAreChecked() throws {
        let source = try translate(Self.sample).source
        #expect(source.components(separatedBy: "WASMC_CHECK_STACK();").count - 1 == 2)
        #expect(source.contains("wasmc_i32_load(mem0_data, mem0_size, i0, 4u, __func__)"))
        #expect(!source.contains("#define WASMC_BOUNDS_GUARD"))
        #expect(try translate(Self.sample, guardPages: true).source.contains("#define WASMC_BOUNDS_GUARD 1"))
    }

    @Test func namesAreSanitizedAndUnique() {
        #expect(CNames.function(3, name: "my-func.name") == "func3_my_func_name")
        #expect(CNames.function(4, name: "my-func.name") != CNames.function(3, name: "my-func.name"))
        #expect(CNames.function(5, name: nil) == "func5")
        #expect(CNames.modulePrefix("9lives") == "m9lives")
        #expect(CNames.bytesLiteral([0x01, 0x32, 0x22]) == "\"\\1\\62\\\"\"")
    }
}
