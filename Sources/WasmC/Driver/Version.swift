import WasmCBackEnd

/// The version of wasmc, printed by `wasmc --version`: the one place it is written.
///
/// The C runtime's ABI version is another number (`WASMC_RT_ABI_VERSION` in
/// runtime-c/include/wasmc_rt.h, mirrored by `RuntimeABI.version`): it changes only when
/// generated C and the runtime stop fitting together.
public enum WasmcVersion {
    public static let current = "0.9.0"

    /// What `wasmc --version` prints: the version and the runtime ABI it generates C for.
    public static var description: String { "wasmc \(current) (runtime ABI \(RuntimeABI.version))" }
}
