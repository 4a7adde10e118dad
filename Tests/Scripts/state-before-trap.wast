;; State outside linear memory written before an out-of-bounds access: after the trap,
;; globals, tables and dropped segments must hold every write made before it. With
;; guard pages the fault is not a call clang has to respect, so a plain store to the
;; instance may be deleted (a loop's next iteration writes it again, only volatile
;; stores come between) or moved past the access (see "Memory sandbox" in README.md).

;; The differential fuzzer's shape: a loop sets a global, then faults on a store whose
;; value (or address) changes after the first iteration. clang peels that iteration,
;; and its global.set looked dead: the loop's next set overwrites it, and only volatile
;; stores come between.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (global $h (mut i64) (i64.const 0))
  (global $f (mut f64) (f64.const 0))
  (func (export "loop-set-then-store") (param i32)
    (local $v i32)
    (loop $l
      (global.set $g (i32.const 7))
      (i32.store (local.get 0) (local.get $v))
      (local.set $v (i32.const 1))
      (br $l)))
  (func (export "loop-set-then-store-address") (param i32)
    (local $v i32)
    (loop $l
      (global.set $g (i32.const 14))
      (i32.store (i32.add (local.get 0) (local.get $v)) (i32.const 0))
      (local.set $v (i32.const 4))
      (br $l)))
  (func (export "loop-set-then-store64") (param i32)
    (local $v i64)
    (loop $l
      (global.set $h (i64.const -5))
      (global.set $f (f64.const 2.5))
      (i64.store32 offset=52068 (local.get 0) (local.get $v))
      (i32.store8 (i32.const 0) (i32.const 9))
      (local.set $v (i64.const 3))
      (br $l)))
  ;; A counted loop: the global holds the iteration whose store faulted.
  (func (export "count-then-store") (param i32)
    (local $i i32)
    (loop $l
      (global.set $g (local.get $i))
      (i32.store (i32.mul (local.get $i) (local.get 0)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  ;; A set the loop's next iteration overwrites, with a faulting load between.
  (func (export "set-load-set") (param i32) (result i32)
    (local $sum i32)
    (loop $l
      (global.set $g (i32.const 11))
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get 0))))
      (global.set $g (i32.const 12))
      (br_if $l (i32.lt_u (local.get $sum) (i32.const 100))))
    (local.get $sum))
  ;; Straight-line: a set overwritten after the faulting store.
  (func (export "set-store-set") (param i32)
    (global.set $g (i32.const 5))
    (i32.store (local.get 0) (i32.const 1))
    (global.set $g (i32.const 6)))
  ;; The same through calls clang inlines.
  (func $set (param i32) (global.set $g (local.get 0)))
  (func (export "inlined-set-store-set") (param i32)
    (call $set (i32.const 8))
    (i32.store (local.get 0) (i32.const 1))
    (call $set (i32.const 9)))
  ;; A set after the faulting access must not happen.
  (func (export "store-then-set") (param i32)
    (i32.store (local.get 0) (i32.const 1))
    (global.set $g (i32.const 99)))
  (func (export "g") (result i32) (global.get $g))
  (func (export "h") (result i64) (global.get $h))
  (func (export "f") (result f64) (global.get $f))
  (func (export "set-g") (param i32) (global.set $g (local.get 0)))
)
(assert_trap (invoke "loop-set-then-store" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 7))
(assert_trap (invoke "loop-set-then-store-address" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 14))
(assert_trap (invoke "loop-set-then-store64" (i32.const -2097153)) "out of bounds memory access")
(assert_return (invoke "h") (i64.const -5))
(assert_return (invoke "f") (f64.const 2.5))
(invoke "set-g" (i32.const 0))
(assert_trap (invoke "count-then-store" (i32.const 30000)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 3))
(assert_trap (invoke "set-load-set" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 11))
(invoke "set-g" (i32.const 0))
(assert_trap (invoke "set-store-set" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 5))
(invoke "set-g" (i32.const 0))
(assert_trap (invoke "inlined-set-store-set" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 8))
(invoke "set-g" (i32.const 1))
(assert_trap (invoke "store-then-set" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 1))

;; An imported global: the host's value must hold the write too.
(module $exporter
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "get") (result i32) (global.get 0))
)
(register "exporter" $exporter)
(module
  (import "exporter" "g" (global $g (mut i32)))
  (memory 1)
  (func (export "loop-set-then-store") (param i32)
    (local $v i32)
    (loop $l
      (global.set $g (i32.const 21))
      (i32.store (local.get 0) (local.get $v))
      (local.set $v (i32.const 1))
      (br $l)))
)
(assert_trap (invoke "loop-set-then-store" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke $exporter "get") (i32.const 21))

;; table.set, data.drop and elem.drop before a faulting store.
(module
  (memory 1)
  (table $t 2 funcref)
  (func $f)
  (elem $e func $f)
  (data $d "abcd")
  (func (export "loop-table-set-then-store") (param i32)
    (local $v i32)
    (loop $l
      (table.set $t (i32.const 1) (ref.func $f))
      (i32.store (local.get 0) (local.get $v))
      (local.set $v (i32.const 1))
      (br $l)))
  (func (export "loop-data-drop-then-store") (param i32)
    (local $v i32)
    (loop $l
      (data.drop $d)
      (i32.store (local.get 0) (local.get $v))
      (local.set $v (i32.const 1))
      (br $l)))
  (func (export "loop-elem-drop-then-store") (param i32)
    (local $v i32)
    (loop $l
      (elem.drop $e)
      (i32.store (local.get 0) (local.get $v))
      (local.set $v (i32.const 1))
      (br $l)))
  (func (export "slot-1-is-null") (result i32) (ref.is_null (table.get $t (i32.const 1))))
  (func (export "init-data") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 4)))
  (func (export "init-elem") (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1)))
)
(assert_trap (invoke "loop-table-set-then-store" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "slot-1-is-null") (i32.const 0))
(assert_trap (invoke "loop-data-drop-then-store" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "init-data") "out of bounds memory access")
(assert_trap (invoke "loop-elem-drop-then-store" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "init-elem") "out of bounds table access")
