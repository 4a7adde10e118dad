import WasmCFrontEnd

/// Naming rules for generated C: deterministic, readable, collision-free.
package enum CNames {
    /// Turns any string into a C identifier fragment: ASCII letters, digits and `_`, at most 48 characters.
    package static func sanitize(_ name: String) -> String {
        var result = ""
        var lastWasUnderscore = false
        for scalar in name.unicodeScalars {
            let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            if keep {
                result.unicodeScalars.append(scalar)
                lastWasUnderscore = false
            } else if !lastWasUnderscore {
                result.append("_")
                lastWasUnderscore = true
            }
            if result.count >= 48 { break }
        }
        return result
    }

    /// A function's C name: its wasm index makes it unique, its name makes it readable (`func3_fac`).
    package static func function(_ index: UInt32, name: String?) -> String {
        // "func" keeps clear of the stack slots (i3, f0, ...) and locals (l2).
        guard let name else { return "func\(index)" }
        let fragment = sanitize(name)
        return fragment.isEmpty || fragment == "_" ? "func\(index)" : "func\(index)_\(fragment)"
    }

    /// The module descriptor symbol for a module prefix: `wasmc_module_<prefix>`.
    package static func moduleSymbol(_ prefix: String) -> String { "wasmc_module_\(prefix)" }

    /// A valid module prefix from a file or module name.
    package static func modulePrefix(_ name: String) -> String {
        var fragment = sanitize(name)
        if fragment.isEmpty { fragment = "module" }
        if let first = fragment.unicodeScalars.first, ("0"..."9").contains(first) { fragment = "m" + fragment }
        return fragment
    }

    /// Text for inside a `/* */` comment: a name may hold anything, and its `*/` would end the
    /// comment early (`*\/` reads the same to a person).
    package static func commentText(_ text: String) -> String {
        text.replacing("*/", with: "*\\/")
    }

    /// A C string literal for arbitrary bytes (names of imports and exports may hold anything).
    package static func stringLiteral(_ string: String) -> String { bytesLiteral(Array(string.utf8)) }

    package static func bytesLiteral(_ bytes: [UInt8]) -> String {
        var out = "\""
        var previousWasOctal = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""):
                out += "\\\""
                previousWasOctal = false
            case UInt8(ascii: "\\"):
                out += "\\\\"
                previousWasOctal = false
            case 0x20...0x7e:
                // A digit right after an octal escape would extend it; "?" could form a trigraph.
                if previousWasOctal && (0x30...0x37).contains(byte) || byte == UInt8(ascii: "?") {
                    out += "\\" + String(byte, radix: 8)
                    previousWasOctal = true
                } else {
                    out.unicodeScalars.append(UnicodeScalar(byte))
                    previousWasOctal = false
                }
            default:
                out += "\\" + String(byte, radix: 8)
                previousWasOctal = true
            }
        }
        return out + "\""
    }
}

extension ValueType {
    /// The C type that holds a value of this type.
    var cType: String {
        switch self {
        case .i32: "uint32_t"
        case .i64: "uint64_t"
        case .f32: "float"
        case .f64: "double"
        case .v128: "wasmc_v128"
        case .funcref: "const wasmc_func *"
        case .externref: "void *"
        case .exnref: "wasmc_exception *"
        case .ref: erased.cType
        }
    }

    /// The member of `wasmc_value` that holds this type.
    var valueField: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .funcref: "funcref"
        case .externref: "externref"
        case .exnref: "exnref"
        case .ref: erased.valueField
        }
    }

    /// `wasmc_valtype` constant.
    var runtimeConstant: String {
        switch self {
        case .i32: "WASMC_I32"
        case .i64: "WASMC_I64"
        case .f32: "WASMC_F32"
        case .f64: "WASMC_F64"
        case .v128: "WASMC_V128"
        case .funcref: "WASMC_FUNCREF"
        case .externref: "WASMC_EXTERNREF"
        case .exnref: "WASMC_EXNREF"
        case .ref: erased.runtimeConstant
        }
    }

    /// The zero value (locals start with it).
    var zero: String {
        switch self {
        case .i32: "0u"
        case .i64: "0ull"
        case .f32: "0.0f"
        case .f64: "0.0"
        case .v128: "(wasmc_v128){0, 0}"
        case .funcref, .externref, .exnref, .ref: "NULL"
        }
    }

    /// The `ref_type` of a `wasmc_global` or `wasmc_table` and of an import: a typed
    /// reference's canonical code as a C string, NULL for every other type.
    var referenceCodeLiteral: String {
        guard case .ref = self else { return "NULL" }
        return CNames.stringLiteral(canonicalCode)
    }

    /// `funcref` or `externref`, for a typed reference: how C holds it (`const wasmc_func *`
    /// or `void *`); validation has already checked the rest of its type.
    var erased: ValueType {
        guard case .ref(let reference) = self else { return self }
        return reference.heap == .extern ? .externref : .funcref
    }
}

extension FunctionSignature {
    /// Identifier fragment for this signature, e.g. `ij_f` (parameters, results).
    var cTag: String {
        String(parameters.map(\.signatureLetter)) + "_" + String(results.map(\.signatureLetter))
    }

    /// The C return type of a function with this signature.
    var cReturnType: String {
        switch results.count {
        case 0: "void"
        case 1: results[0].cType
        default: "wasmc_results_" + String(results.map(\.signatureLetter))
        }
    }

    /// Parameter list of the C function, `void *env` first.
    func cParameterList(names: (Int) -> String) -> String {
        (["void *env"] + parameters.enumerated().map { "\($0.element.cType) \(names($0.offset))" })
            .joined(separator: ", ")
    }

    /// The function-pointer type name for calls through `wasmc_func.code`.
    var cPointerType: String { "wasmc_sig_\(cTag)" }
}
