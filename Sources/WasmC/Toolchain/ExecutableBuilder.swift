import Foundation

/// A module given to `compile`: its file and its translation.
public struct LinkedModule: Sendable {
    /// The name other modules import it by (the file name without `.wasm`).
    public var name: String
    public var path: String
    public var module: ValidatedModule
    public var translation: CTranslation

    public init(name: String, path: String, module: ValidatedModule, translation: CTranslation) {
        self.name = name
        self.path = path
        self.module = module
        self.translation = translation
    }
}

/// An import that nothing provides.
public struct MissingImport: Error, CustomStringConvertible, Sendable {
    public var importer: String
    public var entries: [String]

    public var description: String {
        "\(importer) has imports nothing provides:\n" + entries.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Builds one native executable from several modules: generated C, the runtime, and a main
/// that instantiates the modules in order (each may import the exports of earlier ones by
/// module name) and runs each `_start` export.
public struct ExecutableBuilder {
    public var clang: Clang
    public var runtime: RuntimeLibrary
    public var guardPages: Bool
    public var optimization: String

    public init(clang: Clang, runtime: RuntimeLibrary, guardPages: Bool, optimization: String) {
        self.clang = clang
        self.runtime = runtime
        self.guardPages = guardPages
        self.optimization = optimization
    }

    /// Checks that every import is provided by an earlier module; throws naming each one that is not.
    public static func checkImports(_ modules: [LinkedModule]) throws(MissingImport) {
        var provided: [String: [String: ExternalKind]] = [:]
        for linked in modules {
            var missing: [String] = []
            for entry in linked.module.module.imports {
                if provided[entry.module]?[entry.name] == nil {
                    missing.append("\"\(entry.module)\" \"\(entry.name)\": \(describe(entry, in: linked.module))")
                }
            }
            if !missing.isEmpty { throw MissingImport(importer: linked.path, entries: missing) }
            provided[linked.name] = Dictionary(
                linked.module.module.exports.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        }
    }

    static func describe(_ entry: ModuleImport, in module: ValidatedModule) -> String {
        switch entry.descriptor {
        case .function(let typeIndex): "function \(module.module.types[Int(typeIndex)])"
        case .table(let type): "table of \(type.elementType), at least \(type.limits.min) elements"
        case .memory(let limits): "memory of at least \(limits.min) pages"
        case .global(let type): "\(type.isMutable ? "mutable " : "")global \(type.valueType)"
        }
    }

    /// Writes the C into `workDirectory`, compiles and links `output`.
    public func build(_ modules: [LinkedModule], workDirectory: String, output: String) throws(ToolchainError) {
        do {
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            let outputDirectory = URL(fileURLWithPath: output).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw ToolchainError("cannot create \(workDirectory): \(error.localizedDescription)")
        }
        var units: [(source: String, object: String)] = []
        for linked in modules {
            let base = "\(workDirectory)/\(linked.translation.prefix)"
            try write(linked.translation.source, to: base + ".c")
            try write(linked.translation.header, to: base + ".h")
            units.append((base + ".c", base + ".o"))
        }
        try write(Self.mainSource(modules), to: "\(workDirectory)/main.c")
        units.append(("\(workDirectory)/main.c", "\(workDirectory)/main.o"))
        try clang.compileAll(
            units, includeDirectories: [runtime.includeDirectory, workDirectory],
            defines: guardPages ? ["WASMC_BOUNDS_GUARD"] : [], optimization: optimization)
        let runtimeObjects = try runtime.buildCore(
            guardPages: guardPages, into: "\(workDirectory)/runtime", clang: clang, optimization: optimization)
        try clang.link(units.map(\.object) + runtimeObjects, output: output, flags: ["-lm", "-lpthread"])
    }

    private func write(_ text: String, to path: String) throws(ToolchainError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ToolchainError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The host program: instantiate in order, resolve imports by module name, run `_start`.
    static func mainSource(_ modules: [LinkedModule]) -> String {
        var out = [
            "/* Generated by wasmc compile: instantiates the modules in order and runs each _start. */",
            "#include \"wasmc_rt.h\"",
        ]
        for linked in modules { out.append("#include \"\(linked.translation.prefix).h\"") }
        out.append("#include <stdio.h>")
        out.append("#include <stdlib.h>")
        out.append("")
        out.append("static const struct { const char *name; const wasmc_module *module; } modules[] = {")
        for linked in modules {
            out.append("  {\(CNames.stringLiteral(linked.name)), &\(CNames.moduleSymbol(linked.translation.prefix))},")
        }
        out.append("};")
        out.append("#define MODULE_COUNT \(modules.count)")
        out.append("""

            static wasmc_instance instances[MODULE_COUNT];

            static int report_trap(const char *module, const wasmc_trap_info *trap) {
              if (trap->kind == WASMC_TRAP_EXIT) return trap->exit_code;
              fprintf(stderr, "wasmc: trap in module %s: %s%s%s%s%s\\n", module, wasmc_trap_message(trap->kind),
                      trap->function ? " in " : "", trap->function ? trap->function : "",
                      trap->detail[0] ? ": " : "", trap->detail);
              return 128 + 6;
            }

            int main(void) {
              wasmc_thread_init();
              for (int m = 0; m < MODULE_COUNT; m++) {
                const wasmc_module *module = modules[m].module;
                wasmc_extern imports[module->import_count ? module->import_count : 1];
                for (uint32_t i = 0; i < module->import_count; i++) {
                  const wasmc_import_desc *want = &module->imports[i];
                  bool found = false;
                  for (int p = 0; p < m && !found; p++)
                    if (strcmp(modules[p].name, want->module) == 0)
                      found = wasmc_instance_export(&instances[p], want->name, &imports[i], NULL);
                  if (!found) {
                    fprintf(stderr, "wasmc: module %s: unresolved import \\"%s\\" \\"%s\\"\\n", modules[m].name, want->module, want->name);
                    return 70;
                  }
                }
                char error[256];
                wasmc_trap_info trap;
                wasmc_instantiate_status status = wasmc_instantiate(module, imports, &instances[m], error, sizeof error, &trap);
                if (status != WASMC_INSTANTIATED) {
                  if (status == WASMC_INSTANTIATION_TRAPPED) return report_trap(modules[m].name, &trap);
                  fprintf(stderr, "wasmc: module %s: %s\\n", modules[m].name, error);
                  return 70;
                }
              }
              int status = 0;
              for (int m = 0; m < MODULE_COUNT; m++) {
                wasmc_extern start;
                if (!wasmc_instance_export(&instances[m], "_start", &start, NULL)) continue;
                wasmc_trap_info trap;
                if (!wasmc_instance_call(&instances[m], "_start", NULL, NULL, &trap)) {
                  status = report_trap(modules[m].name, &trap);
                  if (status != 0) break;
                }
              }
              for (int m = MODULE_COUNT - 1; m >= 0; m--) wasmc_instance_free(&instances[m]);
              return status;
            }
            """)
        return out.joined(separator: "\n") + "\n"
    }
}
