import Foundation
import Testing

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd
@testable import WasmCSpecTest

/// The spec runner reads scripts as `wasm-tools json-from-wast` writes them.
@Suite struct SpecScriptTests {
    static let json = """
        {"source_filename":"t.wast","commands":[
          {"type":"module","line":1,"name":"M","filename":"t.0.wasm","module_type":"binary"},
          {"type":"assert_return","line":2,"action":{"type":"invoke","module":"M","field":"f",
            "args":[{"type":"i32","value":"-1"},{"type":"f64","value":"9221120237041090560"},
                    {"type":"externref","value":"null"},{"type":"v128","lane_type":"i16","value":["0","1"]}]},
           "expected":[{"type":"f32","value":"nan:canonical"},{"type":"funcref"},{"type":"refnull"},
                       {"type":"either","values":[{"type":"i32","value":"1"}]}]},
          {"type":"assert_malformed","line":3,"filename":"t.1.wat","module_type":"text","text":"unknown operator"},
          {"type":"register","line":4,"name":"M","as":"M2"}
        ]}
        """

    @Test func decodesCommandsActionsAndValues() throws {
        let commands = try WastScript.decode(Data(Self.json.utf8)).commands
        #expect(commands.map(\.type) == ["module", "assert_return", "assert_malformed", "register"])
        #expect(commands[0].name == "M" && commands[0].moduleType == "binary")
        #expect(commands[1].action?.field == "f" && commands[1].action?.module == "M")
        let args = try #require(commands[1].action?.args)
        #expect(args.count == 4 && args[3].laneType == "i16")
        if case .lanes(let lanes) = args[3].value { #expect(lanes == ["0", "1"]) } else { Issue.record("no lanes") }
        #expect(commands[1].expected?[1].value == nil)
        #expect(commands[1].expected?[3].values?.count == 1)
        #expect(commands[2].moduleType == "text" && commands[2].binaryFilename == nil)
        #expect(commands[3].as == "M2")
    }

    @Test func mapsValuesToTheDriversInitialisers() throws {
        let commands = try WastScript.decode(Data(Self.json.utf8)).commands
        let args = try #require(commands[1].action?.args)
        // Negative integers are two's complement; floats are bit patterns.
        #expect(try SpecValues.argument(args[0]) == .i32(4_294_967_295))
        #expect(try SpecValues.argument(args[1]) == .f64(bits: 9_221_120_237_041_090_560))
        #expect(try SpecValues.argument(args[2]) == .nullExternref)
        #expect(try SpecValues.argument(args[0]).c == "{.i32 = 4294967295u}")
        #expect(try SpecValues.argument(args[1]).c == "{.i64 = 9221120237041090560ull}")
        #expect(try SpecValues.argument(args[2]).c == "{.externref = NULL}")
        // Two i16 lanes are not a v128.
        #expect(throws: UnsupportedValue.self) { try SpecValues.argument(args[3]) }
        let expected = try #require(commands[1].expected)
        #expect(try SpecValues.expectation(expected[0]).c == "{SPEC_F32_CANONICAL_NAN, 0}")
        #expect(try SpecValues.expectation(expected[1]).c == "{SPEC_REF_FUNC, 0}")
        #expect(try SpecValues.expectation(expected[2]).c == "{SPEC_REF_NULL, 0}")
        #expect(
            try SpecValues.expectation(expected[3]).c
                == "{SPEC_EITHER, .count = 1, .alternatives = (const spec_expect[]){{SPEC_I32, 1u}}}")
    }

    /// v128 lanes are packed little-endian, lane 0 lowest; a float lane may be a NaN pattern.
    @Test func mapsV128Lanes() throws {
        let json = """
            {"source_filename":"t.wast","commands":[
              {"type":"assert_return","line":1,"action":{"type":"invoke","field":"f",
                "args":[{"type":"v128","lane_type":"i16","value":["1","-1","0","0","0","0","0","32768"]}]},
               "expected":[{"type":"v128","lane_type":"f32","value":["0","nan:canonical","1065353216","nan:arithmetic"]},
                           {"type":"v128","lane_type":"i8","value":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","-1"]}]}
            ]}
            """
        let command = try WastScript.decode(Data(json.utf8)).commands[0]
        let argument = try SpecValues.argument(try #require(command.action?.args?.first))
        #expect(argument == .v128(low: 0xFFFF_0001, high: 0x8000_0000_0000_0000))
        #expect(argument.c == "{.v128 = {4294901761ull, 9223372036854775808ull}}")
        let expected = try #require(command.expected)
        #expect(try SpecValues.expectation(expected[0]).c == "{SPEC_V128, 0ull, 1065353216ull, 32, {0, 'c', 0, 'a'}}")
        #expect(
            try SpecValues.expectation(expected[1]) == .v128(low: 0x0807_0605_0403_0201, high: 0xFF0F_0E0D_0C0B_0A09))
    }
}
