/// The C names of one module's functions, signatures and globals.
struct ModuleNames {
    /// C name of every function in the index space (imports included, for comments).
    var functions: [String]
    /// Distinct signatures in a stable order, and the constant naming each.
    var signatures: [FunctionSignature]
    private var signatureIndex: [FunctionSignature: Int]

    init(module: ValidatedModule) {
        functions = module.functionSignatures.indices.map { index in
            CNames.function(UInt32(index), name: module.functionName(UInt32(index)))
        }
        var signatures: [FunctionSignature] = []
        var signatureIndex: [FunctionSignature: Int] = [:]
        for signature in module.module.types + module.functionSignatures where signatureIndex[signature] == nil {
            signatureIndex[signature] = signatures.count
            signatures.append(signature)
        }
        self.signatures = signatures
        self.signatureIndex = signatureIndex
    }

    /// The `static const char[]` holding a signature's canonical string.
    func signatureConstant(_ signature: FunctionSignature) -> String {
        "signature_\(signatureIndex[signature]!)"
    }

    /// An lvalue of type `wasmc_value` for global `index`.
    func globalAccess(_ index: UInt32, module: ValidatedModule) -> String {
        Int(index) < module.importedGlobalCount ? "(*inst->global\(index).value)" : "inst->global\(index)_value"
    }
}
