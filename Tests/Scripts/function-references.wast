;; Typed function references in shapes the proposal's scripts leave out: call_ref through
;; a global, through a typed table after table.set and table.grow, br_on_non_null handing its
;; value to the label, a null call_ref trapping, a table initialiser read back, a typed
;; reference crossing modules, and signatures that differ only in their typed references
;; (one C function-pointer type, distinct canonical strings).

(module $M
  (type $unop (func (param i32) (result i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (elem declare func $inc $dbl $add)

  ;; call_ref through a mutable global of a non-null type.
  (global $op (mut (ref $unop)) (ref.func $inc))
  (func (export "global-call") (param i32) (result i32)
    (call_ref $unop (local.get 0) (global.get $op)))
  (func (export "global-set-dbl")
    (global.set $op (ref.func $dbl)))
  (global (export "op") (ref $unop) (ref.func $inc))

  ;; A table of a non-null type with an initialiser: every slot starts as $inc.
  (table $ops 3 (ref $unop) (ref.func $inc))
  (func (export "table-call") (param i32 i32) (result i32)
    (call_ref $unop (local.get 0) (table.get $ops (local.get 1))))
  (func (export "table-set") (param i32)
    (table.set $ops (local.get 0) (ref.func $dbl)))
  (func (export "table-grow") (result i32)
    (table.grow $ops (ref.func $dbl) (i32.const 2)))
  (func (export "table-size") (result i32) (table.size $ops))

  ;; A nullable typed table: null until set; call_ref of null traps.
  (table $maybe 2 (ref null $unop))
  (func (export "maybe-call") (param i32 i32) (result i32)
    (call_ref $unop (local.get 0) (table.get $maybe (local.get 1))))
  (func (export "maybe-set") (param i32)
    (table.set $maybe (local.get 0) (ref.func $dbl)))
  (func (export "null-call") (result i32)
    (call_ref $unop (i32.const 1) (ref.null $unop)))
  ;; call_indirect of a typed table: the table is a funcref subtype.
  (func (export "indirect-call") (param i32 i32) (result i32)
    (call_indirect $maybe (type $unop) (local.get 0) (local.get 1)))

  ;; br_on_non_null passes the reference to its label, which calls it; null falls through.
  (func $apply-or (param $f (ref null $unop)) (param $x i32) (result i32)
    (local $g (ref $unop))
    (local.set $g
      (block $some (result (ref $unop))
        (br_on_non_null $some (local.get $f))
        (return (i32.const -1))))
    (call_ref $unop (local.get $x) (local.get $g)))
  (func (export "apply-or-inc") (param i32) (result i32)
    (call $apply-or (ref.func $inc) (local.get 0)))
  (func (export "apply-or-null") (param i32) (result i32)
    (call $apply-or (ref.null $unop) (local.get 0)))

  ;; br_on_null branches without the reference and leaves a non-null one behind.
  (func (export "br-on-null") (param i32) (result i32)
    (local $f (ref null $binop))
    (local $g (ref $binop))
    (if (local.get 0) (then (local.set $f (ref.func $add))))
    (block $none (result i32)
      (i32.const 7)
      (br_on_null $none (local.get $f))
      (local.set $g)
      (drop)
      (return (call_ref $binop (i32.const 40) (i32.const 2) (local.get $g)))))

  ;; A non-null local, set in a block and read after it is set again.
  (func (export "non-null-local") (param i32) (result i32)
    (local $f (ref $unop))
    (local.set $f (ref.func $dbl))
    (block (local.set $f (ref.func $inc)))
    (local.set $f (ref.func $inc))
    (call_ref $unop (local.get 0) (local.get $f)))

  ;; ref.as_non_null of null traps with "null reference".
  (func (export "as-non-null-null")
    (drop (ref.as_non_null (ref.null $unop))))

  ;; Exported with typed parameters and results (signatures that differ only there).
  (func (export "pick") (param $which i32) (result (ref $unop))
    (if (result (ref $unop)) (local.get $which) (then (ref.func $dbl)) (else (ref.func $inc))))
  (func (export "call-it") (param $f (ref null $unop)) (param i32) (result i32)
    (call_ref $unop (local.get 1) (local.get $f)))
  (func (export "is-null") (param funcref) (result i32) (ref.is_null (local.get 0)))
  (func (export "is-null-typed") (param (ref null $unop)) (result i32) (ref.is_null (local.get 0)))
)
(register "M" $M)

(assert_return (invoke "global-call" (i32.const 5)) (i32.const 6))
(invoke "global-set-dbl")
(assert_return (invoke "global-call" (i32.const 5)) (i32.const 10))

(assert_return (invoke "table-call" (i32.const 5) (i32.const 2)) (i32.const 6))
(invoke "table-set" (i32.const 2))
(assert_return (invoke "table-call" (i32.const 5) (i32.const 2)) (i32.const 10))
(assert_return (invoke "table-call" (i32.const 5) (i32.const 1)) (i32.const 6))
(assert_return (invoke "table-grow") (i32.const 3))
(assert_return (invoke "table-size") (i32.const 5))
(assert_return (invoke "table-call" (i32.const 5) (i32.const 4)) (i32.const 10))
(assert_trap (invoke "table-call" (i32.const 5) (i32.const 5)) "out of bounds table access")

(assert_trap (invoke "maybe-call" (i32.const 5) (i32.const 0)) "null function reference")
(invoke "maybe-set" (i32.const 0))
(assert_return (invoke "maybe-call" (i32.const 5) (i32.const 0)) (i32.const 10))
(assert_return (invoke "indirect-call" (i32.const 7) (i32.const 0)) (i32.const 14))
(assert_trap (invoke "indirect-call" (i32.const 7) (i32.const 1)) "uninitialized element")
(assert_trap (invoke "null-call") "null function reference")

(assert_return (invoke "apply-or-inc" (i32.const 41)) (i32.const 42))
(assert_return (invoke "apply-or-null" (i32.const 41)) (i32.const -1))
(assert_return (invoke "br-on-null" (i32.const 1)) (i32.const 42))
(assert_return (invoke "br-on-null" (i32.const 0)) (i32.const 7))
(assert_return (invoke "non-null-local" (i32.const 3)) (i32.const 4))
(assert_trap (invoke "as-non-null-null") "null reference")

(assert_return (invoke "pick" (i32.const 1)) (ref.func))
(assert_return (invoke "is-null" (ref.null func)) (i32.const 1))
(assert_return (invoke "is-null-typed" (ref.null func)) (i32.const 1))

;; A second module imports the typed global and table and calls through them; the types
;; are spelled differently but are equivalent.
(module
  (type $f (func (param i32) (result i32)))
  (global $op (import "M" "op") (ref $f))
  (global $any (import "M" "op") funcref)
  (func $call (import "M" "call-it") (param (ref null $f)) (param i32) (result i32))
  (func (export "through-import") (param i32) (result i32)
    (call $call (global.get $op) (local.get 0)))
)
(assert_return (invoke "through-import" (i32.const 20)) (i32.const 21))

;; A typed global of another function type does not link.
(assert_unlinkable
  (module (type $g (func (param i64) (result i32))) (global (import "M" "op") (ref $g)))
  "incompatible import type")

;; The initialisation rules of non-null locals.
(assert_invalid
  (module (type $t (func)) (func (local $f (ref $t)) (drop (local.get $f))))
  "uninitialized local")
(assert_invalid
  (module (type $t (func)) (elem declare func 0)
    (func (local $f (ref $t)) (block (local.set $f (ref.func 0))) (drop (local.get $f))))
  "uninitialized local")
(assert_invalid
  (module (type $t (func)) (elem declare func 0)
    (func (param i32) (local $f (ref $t))
      (if (local.get 0) (then (local.set $f (ref.func 0))) (else (drop (local.get $f))))))
  "uninitialized local")
;; A table of a non-null type without an initialiser.
(assert_invalid (module (type $t (func)) (table 1 (ref $t))) "type mismatch")
;; call_ref of a reference of another type.
(assert_invalid
  (module (type $a (func)) (type $b (func (param i32)))
    (func (param (ref $a)) (call_ref $b (i32.const 0) (local.get 0))))
  "type mismatch")
;; br_on_non_null needs a label ending in a reference.
(assert_invalid
  (module (type $a (func))
    (func (param (ref null $a)) (block $l (br_on_non_null $l (local.get 0)))))
  "type mismatch")
