;; SIMD accesses to 64-bit memories are checked explicitly in both bounds modes, like the
;; scalar ones: no guard region covers a 64-bit address, and an address cut to 32 bits
;; (0x1_0000_0000 -> 0) would land inside the memory. Also: a function whose only memory
;; access is a lane access still gets its memory's base and size.

(module
  (memory i64 1)
  (func (export "load") (param i64) (result v128) (v128.load (local.get 0)))
  (func (export "load_high") (param i64) (result v128) (v128.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
  (func (export "splat") (param i64) (result v128) (v128.load32_splat (local.get 0)))
  (func (export "extend") (param i64) (result v128) (v128.load8x8_u (local.get 0)))
  (func (export "load_lane") (param i64) (result v128)
    (v128.load8_lane 3 (local.get 0) (v128.const i64x2 0 0)))
  (func (export "store_lane") (param i64)
    (v128.store64_lane 1 (local.get 0) (v128.const i64x2 7 9)))
  (func (export "store") (param i64) (v128.store (local.get 0) (v128.const i64x2 1 2)))
  (func (export "read64") (param i64) (result i64) (i64.load (local.get 0)))
)
(assert_return (invoke "load" (i64.const 65520)) (v128.const i64x2 0 0))
(assert_trap (invoke "load" (i64.const 65521)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load_high" (i64.const 0x20)) "out of bounds memory access")
(assert_trap (invoke "splat" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_return (invoke "splat" (i64.const 65532)) (v128.const i32x4 0 0 0 0))
(assert_trap (invoke "extend" (i64.const 0x1_0000_fff9)) "out of bounds memory access")
(assert_return (invoke "load_lane" (i64.const 65535)) (v128.const i64x2 0 0))
(assert_trap (invoke "load_lane" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load_lane" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "store_lane" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "store" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_return (invoke "read64" (i64.const 0)) (i64.const 0))
(invoke "store_lane" (i64.const 65528))
(assert_return (invoke "read64" (i64.const 65528)) (i64.const 9))

;; A 32-bit memory 0 beside a 64-bit memory 1: lane accesses name their memory.
(module
  (memory 1)
  (memory i64 1)
  (func (export "lane1") (param i64) (result v128)
    (v128.load16_lane 1 1 (local.get 0) (v128.const i64x2 0 0)))
  (func (export "lane0") (param i32) (result v128)
    (v128.load16_lane 0 1 (local.get 0) (v128.const i64x2 0 0)))
)
(assert_return (invoke "lane1" (i64.const 65534)) (v128.const i64x2 0 0))
(assert_trap (invoke "lane1" (i64.const 65535)) "out of bounds memory access")
(assert_trap (invoke "lane1" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_return (invoke "lane0" (i32.const 65534)) (v128.const i64x2 0 0))
(assert_trap (invoke "lane0" (i32.const 65535)) "out of bounds memory access")
