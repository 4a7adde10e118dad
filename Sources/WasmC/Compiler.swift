import WasmCBackEnd
import WasmCFrontEnd

/// The front door of the compiler: bytes → decoded → validated → C.
public enum Compiler {
    /// Decodes and validates a binary module.
    public static func validate(_ bytes: [UInt8]) throws -> ValidatedModule {
        let module = try ModuleDecoder().decode(bytes)
        return try ModuleValidator().validate(module)
    }

    /// Translates a binary module to C. `name` becomes the symbol prefix.
    public static func translate(_ bytes: [UInt8], name: String, options: EmitOptions) throws -> CTranslation {
        let validated = try validate(bytes)
        return ModuleEmitter(module: validated, name: name, options: options).emit()
    }
}
