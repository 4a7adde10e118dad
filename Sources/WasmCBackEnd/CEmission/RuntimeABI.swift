/// The version of the interface between generated C and the C runtime: the number
/// `WASMC_RT_ABI_VERSION` in runtime-c/include/wasmc_rt.h, which a test keeps equal to this
/// one. Raise both together whenever generated C and the runtime stop fitting together (a
/// field of `wasmc_module`, a macro's meaning, a helper's signature).
///
/// Every file of generated C checks it at compile time, so C translated by one wasmc
/// version never compiles against another version's runtime; the driver's caches key on it,
/// so a newer runtime never links against stale output.
public enum RuntimeABI {
    public static let version = 3

    /// The lines at the top of every generated C file that refuse a runtime of another ABI.
    static var check: [String] {
        [
            "/* For runtime ABI \(version): with another runtime, translate the module again with that runtime's wasmc. */",
            "#if !defined(WASMC_RT_ABI_VERSION) || WASMC_RT_ABI_VERSION != \(version)",
            "#error \"this C is for wasmc runtime ABI \(version): the runtime and the generated C come from different wasmc versions\"",
            "#endif",
        ]
    }
}
