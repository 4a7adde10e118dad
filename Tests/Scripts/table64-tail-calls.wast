;; Tail calls through a table with i64 indices: return_call_indirect takes the
;; table's index type, an i64 (merging tail calls with table64 first left it
;; typed i32, so these modules were refused or read the wrong operand), and its
;; bounds check sees the whole 64-bit index. A million tail calls through the
;; table run in constant stack; a table initializer fills a 64-bit table.
(module
  (type $r (func (param i64) (result i64)))
  (table $t i64 2 funcref)
  (table $filled i64 3 funcref (ref.func $done))
  (elem (table $t) (i64.const 0) func $count $done)
  (func $count (type $r)
    (if (result i64) (i64.eqz (local.get 0))
      (then (return_call_indirect $t (type $r) (local.get 0) (i64.const 1)))
      (else (return_call_indirect $t (type $r) (i64.sub (local.get 0) (i64.const 1)) (i64.const 0)))))
  (func $done (type $r) (i64.const 42))
  (func (export "run") (param i64) (result i64) (call $count (local.get 0)))
  (func (export "tail-at") (param i64) (result i64)
    (return_call_indirect $t (type $r) (i64.const 0) (local.get 0)))
  (func (export "tail-filled") (param i64) (result i64)
    (return_call_indirect $filled (type $r) (i64.const 0) (local.get 0)))
)

(assert_return (invoke "run" (i64.const 1000000)) (i64.const 42))
(assert_return (invoke "tail-at" (i64.const 1)) (i64.const 42))
(assert_trap (invoke "tail-at" (i64.const 2)) "undefined element")
(assert_trap (invoke "tail-at" (i64.const 0x1_0000_0001)) "undefined element")
(assert_return (invoke "tail-filled" (i64.const 2)) (i64.const 42))
(assert_trap (invoke "tail-filled" (i64.const 0x1_0000_0002)) "undefined element")
