import Testing

@testable import WasmCFrontEnd

/// Typed function references: subtyping and the canonical strings that `call_indirect` and
/// linking compare (the spec scripts cover validation and execution).
@Suite struct TypedReferenceTests {
    let unary = FunctionSignature(parameters: [.i32], results: [.i32])

    func reference(_ nullable: Bool, _ heap: TypedReference.Heap) -> ValueType {
        TypedReference(isNullable: nullable, heap: heap).valueType
    }

    @Test func nullableAbstractTypesAreSpelledFuncrefAndExternref() {
        #expect(reference(true, .func) == .funcref)
        #expect(reference(true, .extern) == .externref)
        #expect(reference(false, .func) != .funcref)
    }

    @Test func subtyping() {
        let typed = reference(false, .function(unary))
        let nullableTyped = reference(true, .function(unary))
        #expect(typed.isSubtype(of: nullableTyped))
        #expect(nullableTyped.isSubtype(of: .funcref))
        #expect(typed.isSubtype(of: reference(false, .func)))
        #expect(!nullableTyped.isSubtype(of: typed))
        #expect(!nullableTyped.isSubtype(of: reference(false, .func)))
        #expect(!typed.isSubtype(of: .externref))
        #expect(!reference(false, .function(FunctionSignature(parameters: [.i64], results: []))).isSubtype(of: typed))
        #expect(!ValueType.i32.isSubtype(of: .funcref))
    }

    /// Equivalent function types (the same structure under other indices) give one string;
    /// a typed reference differs from `funcref` in it although C holds both alike.
    @Test func canonicalStringsSpellOutTypedReferences() {
        let typed = FunctionSignature(parameters: [reference(false, .function(unary))], results: [reference(true, .func)])
        #expect(typed.canonicalString == "N(i>i)>r")
        #expect(FunctionSignature(parameters: [.funcref], results: []).canonicalString == "r>")
        #expect(FunctionSignature(parameters: [reference(true, .function(unary))], results: []).canonicalString == "Q(i>i)>")
        #expect(reference(false, .extern).canonicalCode == "Ne")
        #expect(reference(false, .function(unary)).signatureLetter == "r")
    }

    @Test func onlyNonNullReferencesNeedAnInitialValue() {
        #expect(reference(true, .function(unary)).isDefaultable)
        #expect(!reference(false, .func).isDefaultable)
        #expect(ValueType.i64.isDefaultable)
        #expect(reference(true, .function(unary)).nonNullable == reference(false, .function(unary)))
    }
}
