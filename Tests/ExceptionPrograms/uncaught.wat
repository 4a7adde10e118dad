;; An exception no handler catches ends the program like a trap (exit 134), and wasmc's
;; report names the tag: `uncaught exception: tag "uncaught" "fatal"`. A catch clause for
;; another tag on the way does not stop it.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before\n")
  (tag $fatal (export "fatal") (param i32))
  (tag $other)
  (func $fail (throw $fatal (i32.const 3)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (block $h
      (try_table (catch $other $h) (call $fail)))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
)
