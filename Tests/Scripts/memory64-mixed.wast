;; A 32-bit and a 64-bit memory in one module. Guard pages cannot cover a 64-bit
;; address space, so the 64-bit memory is checked explicitly in both sandbox modes
;; while the 32-bit one keeps the module's strategy (see "Memory sandbox" in
;; README.md). The shapes: an address plus an offset that wraps around 2^64 (a
;; check of `addr + off + n > size` would let it through), accesses straddling the
;; end, bulk operations between the two memories, and the order of stores to both
;; memories before a trap.
(module
  (memory $small 1)
  (memory $big i64 1)
  (global $g (mut i32) (i32.const 0))
  (data (memory $big) (i64.const 16) "\01\02\03\04")
  (func (export "big-load") (param i64) (result i32) (i32.load $big (local.get 0)))
  (func (export "big-load-wrapping") (param i64) (result i32)
    (i32.load $big offset=0xfffffffffffffff0 (local.get 0)))
  (func (export "big-store-wrapping") (param i64)
    (i64.store $big offset=0xffffffffffffffff (local.get 0) (i64.const -1)))
  (func (export "big-load8") (param i64) (result i32) (i32.load8_u $big (local.get 0)))
  (func (export "small-load") (param i32) (result i32) (i32.load $small (local.get 0)))
  (func (export "big-size") (result i64) (memory.size $big))
  (func (export "big-grow") (param i64) (result i64) (memory.grow $big (local.get 0)))
  (func (export "copy-big-to-small") (param i32 i64 i32)
    (memory.copy $small $big (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-small-to-big") (param i64 i32 i32)
    (memory.copy $big $small (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill-big") (param i64 i32 i64) (memory.fill $big (local.get 0) (local.get 1) (local.get 2)))
  ;; Stores to both memories and a global, then a faulting access of the other memory:
  ;; everything before the trap stays, nothing after it happens.
  (func (export "stores-then-big-trap") (param i64)
    (i32.store $small (i32.const 0) (i32.const 7))
    (global.set $g (i32.const 8))
    (i32.store $big (i64.const 0) (i32.const 9))
    (drop (i32.load $big (local.get 0)))
    (i32.store $small (i32.const 0) (i32.const 10)))
  (func (export "stores-then-small-trap") (param i32)
    (i32.store $big (i64.const 4) (i32.const 11))
    (drop (i32.load $small (local.get 0)))
    (i32.store $big (i64.const 4) (i32.const 12)))
  (func (export "g") (result i32) (global.get $g))
)

(assert_return (invoke "big-load" (i64.const 16)) (i32.const 0x04030201))
(assert_return (invoke "big-load" (i64.const 65532)) (i32.const 0))
(assert_trap (invoke "big-load" (i64.const 65533)) "out of bounds memory access")
(assert_trap (invoke "big-load" (i64.const 0x100000000)) "out of bounds memory access")
(assert_trap (invoke "big-load" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "big-load" (i64.const -4)) "out of bounds memory access")
;; 0x20 + 0xfffffffffffffff0 wraps to 0x10, inside the memory: still out of bounds.
(assert_trap (invoke "big-load-wrapping" (i64.const 0x20)) "out of bounds memory access")
(assert_trap (invoke "big-load-wrapping" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "big-store-wrapping" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "big-store-wrapping" (i64.const 17)) "out of bounds memory access")
(assert_return (invoke "big-load" (i64.const 16)) (i32.const 0x04030201))
(assert_trap (invoke "big-load8" (i64.const 65536)) "out of bounds memory access")
(assert_return (invoke "big-load8" (i64.const 65535)) (i32.const 0))

;; Growing beyond this host's limit (or the address space) fails with -1, as an i64.
(assert_return (invoke "big-grow" (i64.const 0x1000000000000)) (i64.const -1))
(assert_return (invoke "big-grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "big-size") (i64.const 1))
(assert_return (invoke "big-grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "big-size") (i64.const 2))
(assert_return (invoke "big-load8" (i64.const 131071)) (i32.const 0))
(assert_trap (invoke "big-load8" (i64.const 131072)) "out of bounds memory access")

;; Copies between the memories check each side against its own memory, before writing.
(assert_return (invoke "copy-big-to-small" (i32.const 100) (i64.const 16) (i32.const 4)))
(assert_return (invoke "small-load" (i32.const 100)) (i32.const 0x04030201))
(assert_trap (invoke "copy-big-to-small" (i32.const 65534) (i64.const 16) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "small-load" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "copy-big-to-small" (i32.const 0) (i64.const -2) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "copy-small-to-big" (i64.const 131068) (i32.const 100) (i32.const 4)))
(assert_return (invoke "big-load" (i64.const 131068)) (i32.const 0x04030201))
(assert_trap (invoke "copy-small-to-big" (i64.const -1) (i32.const 100) (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "fill-big" (i64.const 1) (i32.const 0xff) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "big-load8" (i64.const 1)) (i32.const 0))
(assert_return (invoke "fill-big" (i64.const 131071) (i32.const 0xff) (i64.const 1)))
(assert_return (invoke "big-load8" (i64.const 131071)) (i32.const 0xff))

;; Program order of stores around a trap, in either memory.
(assert_trap (invoke "stores-then-big-trap" (i64.const 0x7fffffffffffffff)) "out of bounds memory access")
(assert_return (invoke "small-load" (i32.const 0)) (i32.const 7))
(assert_return (invoke "g") (i32.const 8))
(assert_return (invoke "big-load" (i64.const 0)) (i32.const 9))
(assert_trap (invoke "stores-then-small-trap" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "big-load" (i64.const 4)) (i32.const 11))

;; A 32-bit memory's memarg offset must fit in 32 bits (memory64 reads it as 64).
(assert_invalid
  (module (memory 1) (func (drop (i32.load offset=0x100000000 (i32.const 0)))))
  "offset out of range")

;; A memory's address type is part of its import type: an i32 memory cannot be
;; imported as an i64 one, nor the other way round.
(module $m32 (memory (export "m") 1))
(register "m32" $m32)
(module $m64 (memory (export "m") i64 1))
(register "m64" $m64)
(assert_unlinkable (module (import "m32" "m" (memory i64 1))) "incompatible import type")
(assert_unlinkable (module (import "m64" "m" (memory 1))) "incompatible import type")
(module (import "m32" "m" (memory 1)))
(module (import "m64" "m" (memory i64 1)) (func (export "load") (result i32) (i32.load (i64.const 65532))))
(assert_return (invoke "load") (i32.const 0))
