import WasmParser

/// Finds the loads whose value may never be used.
///
/// With guard pages a load is its own bounds check, so one clang could delete as dead
/// must be kept (`WASMC_FORCE_READ`). Keeping every load that way costs a lot (it stops
/// vectorisation), so only loads whose value provably dies are marked: followed through
/// straight-line pure operations into a `drop`, or into a local that is never read.
/// A value that reaches anything else (a store, a call, a branch, a block result) is used.
enum DeadLoads {
    static func find(in body: [TypedInstruction], parameterCount: Int) -> Set<Int> {
        var readLocals = Set<UInt32>()
        for typed in body {
            switch typed.instruction {
            case .localGet(let index), .localTee(let index): readLocals.insert(index)
            default: break
            }
        }
        var dead = Set<Int>()
        for (index, typed) in body.enumerated() {
            guard case .load = typed.instruction else { continue }
            if valueDies(after: index, in: body, readLocals: readLocals) { dead.insert(index) }
        }
        return dead
    }

    /// Follows the value a load leaves on top of the stack until something consumes it.
    private static func valueDies(after load: Int, in body: [TypedInstruction], readLocals: Set<UInt32>) -> Bool {
        // Depth of the value below the top of the stack (0 = on top).
        var depth = 0
        var index = load + 1
        while index < body.count {
            let (pops, pushes, kind) = effect(of: body[index].instruction)
            guard let kind else { return false }  // unknown: assume the value is used
            if depth < pops {
                // This instruction consumes the value.
                switch kind {
                case .drop: return true
                case .localSet(let local): return !readLocals.contains(local)
                case .pure:
                    guard pushes == 1 else { return false }
                    depth = 0  // follow the result
                case .other: return false
                }
            } else {
                depth += pushes - pops
            }
            index += 1
        }
        return false
    }

    private enum Kind {
        case drop
        case localSet(UInt32)
        /// Computes a value from its operands and nothing else (cannot trap).
        case pure
        /// Pushes without consuming (constants, reads).
        case other
    }

    /// Stack effect of the straight-line instructions the scan understands; nil kind otherwise.
    private static func effect(of instruction: Instruction) -> (Int, Int, Kind?) {
        switch instruction {
        case .i32Const, .i64Const, .f32Const, .f64Const, .localGet, .globalGet, .refNull, .refFunc:
            return (0, 1, .other)
        case .nop:
            return (0, 0, .other)
        case .drop:
            return (1, 0, .drop)
        case .localSet(let local):
            return (1, 0, .localSet(local))
        case .i32Eqz, .i64Eqz, .unary, .refIsNull:
            return (1, 1, .pure)
        case .cmp:
            return (2, 1, .pure)
        case .binary(let op):
            switch op {
            case .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU:
                return (2, 1, .other)  // may trap: the value is used
            default:
                return (2, 1, .pure)
            }
        case .conversion(let op):
            switch op {
            case .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
                .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U:
                return (1, 1, .other)
            default:
                return (1, 1, .pure)
            }
        case .select, .typedSelect:
            return (3, 1, .pure)
        default:
            return (0, 0, nil)
        }
    }
}
