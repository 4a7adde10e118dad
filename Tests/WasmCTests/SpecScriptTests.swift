import Foundation
import Testing
@testable import WasmC
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
        #expect(throws: UnsupportedValue.self) { try SpecValues.argument(args[3]) }
        let expected = try #require(commands[1].expected)
        #expect(try SpecValues.expectation(expected[0]).c == "{SPEC_F32_CANONICAL_NAN, 0}")
        #expect(try SpecValues.expectation(expected[1]).c == "{SPEC_REF_FUNC, 0}")
        #expect(try SpecValues.expectation(expected[2]).c == "{SPEC_REF_NULL, 0}")
        #expect(throws: UnsupportedValue.self) { try SpecValues.expectation(expected[3]) }
    }
}
