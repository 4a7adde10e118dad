;; Legacy exception handling (try/catch/catch_all/rethrow/delegate): shapes the spec's
;; legacy scripts do not cover. wasm-tools cannot read these instructions, so the spec
;; runner converts this script with wabt's wast2json (it says so in its output).

(module
  (tag $e0)
  (tag $e-i32 (param i32))
  (tag $e-pair (param i64 f64))
  (func $throw-i32 (param i32) (result i32) (throw $e-i32 (local.get 0)))

  ;; rethrow from a nested catch: the outer clause's exception, not the inner one's.
  (func (export "rethrow-outer-from-nested") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $throw-i32 (i32.const 1)))
          (catch $e-i32
            (drop)
            (try (result i32)
              (do (throw $e-i32 (i32.const 2)))
              (catch $e-i32 (drop) (rethrow 1))))))
      (catch $e-i32)))

  ;; rethrow 0 from the inner clause: the inner exception.
  (func (export "rethrow-inner-from-nested") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $throw-i32 (i32.const 1)))
          (catch $e-i32
            (drop)
            (try (result i32)
              (do (throw $e-i32 (i32.const 2)))
              (catch $e-i32 (drop) (rethrow 0))))))
      (catch $e-i32)))

  ;; One exception held by two clauses (rethrown, caught again inside the first clause):
  ;; when the inner clause ends, the outer one still holds it, so it must not be freed.
  ;; A new exception is thrown and caught in between, which would reuse a freed block.
  (func (export "caught-twice-then-rethrown") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $throw-i32 (i32.const 7)))
          (catch_all
            (try (do (rethrow 1)) (catch_all))
            (try (do (drop (call $throw-i32 (i32.const 99)))) (catch $e-i32 (drop)))
            (rethrow 0))))
      (catch $e-i32)))

  ;; The same, left by a branch out of both clauses at once: freed once.
  (func (export "caught-twice-branch-out") (result i32)
    (block $out (result i32)
      (try (result i32)
        (do (call $throw-i32 (i32.const 5)))
        (catch_all
          (try (do (rethrow 1))
            (catch $e-i32 (br $out)))
          (i32.const 0)))))

  ;; delegate to the function's own label: the caller's handler gets it, past this
  ;; function's outer try (whose catch_all would trap).
  (func $delegate-to-caller
    (try
      (do
        (try (do (throw $e0)) (delegate 1)))
      (catch_all (unreachable))))
  (func (export "delegate-to-caller") (result i32)
    (try (result i32)
      (do (call $delegate-to-caller) (i32.const 0))
      (catch $e0 (i32.const 1))))
  ;; With no try around it in the caller: uncaught.
  (func (export "delegate-to-caller-uncaught") (call $delegate-to-caller))

  ;; delegate to a block label: the try around that block catches it.
  (func (export "delegate-to-block") (result i32)
    (try (result i32)
      (do
        (block $b
          (try
            (do
              (try (do (throw $e0)) (delegate $b)))
            (catch_all (unreachable))))
        (i32.const 0))
      (catch $e0 (i32.const 3))))

  ;; A branch out of a catch block, many times over: each exception is done with when the
  ;; branch leaves its clause (no exception stays behind), and the loop's value survives.
  (func (export "branch-out-of-catch") (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (block $next
        (try
          (do (drop (call $throw-i32 (local.get $n))))
          (catch $e-i32
            (local.set $sum (i32.add (local.get $sum)))
            (br $next))))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))

  ;; return from inside a catch block, inside a try body: handlers popped, exception done.
  (func $return-from-catch (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $throw-i32 (i32.const 11)))
          (catch $e-i32 (return))))
      (catch_all (i32.const -1))))
  (func (export "return-from-catch-then-throw") (result i32)
    (try (result i32)
      (do (call $return-from-catch) (drop) (throw $e0))
      (catch $e0 (i32.const 1))))

  ;; Clauses tested in order; none matches: the exception goes on, payload intact.
  (func (export "no-clause-matches") (result i64 f64)
    (try (result i64 f64)
      (do
        (try (result i64 f64)
          (do (throw $e-pair (i64.const -2) (f64.const 2.5)))
          (catch $e0 (i64.const 0) (f64.const 0))
          (catch $e-i32 (drop) (i64.const 1) (f64.const 1))))
      (catch $e-pair)))

  ;; Locals assigned in a try body keep their value after the landing.
  (func (export "local-set-in-body") (result i32)
    (local $x i32)
    (try
      (do (local.set $x (i32.const 42)) (drop (call $throw-i32 (i32.const 0))))
      (catch_all))
    (local.get $x))

  ;; A trap in a try body is not caught.
  (func (export "trap-not-caught")
    (try (do (unreachable)) (catch_all)))
)

(assert_return (invoke "rethrow-outer-from-nested") (i32.const 1))
(assert_return (invoke "rethrow-inner-from-nested") (i32.const 2))
(assert_return (invoke "caught-twice-then-rethrown") (i32.const 7))
(assert_return (invoke "caught-twice-branch-out") (i32.const 5))
(assert_return (invoke "delegate-to-caller") (i32.const 1))
(assert_exception (invoke "delegate-to-caller-uncaught"))
(assert_return (invoke "delegate-to-block") (i32.const 3))
(assert_return (invoke "branch-out-of-catch" (i32.const 100000)) (i32.const 705082704))
(assert_return (invoke "return-from-catch-then-throw") (i32.const 1))
(assert_return (invoke "no-clause-matches") (i64.const -2) (f64.const 2.5))
(assert_return (invoke "local-set-in-body") (i32.const 42))
(assert_trap (invoke "trap-not-caught") "unreachable")

;; Validation of the legacy form.
(assert_invalid (module (func (block (try (do) (catch_all (block (rethrow 0)))))))
  "invalid rethrow label")
(assert_invalid (module (tag $e) (func (try (do) (catch $e) (catch_all) (catch $e))))
  "catch after catch_all")
(assert_invalid (module (func (result i32) (try (result i32) (do (i32.const 0)) (delegate 1))))
  "unknown label")
(assert_invalid (module (tag $e (param i32)) (func (try (do) (catch $e))))
  "type mismatch")
