/// How generated code keeps linear-memory accesses inside their memory.
public enum BoundsStrategy: String, CaseIterable, Sendable {
    /// Guard pages: 8 GiB reserved per memory, faults become traps (64-bit hosts).
    case guardPages = "guard"
    /// An explicit bounds check before every access (portable).
    case explicit

    public var usesGuardPages: Bool { self == .guardPages }
}
