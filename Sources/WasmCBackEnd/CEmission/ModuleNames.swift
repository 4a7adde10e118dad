import WasmCFrontEnd

/// The C names of one module's functions, signatures, data segments and globals.
///
/// A module translated to one C file keeps them `static`. A module split into several files
/// (see `EmitOptions.partInstructions`) shares them between its files: they get the module
/// prefix, so two modules in one program cannot clash, and hidden visibility.
struct ModuleNames {
    /// C name of every function in the index space (imports included, for comments).
    var functions: [String]
    /// Distinct signatures in a stable order, and the constant naming each.
    var signatures: [FunctionSignature]
    private var signatureIndex: [FunctionSignature: Int]
    /// The prefix of shared symbols; nil when everything lives in one file.
    let sharedPrefix: String?
    /// Whether the module uses tail calls, so that `functions` name bodies of the uniform
    /// prototype (`TailCallConvention`) and `entry` names each one's entry of its own signature.
    let tailCalls: Bool

    init(module: ValidatedModule, sharedPrefix: String? = nil) {
        self.sharedPrefix = sharedPrefix
        self.tailCalls = ModuleValidator.usesTailCalls(module.functions)
        functions = module.functionSignatures.indices.map { index in
            let name = CNames.function(UInt32(index), name: module.functionName(UInt32(index)))
            return sharedPrefix.map { "\($0)_\(name)" } ?? name
        }
        var signatures: [FunctionSignature] = []
        var signatureIndex: [FunctionSignature: Int] = [:]
        for signature in module.types + module.functionSignatures where signatureIndex[signature] == nil {
            signatureIndex[signature] = signatures.count
            signatures.append(signature)
        }
        self.signatures = signatures
        self.signatureIndex = signatureIndex
    }

    /// How functions, signature strings and data segments are declared: file-local or shared.
    var storage: String { sharedPrefix == nil ? "static" : "WASMC_HIDDEN" }

    private func shared(_ name: String) -> String {
        sharedPrefix.map { "\($0)_\(name)" } ?? name
    }

    /// In a module with tail calls, the C name of function `index`'s entry of its own wasm
    /// signature (`func3_fac_entry`); its body is `functions[index]`.
    func entry(_ index: UInt32) -> String {
        functions[Int(index)] + "_entry"
    }

    /// The `const char[]` holding a signature's canonical string.
    func signatureConstant(_ signature: FunctionSignature) -> String {
        shared("signature_\(signatureIndex[signature]!)")
    }

    /// The `const uint8_t[]` holding data segment `index`.
    func dataSegment(_ index: Int) -> String {
        shared("data_segment_\(index)")
    }

    /// An lvalue of type `wasmc_value` for global `index`.
    func globalAccess(_ index: UInt32, module: ValidatedModule) -> String {
        Int(index) < module.importedGlobalCount ? "(*inst->global\(index).value)" : "inst->global\(index)_value"
    }
}
