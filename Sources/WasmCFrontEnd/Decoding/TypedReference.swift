/// A reference type of typed function references (spec 2.3.3 "Reference Types") that is not
/// `funcref` or `externref`: the heap type, and whether null is a value of the type.
public struct TypedReference: Hashable, Sendable, CustomStringConvertible {
    /// What the reference points to.
    public enum Heap: Hashable, Sendable {
        /// Any function (`func`).
        case `func`
        /// Any host value (`extern`).
        case extern
        /// A function of this type (`$t`). The type itself, not its index: function types
        /// are equivalent when they are structurally equal (spec 3.2.11 "Type Equivalence"),
        /// and a type may only name types defined before it, so the structure is finite.
        case function(FunctionSignature)
    }

    public var isNullable: Bool
    public var heap: Heap

    public init(isNullable: Bool, heap: Heap) {
        self.isNullable = isNullable
        self.heap = heap
    }

    /// The value type of this reference, with `(ref null func)` and `(ref null extern)`
    /// spelled `funcref` and `externref`.
    public var valueType: ValueType {
        switch (isNullable, heap) {
        case (true, .func): .funcref
        case (true, .extern): .externref
        default: .ref(self)
        }
    }

    public var description: String {
        let heapName: String
        switch heap {
        case .func: heapName = "func"
        case .extern: heapName = "extern"
        case .function(let signature): heapName = "(func \(signature))"
        }
        return isNullable ? "(ref null \(heapName))" : "(ref \(heapName))"
    }
}

extension ValueType {
    /// The reference type of a reference value type, funcref and externref included.
    public var reference: TypedReference? {
        switch self {
        case .funcref: TypedReference(isNullable: true, heap: .func)
        case .externref: TypedReference(isNullable: true, heap: .extern)
        case .ref(let reference): reference
        default: nil
        }
    }

    /// Whether a local of this type starts with a default value (spec 3.2.12): every type but
    /// a non-null reference; a local of one must be set before it is read.
    public var isDefaultable: Bool { reference.map(\.isNullable) ?? true }

    /// The same reference type without null (what `ref.as_non_null` and `br_on_null` leave).
    public var nonNullable: ValueType {
        guard var reference else { return self }
        reference.isNullable = false
        return reference.valueType
    }

    /// Whether a value of this type is a value of `other` too (spec 3.2.11 "Subtyping"):
    /// `(ref $t)` <: `(ref null $t)` <: `(ref null func)`, `(ref $t)` <: `(ref func)`, and
    /// `(ref extern)` <: `(ref null extern)`. Function types are equivalent when equal.
    public func isSubtype(of other: ValueType) -> Bool {
        if self == other { return true }
        guard let reference, let target = other.reference else { return false }
        if reference.isNullable && !target.isNullable { return false }
        switch (reference.heap, target.heap) {
        case (.function, .func): return true
        default: return reference.heap == target.heap
        }
    }

    /// The type's code in a canonical signature string: one letter for a number, a vector,
    /// `funcref` and `externref` (see `signatureLetter`); a typed reference is `N` (non-null)
    /// or `Q` (nullable) and then `r` (func), `e` (extern) or its function type in parentheses.
    public var canonicalCode: String {
        guard case .ref(let reference) = self else { return String(signatureLetter) }
        let heap: String
        switch reference.heap {
        case .func: heap = "r"
        case .extern: heap = "e"
        case .function(let signature): heap = "(\(signature.canonicalString))"
        }
        return (reference.isNullable ? "Q" : "N") + heap
    }
}
