import WAT
import WasmC
import WasmParser

/// The outcome of one assertion of a script.
public enum SpecOutcome: Sendable, Equatable {
    case passed
    case failed(String)
    case skipped(String)
}

/// One line of a script's result: what was asserted where, and how it went.
public struct SpecAssertion: Sendable {
    public var line: Int
    public var kind: String
    public var outcome: SpecOutcome
}

/// A command the generated driver executes (everything that needs running code).
enum DriverCommand {
    case module(line: Int, instance: Int, module: Int)
    case register(line: Int, name: String, instance: Int)
    case invoke(line: Int, instance: Int, export: String, arguments: [String])
    case assertReturn(line: Int, instance: Int, export: String, arguments: [String], expected: [String])
    case assertGet(line: Int, instance: Int, global: String, expected: String)
    case assertTrap(line: Int, instance: Int, export: String, arguments: [String], message: String)
    case assertExhaustion(line: Int, instance: Int, export: String, arguments: [String])
    case assertUnlinkable(line: Int, module: Int)
    case assertUninstantiable(line: Int, instance: Int, module: Int, message: String)

    var line: Int {
        switch self {
        case .module(let line, _, _), .register(let line, _, _), .invoke(let line, _, _, _),
            .assertReturn(let line, _, _, _, _), .assertGet(let line, _, _, _), .assertTrap(let line, _, _, _, _),
            .assertExhaustion(let line, _, _, _), .assertUnlinkable(let line, _),
            .assertUninstantiable(let line, _, _, _):
            return line
        }
    }

    /// Assertions are what the totals count; modules, registrations and bare invokes are set-up.
    var assertionKind: String? {
        switch self {
        case .module, .register, .invoke: nil
        case .assertReturn, .assertGet: "assert_return"
        case .assertTrap: "assert_trap"
        case .assertExhaustion: "assert_exhaustion"
        case .assertUnlinkable: "assert_unlinkable"
        case .assertUninstantiable: "assert_trap"
        }
    }
}

/// A script turned into modules to compile, driver commands, and the assertions decided statically.
struct SpecPlan {
    var modules: [CTranslation?] = []
    var moduleErrors: [Int: String] = [:]
    var commands: [DriverCommand] = []
    /// assert_invalid / assert_malformed and anything skipped, decided without running code.
    var staticResults: [SpecAssertion] = []
    /// Failures of set-up commands (a module that does not compile, a directive that does not parse).
    var setupFailures: [SpecAssertion] = []

    private var instanceNames: [String: Int] = [:]
    private var currentInstance = -1
    private var nextInstance = 0

    init(script: String, options: EmitOptions) {
        let lines = DirectiveLines.scan(script)
        var wast: WAST
        do {
            wast = try parseWAST(script, features: [.referenceTypes])
        } catch {
            setupFailures.append(SpecAssertion(line: 1, kind: "script", outcome: .failed("cannot parse script: \(error)")))
            return
        }
        var index = 0
        while let (result, _) = wast.nextDirectiveResult() {
            let line = index < lines.count ? lines[index] : (lines.last ?? 0)
            index += 1
            switch result {
            case .success(let directive):
                add(directive, line: line, options: options)
            case .failure(let error):
                if let module = error.module {
                    // A module the text parser cannot read: later commands naming it fail.
                    let instance = nextInstance
                    nextInstance += 1
                    if let id = module.id { instanceNames[id] = instance }
                    currentInstance = instance
                }
                setupFailures.append(
                    SpecAssertion(line: line, kind: "directive", outcome: .failed("text parser: \(error.error)")))
            }
        }
    }

    // MARK: Directives

    private mutating func compile(_ source: ModuleSource, options: EmitOptions) -> Int {
        let index = modules.count
        do {
            let bytes = try Self.binary(source)
            modules.append(try Compiler.translate(bytes, name: "m\(index)", options: options))
        } catch {
            modules.append(nil)
            moduleErrors[index] = "\(error)"
        }
        return index
    }

    private mutating func compile(_ wat: Wat, options: EmitOptions) -> Int {
        let index = modules.count
        do {
            let bytes = try wat.encode()
            modules.append(try Compiler.translate(bytes, name: "m\(index)", options: options))
        } catch {
            modules.append(nil)
            moduleErrors[index] = "\(error)"
        }
        return index
    }

    static func binary(_ source: ModuleSource) throws -> [UInt8] {
        switch source {
        case .text(let wat): return try wat.encode()
        case .binary(let bytes): return bytes
        case .quote(let text):
            let wat = try parseWAT(String(decoding: text, as: UTF8.self), features: [.referenceTypes])
            return try wat.encode()
        }
    }

    private func instance(named name: String?) -> Int {
        if let name { return instanceNames[name] ?? -1 }
        return currentInstance
    }

    private mutating func add(_ directive: WASTDirective, line: Int, options: EmitOptions) {
        switch directive {
        case .module(let module):
            if module.isDefinition {
                staticResults.append(SpecAssertion(line: line, kind: "module", outcome: .skipped("module definitions")))
                return
            }
            let moduleIndex = compile(module.source, options: options)
            let instance = nextInstance
            nextInstance += 1
            if let id = module.id { instanceNames[id] = instance }
            currentInstance = instance
            if let error = moduleErrors[moduleIndex] {
                setupFailures.append(SpecAssertion(line: line, kind: "module", outcome: .failed(error)))
            } else {
                commands.append(.module(line: line, instance: instance, module: moduleIndex))
            }
        case .moduleInstance:
            staticResults.append(SpecAssertion(line: line, kind: "module", outcome: .skipped("module instances")))
        case .register(let name, let moduleId):
            commands.append(.register(line: line, name: name, instance: instance(named: moduleId)))
        case .invoke(let invoke):
            guard let arguments = Self.arguments(invoke.args) else {
                staticResults.append(SpecAssertion(line: line, kind: "invoke", outcome: .skipped("unsupported argument")))
                return
            }
            commands.append(.invoke(line: line, instance: instance(named: invoke.module), export: invoke.name, arguments: arguments))
        case .assertReturn(let execute, let results):
            let expected = results.map(Self.expectation)
            if expected.contains(where: { $0 == nil }) {
                staticResults.append(SpecAssertion(line: line, kind: "assert_return", outcome: .skipped("SIMD or GC expectation")))
                return
            }
            switch execute {
            case .invoke(let invoke):
                guard let arguments = Self.arguments(invoke.args) else {
                    staticResults.append(SpecAssertion(line: line, kind: "assert_return", outcome: .skipped("unsupported argument")))
                    return
                }
                commands.append(.assertReturn(line: line, instance: instance(named: invoke.module), export: invoke.name, arguments: arguments, expected: expected.map { $0! }))
            case .get(let module, let name):
                commands.append(.assertGet(line: line, instance: instance(named: module), global: name, expected: expected.first.map { $0! } ?? "{SPEC_I32, 0}"))
            case .wat:
                staticResults.append(SpecAssertion(line: line, kind: "assert_return", outcome: .skipped("module as an action")))
            }
        case .assertTrap(let execute, let message):
            switch execute {
            case .invoke(let invoke):
                guard let arguments = Self.arguments(invoke.args) else {
                    staticResults.append(SpecAssertion(line: line, kind: "assert_trap", outcome: .skipped("unsupported argument")))
                    return
                }
                commands.append(.assertTrap(line: line, instance: instance(named: invoke.module), export: invoke.name, arguments: arguments, message: message))
            case .wat(let wat):
                let moduleIndex = compile(wat, options: options)
                let instance = nextInstance
                nextInstance += 1
                if let error = moduleErrors[moduleIndex] {
                    staticResults.append(SpecAssertion(line: line, kind: "assert_trap", outcome: .failed(error)))
                } else {
                    commands.append(.assertUninstantiable(line: line, instance: instance, module: moduleIndex, message: message))
                }
            case .get:
                staticResults.append(SpecAssertion(line: line, kind: "assert_trap", outcome: .skipped("get as a trapping action")))
            }
        case .assertExhaustion(let invoke, _):
            guard let arguments = Self.arguments(invoke.args) else {
                staticResults.append(SpecAssertion(line: line, kind: "assert_exhaustion", outcome: .skipped("unsupported argument")))
                return
            }
            commands.append(.assertExhaustion(line: line, instance: instance(named: invoke.module), export: invoke.name, arguments: arguments))
        case .assertUnlinkable(let wat, _):
            let moduleIndex = compile(wat, options: options)
            if let error = moduleErrors[moduleIndex] {
                staticResults.append(SpecAssertion(line: line, kind: "assert_unlinkable", outcome: .failed(error)))
            } else {
                commands.append(.assertUnlinkable(line: line, module: moduleIndex))
            }
        case .assertInvalid(let module, let message):
            staticResults.append(SpecAssertion(line: line, kind: "assert_invalid", outcome: Self.expectRejection(module, message)))
        case .assertMalformed(let module, let message):
            if case .quote = module.source {
                staticResults.append(SpecAssertion(line: line, kind: "assert_malformed", outcome: .skipped("text format (module quote)")))
                return
            }
            staticResults.append(SpecAssertion(line: line, kind: "assert_malformed", outcome: Self.expectRejection(module, message)))
        case .assertException, .assertFuel, .assertOutOfFuel:
            staticResults.append(SpecAssertion(line: line, kind: "other", outcome: .skipped("proposal directive")))
        }
    }

    /// assert_invalid / assert_malformed: wasmc must refuse the module.
    static func expectRejection(_ module: ModuleDirective, _ message: String) -> SpecOutcome {
        let bytes: [UInt8]
        do {
            bytes = try binary(module.source)
        } catch {
            // The text cannot even be encoded: nothing reaches wasmc.
            return .skipped("text parser rejected the module (\(message))")
        }
        do {
            _ = try Compiler.validate(bytes)
            return .failed("accepted a module that should be rejected: \(message)")
        } catch {
            return .passed
        }
    }

    // MARK: Values

    static func arguments(_ values: [WASTConstValue]) -> [String]? {
        var out: [String] = []
        for value in values {
            switch value {
            case .i32(let v): out.append("{.i32 = \(v)u}")
            case .i64(let v): out.append("{.i64 = \(v)ull}")
            case .f32(let bits): out.append("{.i32 = \(bits)u}")
            case .f64(let bits): out.append("{.i64 = \(bits)ull}")
            case .refNull: out.append("{.externref = NULL}")
            case .refExtern(let v): out.append("{.externref = SPEC_EXTERN(\(v))}")
            case .v128, .refFunc, .refHost: return nil
            }
        }
        return out
    }

    static func expectation(_ value: WASTExpectValue) -> String? {
        switch value {
        case .i32(let v): "{SPEC_I32, \(v)u}"
        case .i64(let v): "{SPEC_I64, \(v)ull}"
        case .f32(let bits): "{SPEC_F32, \(bits)u}"
        case .f64(let bits): "{SPEC_F64, \(bits)ull}"
        case .f32CanonicalNaN: "{SPEC_F32_CANONICAL_NAN, 0}"
        case .f32ArithmeticNaN: "{SPEC_F32_ARITHMETIC_NAN, 0}"
        case .f64CanonicalNaN: "{SPEC_F64_CANONICAL_NAN, 0}"
        case .f64ArithmeticNaN: "{SPEC_F64_ARITHMETIC_NAN, 0}"
        case .refNull: "{SPEC_REF_NULL, 0}"
        case .refFunc: "{SPEC_REF_FUNC, 0}"
        case .refExtern(let v?): "{SPEC_REF_EXTERN, \(v)}"
        case .refExtern(nil): "{SPEC_REF_FUNC, 0}"
        default: nil
        }
    }
}
