import Foundation
import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// End to end: modules → one executable → run it.
@Suite(.serialized) struct CompileTests {
    /// A session of the tests' settings: `-O1`, the runtime compiled into each build's own directory.
    func session(_ bounds: BoundsStrategy, partInstructions: Int? = EmitOptions.defaultPartInstructions) throws
        -> Session
    {
        var session = try Session(bounds: bounds, optimization: "-O1", partInstructions: partInstructions)
        session.runtimeCache = nil
        return session
    }

    func linked(
        _ name: String, _ text: String, bounds: BoundsStrategy,
        partInstructions: Int? = EmitOptions.defaultPartInstructions
    )
        throws -> LinkedModule
    {
        var wat = try parseWAT(text)
        return try session(bounds, partInstructions: partInstructions).load(
            try wat.encode(), name: name, path: "\(name).wasm")
    }

    func build(_ modules: [LinkedModule], bounds: BoundsStrategy, hostC: String? = nil) throws -> ProcessResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wasmc-tests-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var building = try session(bounds)
        if let hostC {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try hostC.write(toFile: directory + "/host.c", atomically: true, encoding: .utf8)
            building.hostC = [directory + "/host.c"]
        }
        try building.checkImports(modules)
        try building.build(modules, workDirectory: directory, output: directory + "/program")
        return try ProcessRunner.run(directory + "/program", [], timeout: 60)
    }

    @Test(arguments: BoundsStrategy.allCases)
    func modulesLinkAndTrapsAreReported(bounds: BoundsStrategy) throws {
        let library = try linked(
            "lib",
            #"(module (memory (export "mem") 1) (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
            bounds: bounds)
        let app = try linked(
            "app",
            #"""
            (module
              (import "lib" "add" (func $add (param i32 i32) (result i32)))
              (import "lib" "mem" (memory 1))
              (func (export "_start")
                (i32.store (i32.const 0) (call $add (i32.const 2) (i32.const 3)))
                (drop (i32.load (i32.const 65536)))))
            """#, bounds: bounds)
        let result = try build([library, app], bounds: bounds)
        #expect(result.status != 0)
        #expect(result.standardError.contains("out of bounds memory access"))
    }

    /// Functions that call each other directly and through a table, and read a passive data
    /// segment: enough to land in different part files when split.
    static let splittable = #"""
        (module
          (type $binary (func (param i32 i32) (result i32)))
          (memory (export "mem") 1)
          (table 2 funcref)
          (elem (i32.const 0) $add $sub)
          (data $bytes "\07\00\00\00")
          (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
          (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))
          (func $apply (param i32 i32 i32) (result i32)
            (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get 0)))
          (func $seven (result i32)
            (memory.init $bytes (i32.const 16) (i32.const 0) (i32.const 4))
            (i32.load (i32.const 16)))
          (func (export "compute") (result i32)
            ;; (7 + 5) - 2 = 10
            (call $apply (i32.const 1) (call $apply (i32.const 0) (call $seven) (i32.const 5)) (i32.const 2))))
        """#

    @Test(arguments: BoundsStrategy.allCases)
    func splitModulesLinkSideBySide(bounds: BoundsStrategy) throws {
        func split(_ name: String, _ text: String) throws -> LinkedModule {
            try linked(name, text, bounds: bounds, partInstructions: 3)
        }
        // Two copies of one module: their shared symbols carry the module prefix, so they do not clash.
        let first = try split("first", Self.splittable)
        let second = try split("second", Self.splittable)
        #expect(first.translation.parts.count >= 3)
        #expect(first.translation.parts.allSatisfy { $0.contains("WASMC_HIDDEN uint32_t first_func") })
        let app = try linked(
            "app",
            #"""
            (module
              (import "first" "compute" (func $first (result i32)))
              (import "second" "compute" (func $second (result i32)))
              (func (export "_start")
                (if (i32.ne (i32.add (call $first) (call $second)) (i32.const 20)) (then unreachable))))
            """#, bounds: bounds)
        let result = try build([first, second, app], bounds: bounds)
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test(arguments: BoundsStrategy.allCases)
    func infiniteRecursionTrapsAsExhaustion(bounds: BoundsStrategy) throws {
        let app = try linked("deep", "(module (func $f (export \"_start\") (call $f)))", bounds: bounds)
        let result = try build([app], bounds: bounds)
        #expect(result.standardError.contains("call stack exhausted"), "\(result.standardError)")
    }

    /// A recursive function whose frame spans several pages (1,000 values loaded before the
    /// call and stored after it stay live across it): with guard pages, no frame may step
    /// over the stack's guard page.
    @Test(arguments: BoundsStrategy.allCases)
    func recursionWithBigFramesTrapsAsExhaustion(bounds: BoundsStrategy) throws {
        let count = 1000
        let loads = (0..<count).map { "(local.set \($0 + 1) (i64.load offset=\(8 * $0) (i32.const 0)))" }
        let stores = (0..<count).map { "(i64.store offset=\(8 * $0) (i32.const 0) (local.get \($0 + 1)))" }
        let text = """
            (module
              (memory 1)
              (func $f (param i64) (local \(Array(repeating: "i64", count: count).joined(separator: " ")))
                \(loads.joined(separator: "\n    "))
                (call $f (i64.add (local.get 0) (i64.const 1)))
                \(stores.joined(separator: "\n    ")))
              (func (export "_start") (call $f (i64.const 0))))
            """
        let app = try linked("wide", text, bounds: bounds)
        let result = try build([app], bounds: bounds)
        #expect(result.standardError.contains("call stack exhausted"), "\(result.standardError)")
    }

    /// A `switch` of thousands of cases, as clang emits it for wasm: a `br_table` inside as
    /// many nested blocks. The generated C must not nest as deep (clang stops at 2,048).
    @Test(arguments: BoundsStrategy.allCases)
    func thousandsOfNestedBlocksCompile(bounds: BoundsStrategy) throws {
        let depth = 5000
        var body = String(repeating: "block\n", count: depth)
        body += "local.get 0\nbr_table \((0..<depth).map(String.init).joined(separator: " ")) \(depth - 1)\n"
        for k in 0..<depth {
            // Leaving the k-th block from the inside lands here: return k * 3.
            body += "end\ni32.const \(k * 3)\nreturn\n"
        }
        var checks = ""
        for (argument, expected) in [(0, 0), (1, 3), (2047, 6141), (2048, 6144), (4999, 14997), (70000, 14997)] {
            checks += "(if (i32.ne (call $pick (i32.const \(argument))) (i32.const \(expected))) (then unreachable))\n"
        }
        let text = """
            (module
              (func $pick (param i32) (result i32)
                \(body)
                i32.const -1)
              (func (export "_start")
                \(checks)))
            """
        let app = try linked("nested", text, bounds: bounds)
        #expect(app.translation.source.split(separator: "\n").allSatisfy { $0.count < 200 })
        let result = try build([app], bounds: bounds)
        #expect(result.status == 0, "\(result.standardError)")
    }

    static let addsWithHost = #"""
        (module
          (import "env" "add" (func $add (param i32 i32) (result i32)))
          (func (export "_start") (if (i32.ne (call $add (i32.const 2) (i32.const 3)) (i32.const 5)) (then unreachable))))
        """#

    @Test func hostFunctionsWrittenInCAreLinked() throws {
        let app = try linked("app", Self.addsWithHost, bounds: .guardPages)
        var linking = try session(.guardPages)
        #expect(throws: MissingImport.self) { try linking.checkImports([app]) }
        linking.hostC = ["host.c"]
        try linking.checkImports([app])
        let host = """
            #include "wasmc_rt.h"
            static uint32_t add(void *env, uint32_t a, uint32_t b) { (void)env; return a + b; }
            const wasmc_host_function wasmc_user_host_functions[] = {
                {"env", "add", {"ii>i", (wasmc_code)add, NULL}},
                {NULL, NULL, {NULL, NULL, NULL}},
            };
            """
        let result = try build([app], bounds: .guardPages, hostC: host)
        #expect(result.status == 0, "\(result.standardError)")
        let wrong = host.replacingOccurrences(of: "a + b", with: "a - b")
        #expect(try build([app], bounds: .guardPages, hostC: wrong).standardError.contains("unreachable"))
    }

    @Test func missingImportsAreNamedWithTheirTypes() throws {
        let app = try linked("app", #"(module (import "env" "f" (func (param i64) (result f32))))"#, bounds: .explicit)
        let linking = try session(.explicit)
        #expect {
            try linking.checkImports([app])
        } throws: { error in
            "\(error)".contains("\"env\" \"f\": function (i64) -> (f32)")
        }
    }
}
