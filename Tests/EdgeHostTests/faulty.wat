;; A module that traps as soon as it starts: the edge host must report it and
;; restart it with backoff while the other modules keep running.
(module
  (import "edge" "edge_log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "faulty module starting")
  (func (export "edge_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "edge_on_message") (param i32 i32 i32 i32 i32))
  (func (export "_start")
    (call $log (i32.const 1) (i32.const 16) (i32.const 22))
    (unreachable)))
