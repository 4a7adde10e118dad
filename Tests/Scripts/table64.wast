;; Tables with i64 indices (table64, part of the memory64 proposal) beside a
;; 32-bit table. Every index, length and delta is a 64-bit value: these are the
;; shapes an implementation that truncated them to 32 bits, or added them with
;; wrapping arithmetic, would get wrong (an index of 2^32 + 2 that lands on
;; element 2, a grow by 2^32 + 1 that grows by 1, a fill whose end wraps past
;; 2^64, a grow's -1 that reaches the caller as 0xffffffff), plus table.copy
;; between the two index types and element offsets of the table's index type.
(module
  (type $r (func (result i32)))
  (table $t64 i64 4 8 funcref)
  (table $t32 2 funcref)
  (table $e64 i64 2 externref)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  ;; An extended-constant i64 offset: elements 2 and 3.
  (elem (table $t64) (offset (i64.add (i64.const 1) (i64.const 1))) func $one $two)
  (elem $passive func $two $one)

  (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $r) (local.get 0)))
  (func (export "call32") (param i32) (result i32) (call_indirect $t32 (type $r) (local.get 0)))
  (func (export "is-null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
  (func (export "clear") (param i64) (table.set $t64 (local.get 0) (ref.null func)))
  (func (export "size") (result i64) (table.size $t64))
  (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
  (func (export "grow-extern") (param i64) (result i64) (table.grow $e64 (ref.null extern) (local.get 0)))
  (func (export "grow32") (param i32) (result i32) (table.grow $t32 (ref.null func) (local.get 0)))
  (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $one) (local.get 1)))
  (func (export "copy-64-to-32") (param i32 i64 i32)
    (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-32-to-64") (param i64 i32 i32)
    (table.copy $t64 $t32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-64") (param i64 i64 i64)
    (table.copy $t64 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32) (table.init $t64 $passive (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "call" (i64.const 2)) (i32.const 1))
(assert_return (invoke "call" (i64.const 3)) (i32.const 2))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 0x1_0000_0002)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")

(assert_return (invoke "is-null" (i64.const 1)) (i32.const 1))
(assert_return (invoke "is-null" (i64.const 3)) (i32.const 0))
(assert_trap (invoke "is-null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_trap (invoke "clear" (i64.const 0x1_0000_0003)) "out of bounds table access")
(assert_return (invoke "call" (i64.const 3)) (i32.const 2))

;; Growing: beyond the maximum, by more than 2^32, and by a delta whose sum with
;; the size wraps around 2^64 all fail with an i64 -1 and leave the size alone.
(assert_return (invoke "size") (i64.const 4))
(assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -3)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 5)) (i64.const -1))
(assert_return (invoke "size") (i64.const 4))
(assert_return (invoke "grow" (i64.const 4)) (i64.const 4))
(assert_return (invoke "grow" (i64.const 0)) (i64.const 8))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 8))
;; No maximum: the host's limit (far below 2^32 elements) refuses it.
(assert_return (invoke "grow-extern" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow-extern" (i64.const 1)) (i64.const 2))
(assert_return (invoke "grow32" (i32.const -1)) (i32.const -1))

;; Fill: a range ending past 2^64, or starting past the end, traps before writing.
(assert_trap (invoke "fill" (i64.const 1) (i64.const -1)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds table access")
(assert_return (invoke "is-null" (i64.const 1)) (i32.const 1))
(assert_return (invoke "fill" (i64.const 8) (i64.const 0)))
(assert_return (invoke "fill" (i64.const 0) (i64.const 1)))
(assert_return (invoke "call" (i64.const 0)) (i32.const 1))

;; Copy between the index types: the length has the smaller one (i32).
(assert_return (invoke "copy-64-to-32" (i32.const 0) (i64.const 2) (i32.const 2)))
(assert_return (invoke "call32" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call32" (i32.const 1)) (i32.const 2))
(assert_trap (invoke "copy-64-to-32" (i32.const 0) (i64.const 0x1_0000_0002) (i32.const 1)) "out of bounds table access")
(assert_trap (invoke "copy-32-to-64" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 1)) "out of bounds table access")
(assert_return (invoke "copy-32-to-64" (i64.const 5) (i32.const 0) (i32.const 2)))
(assert_return (invoke "call" (i64.const 6)) (i32.const 2))
(assert_trap (invoke "copy-64" (i64.const 0) (i64.const 1) (i64.const -1)) "out of bounds table access")
(assert_trap (invoke "copy-64" (i64.const 0x1_0000_0000) (i64.const 0) (i64.const 1)) "out of bounds table access")

;; table.init: the destination has the table's index type, the segment's range is i32.
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 0)) "out of bounds table access")
(assert_trap (invoke "init" (i64.const 7) (i32.const 0) (i32.const 2)) "out of bounds table access")
(assert_return (invoke "init" (i64.const 7) (i32.const 0) (i32.const 1)))
(assert_return (invoke "call" (i64.const 7)) (i32.const 2))

;; Imports: index types must match, and a maximum above 2^32 is compared whole.
(module
  (table (export "t64") i64 1 0x1_0000_0005 funcref)
  (table (export "t32") 1 funcref))
(register "tables")
(assert_unlinkable (module (import "tables" "t64" (table 1 funcref))) "incompatible import type")
(assert_unlinkable (module (import "tables" "t32" (table i64 1 funcref))) "incompatible import type")
(assert_unlinkable
  (module (import "tables" "t64" (table i64 1 0x1_0000_0000 funcref)))
  "incompatible import type")
(module
  (import "tables" "t64" (table $t i64 1 0x1_0000_0005 funcref))
  (func (export "size") (result i64) (table.size $t)))
(assert_return (invoke "size") (i64.const 1))
