import Foundation
import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// The canonical ABI's layout and flattening rules, checked against the examples of the
/// component model's own test suite (design/mvp/canonical-abi/run_tests.py), and the
/// compile-time check of a module against its world.
@Suite struct CanonicalABITests {
    /// A world holding just these type definitions (index = position).
    func abi(_ kinds: [WitTypeKind]) -> CanonicalABI {
        let types = kinds.map { WitTypeDefinition(name: nil, interface: nil, kind: $0) }
        return CanonicalABI(
            world: WitWorld(
                name: "w", package: WitPackageName(namespace: "t", name: "p", version: nil), imports: [], exports: [],
                types: types, worldTypes: [], interfaces: [:]))
    }

    @Test func primitivesFlattenAndLayOutAsTheSpecSays() {
        let abi = abi([])
        let cases: [(WitType, [ValueType], Int, Int)] = [
            (.bool, [.i32], 1, 1), (.s8, [.i32], 1, 1), (.u16, [.i32], 2, 2), (.u32, [.i32], 4, 4),
            (.s64, [.i64], 8, 8), (.f32, [.f32], 4, 4), (.f64, [.f64], 8, 8), (.char, [.i32], 4, 4),
            (.string, [.i32, .i32], 8, 4),
        ]
        for (type, flat, size, alignment) in cases {
            #expect(abi.flatten(type) == flat, "\(type)")
            #expect(abi.size(type) == size && abi.alignment(type) == alignment, "\(type)")
        }
    }

    @Test func variantPayloadsAreJoined() {
        // variant { x(u8), y(f32), z }: i32 and f32 join in i32.
        #expect(abi([.variant([("x", .u8), ("y", .f32), ("z", nil)])]).flatten(.defined(0)) == [.i32, .i32])
        // Unions of u32 | u64, f32 | u64, f64 | u64 join in i64.
        #expect(abi([.variant([("a", .u32), ("b", .u64)])]).flatten(.defined(0)) == [.i32, .i64])
        #expect(abi([.variant([("a", .f32), ("b", .u64)])]).flatten(.defined(0)) == [.i32, .i64])
        #expect(abi([.variant([("a", .f64), ("b", .u64)])]).flatten(.defined(0)) == [.i32, .i64])
        // tuple<u8, f32> | u64: position by position.
        let pair = abi([.tuple([.u8, .f32]), .variant([("a", .defined(0)), ("b", .u64)])])
        #expect(pair.flatten(.defined(1)) == [.i32, .i64, .f32])
        #expect(abi([.option(.f32)]).flatten(.defined(0)) == [.i32, .f32])
        #expect(abi([.result(ok: .u8, err: .u32)]).flatten(.defined(0)) == [.i32, .i32])
        #expect(abi([.result(ok: nil, err: nil)]).flatten(.defined(0)) == [.i32])
    }

    @Test func recordsAndVariantsAreLaidOutWithPadding() {
        // Element sizes from the spec's list tests.
        #expect(abi([.tuple([.u8, .u8, .u16, .u32])]).size(.defined(0)) == 8)
        let padded = abi([.tuple([.u8, .u16, .u8, .u32])])
        #expect(padded.size(.defined(0)) == 12 && padded.recordLayout([.u8, .u16, .u8, .u32]).offsets == [0, 2, 4, 8])
        #expect(abi([.tuple([.u16, .u8])]).size(.defined(0)) == 4)
        let nested = abi([.tuple([.u16, .u8]), .tuple([.defined(0), .u8])])
        #expect(nested.size(.defined(1)) == 6 && nested.alignment(.defined(1)) == 2)
        let union = abi([.variant([("a", .u32), ("b", .u8)])])
        #expect(union.size(.defined(0)) == 8 && union.payloadOffset(.defined(0)) == 4)
        let inner = abi([
            .tuple([.u16, .u8]), .variant([("a", .u8), ("b", .defined(0))]), .tuple([.defined(1), .u8]),
        ])
        #expect(inner.size(.defined(1)) == 6 && inner.payloadOffset(.defined(1)) == 2 && inner.size(.defined(2)) == 8)
        #expect(abi([.variant([("a", .u8)])]).size(.defined(0)) == 2)
        #expect(abi([.option(.u64)]).size(.defined(0)) == 16)
        // Flags take the smallest of u8, u16, u32 that holds them.
        #expect(abi([.flags(["a", "b"])]).size(.defined(0)) == 1)
        #expect(abi([.flags((0..<9).map { "f\($0)" })]).size(.defined(0)) == 2)
        #expect(abi([.flags((0..<17).map { "f\($0)" })]).size(.defined(0)) == 4)
        // Enums are discriminants.
        #expect(abi([.enumeration((0..<300).map { "c\($0)" })]).size(.defined(0)) == 2)
    }

    @Test func functionTypesSpillToMemoryPastTheLimits() {
        let abi = abi([.tuple([.u8, .u8])])
        func function(_ parameters: [WitType], _ result: WitType?) -> WitFunction {
            WitFunction(name: "f", parameters: parameters.enumerated().map { ("p\($0)", $1) }, result: result)
        }
        let small = abi.coreSignature(function([.u8, .f32, .f64], .f32), .exported)
        #expect(small.signature == FunctionSignature(parameters: [.i32, .f32, .f64], results: [.f32]))
        // 17 flat parameters: one pointer to them.
        let many = abi.coreSignature(function(Array(repeating: .u8, count: 17), nil), .imported)
        #expect(many.parametersInMemory && many.signature == FunctionSignature(parameters: [.i32], results: []))
        // Two flat results: an export returns a pointer, an import takes a return area.
        let pair = function(Array(repeating: .u8, count: 17), .defined(0))
        #expect(abi.coreSignature(pair, .exported).signature == FunctionSignature(parameters: [.i32], results: [.i32]))
        #expect(
            abi.coreSignature(pair, .imported).signature == FunctionSignature(parameters: [.i32, .i32], results: []))
    }

    @Test func unsupportedTypesAreRefusedWithTheirPlace() {
        let abi = abi([.unsupported("handle"), .flags((0..<33).map { "f\($0)" })])
        #expect(throws: BindgenError.self) { try abi.check(.defined(0), in: "f parameter r") }
        #expect { try abi.check(.defined(1), in: "f parameter x") } throws: { "\($0)".contains("1 to 32") }
    }

    @Test func resourceMethodsAreRefused() throws {
        let json = """
            {"worlds":[{"name":"w","imports":{},"exports":{"f":{"function":{"name":"[method]r.f","kind":{"method":0},"params":[],"result":null}}},"package":0}],
             "interfaces":[],"types":[{"name":"r","kind":"resource","owner":null}],"packages":[{"name":"t:p"}]}
            """
        #expect { try WitJSON.world(from: Data(json.utf8), named: nil) } throws: { "\($0)".contains("resources") }
    }
}

@Suite struct WorldCheckTests {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    func edgeWorld() throws -> WorldManifest {
        let text = try String(
            contentsOfFile: Self.packageRoot + "/Sources/EdgeHost/Generated/edge.world", encoding: .utf8)
        return try #require(WorldManifest(text: text))
    }

    @Test func manifestsReadBackWhatTheyWrite() throws {
        let world = try edgeWorld()
        #expect(WorldManifest(text: world.text) == world)
        #expect(world.imports.contains { $0.name == "publish" && $0.signature.canonicalString == "iiiiiiiii>" })
    }

    @Test func theFlagshipModulesDeclareAndMatchTheEdgeWorld() throws {
        for name in ["server", "telemetry", "gateway"] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.packageRoot + "/modules/\(name).wasm")))
            let declared = try #require(try WorldCheck.declaredWorld(in: bytes))
            #expect(declared == (try edgeWorld()))
            try WorldCheck.check(try Compiler.validate(bytes), against: declared)
        }
    }

    @Test func aMismatchNamesTheFunctionAndBothSignatures() throws {
        var wat = try parseWAT(
            """
            (module
              (import "wasmc:edge/host@0.1.0" "log" (func (param i32 i32)))
              (import "wasmc:edge/host@0.1.0" "shout" (func (param i32)))
              (memory (export "memory") 1)
              (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
              (func (export "wasmc:edge/guest@0.1.0#on-message") (param i32)))
            """)
        let module = try Compiler.validate(try wat.encode())
        #expect {
            try WorldCheck.check(module, against: try edgeWorld())
        } throws: { error in
            let text = "\(error)"
            return text.contains("import \"wasmc:edge/host@0.1.0\" \"log\": the module's function is (i32, i32) -> ()")
                && text.contains("func(level: log-level, message: string) lowers to (i32, i32, i32) -> ()")
                && text.contains("\"shout\": function (i32) -> (), but the world declares no such function")
                && text.contains("export \"wasmc:edge/guest@0.1.0#on-message\": the module's function is (i32) -> ()")
        }
    }
}
