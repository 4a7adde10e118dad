;; Tail calls beyond the proposal's own scripts: across modules, to functions of modules
;; without tail calls and to host functions, with parameters and results that do not fit the
;; registers of wasmc's uniform body prototype (see TailCallConvention), and the stack check
;; that must still stop a deep recursion of ordinary calls in a module with tail calls.
;; Chains of 10^6 calls exhaust the native stack unless each call reuses its caller's frame.

;; A module without tail calls: its functions have no body of the uniform prototype.
(module $plain
  (func (export "add3") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "pair") (param i64) (result i64 f32)
    (local.get 0) (f32.const nan:0x200001))
  (table (export "table") 4 funcref))
(register "plain" $plain)

;; Even and odd in two modules: $even tail-calls the table slot that the second module
;; fills with its $odd, which tail-calls $even through its import.
(module $evens
  (import "plain" "table" (table 4 funcref))
  (type $pred (func (param i64) (result i32)))
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call_indirect (type $pred) (i64.sub (local.get 0) (i64.const 1)) (i32.const 1))))))
(register "evens" $evens)

(module $odds
  (import "evens" "even" (func $even (param i64) (result i32)))
  (import "plain" "table" (table 4 funcref))
  (elem (i32.const 1) $odd)
  (func $odd (export "odd") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))

(assert_return (invoke $odds "odd" (i64.const 1000001)) (i32.const 1))
(assert_return (invoke $evens "even" (i64.const 1000000)) (i32.const 1))
(assert_return (invoke $evens "even" (i64.const 1000001)) (i32.const 0))

;; Tail calls to what has no body of the uniform prototype: a module without tail calls
;; (directly and through a table) and a host function. The results come back whole.
(module $calls-out
  (import "plain" "add3" (func $add3 (param i32 i32 i32) (result i32)))
  (import "plain" "pair" (func $pair (param i64) (result i64 f32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "plain" "table" (table 4 funcref))
  (type $add3-type (func (param i32 i32 i32) (result i32)))
  (elem (i32.const 2) $add3)
  (func (export "import") (param i32) (result i32)
    (return_call $add3 (local.get 0) (i32.const 20) (i32.const 300)))
  (func (export "import-two-results") (param i64) (result i64 f32)
    (return_call $pair (local.get 0)))
  (func (export "indirect-to-plain") (param i32) (result i32)
    (return_call_indirect (type $add3-type) (local.get 0) (i32.const 2) (i32.const 3) (i32.const 2)))
  (func (export "host") (param i32)
    (return_call $print (local.get 0))))

(assert_return (invoke $calls-out "import" (i32.const 4000)) (i32.const 4320))
(assert_return (invoke $calls-out "import-two-results" (i64.const -7)) (i64.const -7) (f32.const nan:0x200001))
(assert_return (invoke $calls-out "indirect-to-plain" (i32.const 1)) (i32.const 6))
(assert_return (invoke $calls-out "host" (i32.const 42)))

;; Parameters beyond the five registers, v128 parameters, several results, and float bits
;; (a signalling NaN) carried through 10^6 tail calls between different signatures.
(module $wide
  (type $seven (func (param i64 i32 f32 f64 i64 i32 v128) (result i64 f32 v128)))
  (table 1 funcref)
  (elem (i32.const 0) $seven)
  ;; n, a, nan, d, k, c, v: each round adds c to a and 1 to lane 1 of v.
  (func $seven (type $seven)
    (if (i64.eqz (local.get 0))
      (then (return (i64.extend_i32_u (local.get 1)) (local.get 2) (local.get 6))))
    (return_call $three
      (local.get 6) (i64.sub (local.get 0) (i64.const 1)) (local.get 2)
      (i32.add (local.get 1) (local.get 5))))
  (func $three (param v128 i64 f32 i32) (result i64 f32 v128)
    (return_call_indirect (type $seven)
      (local.get 1) (local.get 3) (local.get 2) (f64.const 0.5) (i64.const 9) (i32.const 3)
      (i32x4.add (local.get 0) (v128.const i32x4 0 1 0 0))
      (i32.const 0)))
  (func (export "run") (param i64) (result i64 f32 v128)
    (return_call $seven (local.get 0) (i32.const 0) (f32.const nan:0x200001) (f64.const 0) (i64.const 0)
      (i32.const 3) (v128.const i32x4 7 0 0 0)))
  ;; An ordinary call of a body with spilled parameters and results, then the values again.
  (func (export "call") (param i64) (result i64 f32 i32)
    (local $v v128)
    (call $seven (local.get 0) (i32.const 1) (f32.const -0) (f64.const 0) (i64.const 0) (i32.const 2)
      (v128.const i32x4 0 0 0 0))
    (local.set $v)
    (i32x4.extract_lane 1 (local.get $v))))

(assert_return (invoke $wide "run" (i64.const 1000000))
  (i64.const 3000000) (f32.const nan:0x200001) (v128.const i32x4 7 1000000 0 0))
(assert_return (invoke $wide "call" (i64.const 4)) (i64.const 12) (f32.const -0) (i32.const 4))

;; The stack check still stops a runaway recursion of ordinary calls in a module with tail calls.
(module $deep
  (func $down (export "down") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add (i64.const 1) (call $down (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "tail-then-deep") (param i64) (result i64)
    (return_call $down (local.get 0))))

(assert_return (invoke $deep "tail-then-deep" (i64.const 1000)) (i64.const 1000))
(assert_exhaustion (invoke $deep "tail-then-deep" (i64.const 100000000)) "call stack exhausted")

;; Validation: a tail call returns the callee's results as the caller's.
(assert_invalid
  (module
    (func $f (result i64) (i64.const 0))
    (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module
    (type $t (func (result i32 i32)))
    (table 1 funcref)
    (func (result i32) (return_call_indirect (type $t) (i32.const 0))))
  "type mismatch")

;; return_call_ref (typed function references): to another module's function with a body
;; of the uniform prototype (the chain continues there), to a module without tail calls, and
;; a null reference.
(module $refs
  (type $pred (func (param i64) (result i32)))
  (type $add (func (param i32 i32 i32) (result i32)))
  (import "evens" "even" (func $even (type $pred)))
  (import "plain" "add3" (func $add3 (type $add)))
  (elem declare func $even $add3)
  (func (export "to-tail-module") (param i64) (result i32)
    (return_call_ref $pred (local.get 0) (ref.func $even)))
  (func (export "to-plain-module") (param i32) (result i32)
    (return_call_ref $add (local.get 0) (i32.const 1) (i32.const 2) (ref.func $add3)))
  (func (export "null") (result i32)
    (return_call_ref $add (i32.const 0) (i32.const 0) (i32.const 0) (ref.null $add))))

(assert_return (invoke $refs "to-tail-module" (i64.const 1000000)) (i32.const 1))
(assert_return (invoke $refs "to-plain-module" (i32.const 10)) (i32.const 13))
(assert_trap (invoke $refs "null") "null function reference")
