;; A module that traps as soon as it starts: the edge host must report it and
;; restart it with backoff while the other modules keep running. Written by hand
;; against modules/edge.wit's core signatures (log: level, message pointer and length).
(module
  (import "wasmc:edge/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "faulty module starting")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  (func (export "wasmc:edge/guest@0.1.0#on-message") (param i32 i32 i32 i32 i32 i32 i32 i32))
  (func (export "_start")
    (call $log (i32.const 1) (i32.const 16) (i32.const 22))
    (unreachable)))
