import Foundation
import WasmC
import WasmCBackEnd
import WasmCFrontEnd

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

/// The commands of a script that need running code are executed by a generated C driver
/// (`SpecDriverSource`, in the back end).
extension SpecDriverCommand {
    /// Assertions are what the totals count; modules, registrations and bare invokes are set-up.
    var assertionKind: String? {
        switch self {
        case .module, .register, .invoke: nil
        case .assertReturn, .assertGet: "assert_return"
        case .assertTrap: "assert_trap"
        case .assertExhaustion: "assert_exhaustion"
        case .assertException: "assert_exception"
        case .assertUnlinkable: "assert_unlinkable"
        case .assertUninstantiable: "assert_uninstantiable"
        }
    }
}

/// A script turned into modules to compile, driver commands, and the assertions decided statically.
struct SpecPlan {
    var modules: [CTranslation?] = []
    var moduleErrors: [Int: String] = [:]
    var commands: [SpecDriverCommand] = []
    /// assert_invalid / assert_malformed and anything skipped, decided without running code.
    var staticResults: [SpecAssertion] = []
    /// Failures of set-up commands (a module that does not compile, a command that cannot be read).
    var setupFailures: [SpecAssertion] = []

    /// Where the converted script's module files are.
    private let directory: String
    private let tools: WasmTools
    private let options: EmitOptions
    private var instanceNames: [String: Int] = [:]
    private var currentInstance = -1
    private var nextInstance = 0
    /// Modules compiled but not instantiated (`module definition`), by name, and the latest one.
    private var definitions: [String: Int] = [:]
    private var latestDefinition: Int?
    /// Modules (by index) and instances that use a feature wasmc does not compile, with the
    /// feature: commands on them are skipped for that reason rather than failed.
    private var unsupportedModules: [Int: String] = [:]
    private var unsupportedInstances: [Int: String] = [:]
    /// Names registered for such instances: a module importing from one is skipped too.
    private var unsupportedRegistrations: [String: String] = [:]

    /// Plans the commands of a script converted by `WasmTools` into `directory`.
    init(commands: [WastCommand], directory: String, tools: WasmTools, options: EmitOptions) {
        self.directory = directory
        self.tools = tools
        self.options = options
        for command in commands { add(command) }
    }

    // MARK: Modules

    /// Translates the command's module to C; returns its index in `modules`. A module wasmc
    /// refuses that wasm-tools also refuses with wasmc's features (WebAssembly 2.0 and relaxed SIMD)
    /// uses a later proposal: it is recorded as unsupported, with wasm-tools' reason, and so is
    /// a module that imports from an unsupported one.
    private mutating func compile(_ command: WastCommand) -> Int {
        let index = modules.count
        do {
            let bytes = try moduleBytes(command)
            if let reason = unsupportedImport(bytes) {
                modules.append(nil)
                moduleErrors[index] = reason
                unsupportedModules[index] = reason
                return index
            }
            modules.append(try Compiler.translate(bytes, name: "m\(index)", options: options))
        } catch {
            modules.append(nil)
            moduleErrors[index] = "\(error)"
            if let file = moduleFile(command), let feature = tools.unsupportedFeature(ofModuleAt: file) {
                unsupportedModules[index] = Self.skipReason(feature)
            }
        }
        return index
    }

    /// The reason a module that imports from an instance registered by an unsupported module
    /// is unsupported too.
    private func unsupportedImport(_ bytes: [UInt8]) -> String? {
        guard !unsupportedRegistrations.isEmpty, let module = try? ModuleDecoder().decode(bytes) else { return nil }
        return module.imports.lazy.compactMap { unsupportedRegistrations[$0.module] }.first
    }

    /// The binary module file of a command. A text module (`module quote`) is read in the
    /// binary form the converter encoded it to.
    private func moduleFile(_ command: WastCommand) -> String? {
        let file = command.moduleType == "text" ? command.binaryFilename : command.filename
        return file.map { "\(directory)/\($0)" }
    }

    private func moduleBytes(_ command: WastCommand) throws -> [UInt8] {
        guard let file = moduleFile(command) else { throw MissingModule(line: command.line) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    struct MissingModule: Error, CustomStringConvertible {
        var line: Int
        var description: String { "the command on line \(line) has no binary module" }
    }

    static func skipReason(_ feature: String) -> String { "beyond wasmc's features: \(feature)" }

    /// Whether an error of wasmc says it refused something it does not compile (a later
    /// proposal) rather than something invalid.
    static func isUnsupported(_ error: Error) -> Bool {
        switch error {
        case let error as DecodingError: error.message.hasPrefix("unsupported")
        case let error as ValidationError: error.message.hasPrefix("unsupported")
        default: false
        }
    }

    private mutating func newInstance(named name: String?) -> Int {
        let instance = nextInstance
        nextInstance += 1
        if let name { instanceNames[name] = instance }
        currentInstance = instance
        return instance
    }

    private func instance(named name: String?) -> Int {
        if let name { return instanceNames[name] ?? -1 }
        return currentInstance
    }

    // MARK: Commands

    private mutating func record(_ command: WastCommand, _ kind: String, _ outcome: SpecOutcome) {
        staticResults.append(SpecAssertion(line: command.line, kind: kind, outcome: outcome))
    }

    private mutating func add(_ command: WastCommand) {
        let kind = command.type
        switch kind {
        case "module":
            let module = compile(command)
            let instance = newInstance(named: command.name)
            if let feature = unsupportedModules[module] {
                unsupportedInstances[instance] = feature
                record(command, kind, .skipped(feature))
            } else if let error = moduleErrors[module] {
                setupFailures.append(SpecAssertion(line: command.line, kind: kind, outcome: .failed(error)))
            } else {
                commands.append(.module(line: command.line, instance: instance, module: module))
            }
        case "module_definition":
            let module = compile(command)
            if let name = command.name { definitions[name] = module }
            latestDefinition = module
            if let feature = unsupportedModules[module] {
                record(command, kind, .skipped(feature))
            } else if let error = moduleErrors[module] {
                setupFailures.append(SpecAssertion(line: command.line, kind: kind, outcome: .failed(error)))
            }
        case "module_instance":
            let definition = command.module.flatMap { definitions[$0] } ?? latestDefinition
            let instance = newInstance(named: command.instance)
            guard let module = definition, modules[module] != nil else {
                if let module = definition, let feature = unsupportedModules[module] {
                    unsupportedInstances[instance] = feature
                    record(command, kind, .skipped(feature))
                } else {
                    setupFailures.append(
                        SpecAssertion(
                            line: command.line, kind: kind,
                            outcome: .failed("no compiled module definition to instantiate")))
                }
                return
            }
            commands.append(.module(line: command.line, instance: instance, module: module))
        case "register":
            let instance = instance(named: command.name)
            guard let name = command.as else { return }
            if let feature = unsupportedInstances[instance] {
                unsupportedRegistrations[name] = feature
                return
            }
            unsupportedRegistrations[name] = nil
            commands.append(.register(line: command.line, name: name, instance: instance))
        case "action":
            guard let (instance, export, arguments) = invocation(command, kind: "invoke") else { return }
            commands.append(.invoke(line: command.line, instance: instance, export: export, arguments: arguments))
        case "assert_return":
            addAssertReturn(command)
        case "assert_trap":
            guard let (instance, export, arguments) = invocation(command, kind: kind) else { return }
            commands.append(
                .assertTrap(
                    line: command.line, instance: instance, export: export, arguments: arguments,
                    message: command.text ?? ""))
        case "assert_exhaustion":
            guard let (instance, export, arguments) = invocation(command, kind: kind) else { return }
            commands.append(
                .assertExhaustion(line: command.line, instance: instance, export: export, arguments: arguments))
        case "assert_unlinkable":
            let module = compile(command)
            if let feature = unsupportedModules[module] {
                record(command, kind, .skipped(feature))
            } else if let error = moduleErrors[module] {
                record(command, kind, .failed(error))
            } else {
                commands.append(.assertUnlinkable(line: command.line, module: module))
            }
        case "assert_uninstantiable":
            let module = compile(command)
            let instance = nextInstance
            nextInstance += 1
            if let feature = unsupportedModules[module] {
                record(command, kind, .skipped(feature))
            } else if let error = moduleErrors[module] {
                record(command, kind, .failed(error))
            } else {
                commands.append(
                    .assertUninstantiable(
                        line: command.line, instance: instance, module: module, message: command.text ?? ""))
            }
        case "assert_invalid", "assert_malformed":
            if command.moduleType == "text" && command.binaryFilename == nil {
                // Malformed text (`module quote`) tests a text parser, not wasmc.
                record(command, kind, .skipped("text format (module quote)"))
                return
            }
            record(command, kind, expectRejection(command))
        case "assert_exception":
            guard let (instance, export, arguments) = invocation(command, kind: kind) else { return }
            commands.append(
                .assertException(line: command.line, instance: instance, export: export, arguments: arguments))
        default:
            record(command, kind, .skipped("script command \(kind)"))
        }
    }

    private mutating func addAssertReturn(_ command: WastCommand) {
        let kind = command.type
        guard let action = command.action, action.type == "get" else {
            guard let (instance, export, arguments) = invocation(command, kind: kind),
                let expected = expectations(command)
            else { return }
            commands.append(
                .assertReturn(
                    line: command.line, instance: instance, export: export, arguments: arguments, expected: expected))
            return
        }
        let instance = instance(named: action.module)
        if let feature = unsupportedInstances[instance] {
            record(command, kind, .skipped(feature))
            return
        }
        guard let expected = expectations(command) else { return }
        commands.append(
            .assertGet(
                line: command.line, instance: instance, global: action.field, expected: expected.first ?? .i32(0)))
    }

    /// The expectations of an `assert_return`; nil when it is recorded as skipped instead.
    private mutating func expectations(_ command: WastCommand) -> [SpecExpectation]? {
        do {
            return try (command.expected ?? []).map(SpecValues.expectation)
        } catch {
            record(command, command.type, .skipped(error.reason))
            return nil
        }
    }

    /// The instance, export and arguments of a command's `invoke`; nil when the command is
    /// recorded as skipped or failed instead.
    private mutating func invocation(_ command: WastCommand, kind: String) -> (Int, String, [SpecArgument])? {
        guard let action = command.action else {
            setupFailures.append(SpecAssertion(line: command.line, kind: kind, outcome: .failed("no action")))
            return nil
        }
        let instance = instance(named: action.module)
        if let feature = unsupportedInstances[instance] {
            record(command, kind, .skipped(feature))
            return nil
        }
        guard action.type == "invoke" else {
            record(command, kind, .skipped("\(action.type) as the action of \(kind)"))
            return nil
        }
        do {
            return (instance, action.field, try (action.args ?? []).map(SpecValues.argument))
        } catch {
            record(command, kind, .skipped(error.reason))
            return nil
        }
    }

    /// assert_invalid / assert_malformed: wasmc must refuse the module.
    private func expectRejection(_ command: WastCommand) -> SpecOutcome {
        let bytes: [UInt8]
        do {
            bytes = try moduleBytes(command)
        } catch {
            return .failed("\(error)")
        }
        do {
            _ = try Compiler.validate(bytes)
            return .failed("accepted a module that should be rejected: \(command.text ?? "")")
        } catch {
            // Refusing a feature wasmc lacks says nothing about the rule the assertion tests.
            if Self.isUnsupported(error), let file = moduleFile(command),
                let feature = tools.unsupportedFeature(ofModuleAt: file)
            {
                return .skipped(Self.skipReason(feature))
            }
            return .passed
        }
    }
}
