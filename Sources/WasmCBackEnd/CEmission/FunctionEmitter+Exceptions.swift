import WasmCFrontEnd

/// Exception handling in a function's C (docs/exceptions-and-tail-calls.md, "The C of each
/// instruction"): a `try_table` is a `wasmc_handler` pushed on the thread's chain and entered
/// with sigsetjmp; a throw siglongjmps to the innermost one, whose landing pad tests the catch
/// clauses in order. Every way out of a try body pops its handler: the end, a branch to a label
/// outside it, `return`. The legacy `try`/`catch` reuses `emitLanding` and `popHandlers`.
extension FunctionEmitter {
    /// `try_table`: push the handler, then the landing pad (run when a throw arrives, with the
    /// handler already popped), then the body as a block.
    mutating func emitTryTable(_ signature: FunctionSignature, _ clauses: [CatchClause], height h: Int) {
        let handler = "h\(handlers.count + 1)"
        handlers.append(handler)
        let label = newLabel()
        let base = h - signature.parameters.count
        emit("wasmc_handler_push(&\(handler)); /* try_table \(label) */")
        emitLanding(handler: handler, base: base) { emitter, exception in
            emitter.emitCatchClauses(clauses, exception: exception, base: base)
        }
        frames.append(
            Frame(
                kind: .block, label: label, parameters: signature.parameters, results: signature.results, base: base,
                handler: handler))
        indent += 1
    }

    /// The landing pad of `handler`: `if (WASMC_HANDLER_LANDED(h)) { … }`, where `clauses`
    /// writes what runs with the exception in `exn` (it must end in a jump or a rethrow).
    /// Slots from `base` up are free there: the body's values are abandoned.
    mutating func emitLanding(
        handler: String, base: Int, clauses: (inout FunctionEmitter, _ exception: String) -> Void
    ) {
        emit("if (WASMC_HANDLER_LANDED(\(handler))) {")
        indent += 1
        emit("wasmc_exception *exn = \(handler).exception;")
        // The cached memory bases were assigned after the sigsetjmp: reload them, as after a call.
        refreshMemory()
        clauses(&self, "exn")
        indent -= 1
        emit("}")
    }

    /// The clauses of a `try_table`, tested in order; an exception none matches is thrown on.
    /// A clause's label is a depth seen from outside the try_table, which is what `frames`
    /// holds while the landing pad is written.
    private mutating func emitCatchClauses(_ clauses: [CatchClause], exception: String, base: Int) {
        for clause in clauses {
            let payload = clause.tag.map { module.tags[Int($0)].parameters } ?? []
            if let tag = clause.tag {
                emit("if (wasmc_exception_is(\(exception), inst->tags[\(tag)])) {")
                indent += 1
            }
            var height = base
            for (k, type) in payload.enumerated() {
                let offset = Self.payloadOffset(payload, k)
                emit("\(slot(type, height)) = WASMC_EXCEPTION_GET(\(exception), \(offset), \(type.cType));")
                height += 1
            }
            if clause.passesReference {
                emit("wasmc_exception_expose(\(exception));")
                emit("\(slot(.exnref, height)) = \(exception);")
                height += 1
            } else {
                // No reference to it is kept: freed now (unless it is an exnref elsewhere).
                emit("wasmc_exception_caught(\(exception));")
            }
            branch(clause.label, height: height)
            if clause.tag == nil { return }  // catch_all: the clauses after it never run
            indent -= 1
            emit("}")
        }
        emit("wasmc_rethrow(\(exception));")
    }

    /// `throw`: a new exception of the tag, its payload from the operands.
    mutating func emitThrow(tag: UInt32, _ type: FunctionSignature, height h: Int) {
        let parameters = type.parameters
        emit("{")
        indent += 1
        emit("wasmc_exception *exn = wasmc_exception_new(inst->tags[\(tag)]);")
        for (k, parameter) in parameters.enumerated() {
            let offset = Self.payloadOffset(parameters, k)
            emit(
                "WASMC_EXCEPTION_PUT(exn, \(offset), \(parameter.cType), \(slot(parameter, h - parameters.count + k)));"
            )
        }
        emit("wasmc_throw(exn);")
        indent -= 1
        emit("}")
    }

    /// Before a branch that leaves `depth + 1` frames (the target's body too, unless it is a
    /// loop): pop the handlers of the try bodies it leaves, all at once, by restoring the
    /// chain the outermost of them was pushed onto.
    mutating func popHandlers(leaving depth: Int) {
        let top = frames.count - 1
        var outermost: String?
        for index in stride(from: top, through: max(0, top - depth), by: -1) {
            if let handler = frames[index].handler, frames[index].kind != .loop { outermost = handler }
        }
        if let outermost { emit("wasmc_handler_pop(&\(outermost));") }
    }

    /// Byte offset of payload value `index` of a tag with these parameters: 8 bytes per value,
    /// 16 aligned to 16 for v128 (`wasmc_tag_offset` in wasmc_exceptions.h, the one layout rule).
    static func payloadOffset(_ parameters: [ValueType], _ index: Int) -> Int {
        var offset = 0
        for (k, type) in parameters.enumerated() {
            let size = type == .v128 ? 16 : 8
            offset = (offset + size - 1) & ~(size - 1)
            if k == index { return offset }
            offset += size
        }
        return offset
    }

    /// The locals (parameters included) that `local.set` or `local.tee` assigns inside the body
    /// of a try block. After a landing, a local changed between the sigsetjmp and the throw
    /// has an indeterminate value unless it is volatile (C11 7.13.2.1; clang keeps it in a
    /// callee-saved register that the siglongjmp restores to its old value).
    static func localsAssignedInTryBodies(_ body: [TypedInstruction]) -> Set<UInt32> {
        var open: [Bool] = []  // per open block: whether it is a try body
        var tryDepth = 0
        var assigned = Set<UInt32>()
        for typed in body {
            switch typed.operation {
            case .tryTable:
                open.append(true)
                tryDepth += 1
            case .block, .loop, .if:
                open.append(false)
            case .end:
                if let isTry = open.popLast(), isTry { tryDepth -= 1 }
            case .localSet(let index, _), .localTee(let index, _):
                if tryDepth > 0 { assigned.insert(index) }
            default:
                break
            }
        }
        return assigned
    }
}
