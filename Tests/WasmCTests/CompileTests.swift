import Foundation
import Testing
import WAT
@testable import WasmC

/// End to end: modules → one executable → run it.
@Suite(.serialized) struct CompileTests {
    func linked(_ name: String, _ text: String, guardPages: Bool) throws -> LinkedModule {
        var wat = try parseWAT(text)
        let module = try Compiler.validate(try wat.encode())
        let translation = ModuleEmitter(module: module, name: name, options: EmitOptions(guardPages: guardPages)).emit()
        return LinkedModule(name: name, path: "\(name).wasm", module: module, translation: translation)
    }

    func build(_ modules: [LinkedModule], guardPages: Bool) throws -> ProcessResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wasmc-tests-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let builder = ExecutableBuilder(
            clang: try Clang.find(), runtime: try RuntimeLibrary.locate(), guardPages: guardPages, optimization: "-O1")
        try builder.build(modules, workDirectory: directory, output: directory + "/program")
        return try ProcessRunner.run(directory + "/program", [], timeout: 60)
    }

    @Test(arguments: [false, true])
    func modulesLinkAndTrapsAreReported(guardPages: Bool) throws {
        let library = try linked("lib", #"(module (memory (export "mem") 1) (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#, guardPages: guardPages)
        let app = try linked("app", #"""
            (module
              (import "lib" "add" (func $add (param i32 i32) (result i32)))
              (import "lib" "mem" (memory 1))
              (func (export "_start")
                (i32.store (i32.const 0) (call $add (i32.const 2) (i32.const 3)))
                (drop (i32.load (i32.const 65536)))))
            """#, guardPages: guardPages)
        let result = try build([library, app], guardPages: guardPages)
        #expect(result.status != 0)
        #expect(result.standardError.contains("out of bounds memory access"))
    }

    @Test func infiniteRecursionTrapsAsExhaustion() throws {
        let app = try linked("deep", "(module (func $f (export \"_start\") (call $f)))", guardPages: true)
        let result = try build([app], guardPages: true)
        #expect(result.standardError.contains("call stack exhausted"))
    }

    @Test func missingImportsAreNamedWithTheirTypes() throws {
        let app = try linked("app", #"(module (import "env" "f" (func (param i64) (result f32))))"#, guardPages: false)
        #expect {
            try ExecutableBuilder.checkImports([app])
        } throws: { error in
            "\(error)".contains("\"env\" \"f\": function (i64) -> (f32)")
        }
    }
}
