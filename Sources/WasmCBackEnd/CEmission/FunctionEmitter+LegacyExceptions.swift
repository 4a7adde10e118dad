import WasmCFrontEnd

/// The legacy `try`/`catch`/`catch_all`/`delegate`/`rethrow` in a function's C, on the handlers
/// of `try_table` (docs/exceptions-and-tail-calls.md, "Legacy"). One pass, no look-ahead: the
/// landing pad at the `try` only jumps to `L<n>_landed`, which is written where the first
/// clause (or the `delegate`, or the `end`) starts. Each `catch` tests the tag and jumps to
/// the next clause's entry when it does not match; after the last, the exception goes on.
///
/// ```c
/// wasmc_handler_push(&h1); /* try L1 */
/// if (WASMC_HANDLER_LANDED(h1)) goto L1_landed;
///   BODY
///   wasmc_handler_pop(&h1);
///   goto L1;
/// L1_landed:;                         /* catch $e (payload i32) */
///   if (!wasmc_exception_is(h1.exception, inst->tags[0])) goto L1_c1;
///   i0 = WASMC_EXCEPTION_GET(h1.exception, 0, uint32_t);
///   CATCH BODY
///   wasmc_exception_caught(h1.exception);
///   goto L1;
/// L1_c1:;
///   wasmc_rethrow(h1.exception);
/// L1:;
/// ```
///
/// The exception of a clause is its handler's `exception` field (set by the throw, and reset
/// only when the try is entered again), so `rethrow N` rethrows the handler's exception of the
/// clause label N names. A clause block that ends or is left by a branch or `return` is done
/// with its exception (`wasmc_exception_caught`), unless an enclosing clause still holds the
/// same object (a `rethrow` caught again inside a clause): the test is emitted beside the call.
extension FunctionEmitter {
    /// Where a legacy `try` stands: in its body (its handler pushed) or in one of its clauses.
    struct LegacyTry {
        var handler: String
        /// Clauses begun so far.
        var clauses = 0
        /// Whether the current clause is a `catch` by tag, whose test can fail (on to the next).
        var lastMayFail = false

        /// The exception a clause block holds: nil in the body.
        var caught: String? { clauses > 0 ? "\(handler).exception" : nil }
    }

    /// `try`: push its handler, and land on `L<n>_landed` when a throw arrives.
    mutating func emitLegacyTry(_ signature: FunctionSignature, height h: Int) {
        let handler = "h\(handlers.count + 1)"
        handlers.append(handler)
        let label = newLabel()
        emit("wasmc_handler_push(&\(handler)); /* try \(label) */")
        emit("if (WASMC_HANDLER_LANDED(\(handler))) goto \(label)_landed;")
        frames.append(
            Frame(
                kind: .block, label: label, parameters: signature.parameters, results: signature.results,
                base: h - signature.parameters.count, handler: handler, legacy: LegacyTry(handler: handler)))
        indent += 1
    }

    /// `catch` (with the tag and its payload types) or `catch_all` (no tag): ends the try body
    /// or the clause before, and starts this clause at its entry label.
    mutating func emitLegacyClause(tag: UInt32?, payload: [ValueType]) {
        guard var state = frames.last?.legacy else { return }
        let frame = frames[frames.count - 1]
        leaveLegacyPart()
        let entry = state.clauses == 0 ? "\(frame.label)_landed" : "\(frame.label)_c\(state.clauses)"
        state.clauses += 1
        state.lastMayFail = tag != nil
        frames[frames.count - 1].legacy = state
        frames[frames.count - 1].handler = nil  // a clause block is not protected by its own try
        indent -= 1
        emit("\(entry):; /* \(tag.map { "catch tag \($0)" } ?? "catch_all") */")
        indent += 1
        let exception = "\(state.handler).exception"
        if state.clauses == 1 { refreshMemory() }  // first code after the landing: as after a call
        if let tag {
            emit("if (!wasmc_exception_is(\(exception), inst->tags[\(tag)])) goto \(frame.label)_c\(state.clauses);")
        }
        for (k, type) in payload.enumerated() {
            emit(
                "\(slot(type, frame.base + k)) = WASMC_EXCEPTION_GET(\(exception), \(Self.payloadOffset(payload, k)), \(type.cType));"
            )
        }
    }

    /// `end` of a legacy try: after its body (no clause) or its last clause.
    mutating func emitLegacyEnd(height h: Int) {
        guard let state = frames.last?.legacy else { return }
        let frame = frames[frames.count - 1]
        leaveLegacyPart()
        frames.removeLast()
        indent -= 1
        if state.clauses == 0 {
            // No clause catches anything: the exception goes on to the next handler.
            emit("\(frame.label)_landed:;")
            emit("  wasmc_rethrow(\(state.handler).exception);")
        } else if state.lastMayFail {
            emit("\(frame.label)_c\(state.clauses):;")
            emit("  wasmc_rethrow(\(state.handler).exception);")
        }
        emit("\(frame.label):;")
    }

    /// `delegate N`: ends a try without clauses; what lands is thrown to the try that label N
    /// (counted from outside this one) names, or the innermost try around that label, or, when
    /// there is none in the function, to the handlers the function was entered with.
    mutating func emitDelegate(depth: UInt32) {
        guard let state = frames.last?.legacy else { return }
        let frame = frames[frames.count - 1]
        leaveLegacyPart()
        frames.removeLast()
        let labelIndex = frames.count - 1 - Int(depth)
        var target: String?
        for index in stride(from: labelIndex, through: 0, by: -1) {
            if let handler = frames[index].handler {
                target = "&\(handler)"
                break
            }
        }
        if target == nil {
            // The outermost handler this function has pushed (perhaps this try's own) was
            // pushed onto the chain the function was entered with.
            let outermost = frames.first { $0.handler != nil }?.handler ?? state.handler
            target = "\(outermost).previous"
        }
        indent -= 1
        emit("\(frame.label)_landed:; /* delegate \(depth) */")
        emit("  wasmc_throw_to(\(state.handler).exception, \(target ?? "NULL"));")
        emit("\(frame.label):;")
    }

    /// `rethrow N`: the exception of the clause label N names, to the innermost handler.
    mutating func emitRethrow(depth: UInt32) {
        let frame = frames[frames.count - 1 - Int(depth)]
        guard let exception = frame.legacy?.caught else { return }
        emit("wasmc_rethrow(\(exception));")
    }

    /// Falling out of the try body (pop its handler) or of a clause (done with its exception),
    /// to the end of the try; nothing when the code before is unreachable.
    private mutating func leaveLegacyPart() {
        let wasDead = dead
        dead = false
        guard !wasDead, let frame = frames.last, let state = frame.legacy else { return }
        if state.clauses == 0 {
            emit("wasmc_handler_pop(&\(state.handler));")
        } else {
            releaseCaughtExceptions(leaving: 0)
        }
        emit("goto \(frame.label);")
    }

    /// Before a branch or `return` that leaves `depth + 1` frames (`popHandlers` calls it, so
    /// every way out that pops handlers does this too): the clause blocks it leaves are done
    /// with their exceptions. An exception still held by a clause that stays (or
    /// released already by an inner one) is the same object caught twice: kept or freed once.
    mutating func releaseCaughtExceptions(leaving depth: Int) {
        let top = frames.count - 1
        let lowest = max(0, top - depth)
        var held = frames[0..<lowest].compactMap { $0.legacy?.caught }
        for index in stride(from: top, through: lowest, by: -1) {
            guard let exception = frames[index].legacy?.caught else { continue }
            let distinct = held.map { "\(exception) != \($0)" }
            if distinct.isEmpty {
                emit("wasmc_exception_caught(\(exception));")
            } else {
                emit("if (\(distinct.joined(separator: " && "))) wasmc_exception_caught(\(exception));")
            }
            held.append(exception)
        }
    }
}
