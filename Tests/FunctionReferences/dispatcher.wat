;; A closure-style dispatcher on typed function references, run as a WASI command and
;; compared with wasmtime by run.sh:
;;   - closures as (code, environment) pairs: the code a typed reference in a table of
;;     (ref null $closure), the environment in linear memory; adders, multipliers and
;;     compositions built at run time and applied through call_ref;
;;   - higher-order functions (map-sum and fold) taking (ref $unop) / (ref $binop);
;;   - a bytecode interpreter whose opcodes dispatch through a (ref $op) table with an
;;     initialiser (every unknown opcode is "halt") and an element segment;
;;   - an optional hook in a (ref null $unop) global, tested with br_on_null;
;;   - with any argument, a call through an unset closure slot: a null call_ref, which
;;     must trap ("null function reference") on both sides.
(module
  (type $unop (func (param i64) (result i64)))
  (type $binop (func (param i64 i64) (result i64)))
  (type $closure (func (param i64 i64) (result i64)))  ;; environment, argument
  (type $op (func (param i32) (result i32)))            ;; pc -> next pc (-1 halts)

  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))

  (memory (export "memory") 1)
  ;; 0: iovec, 8: bytes written, 16..63: number text, 64: argc/argv sizes,
  ;; 1024: closure environments (i64 each), 4096: interpreter stack (i64), 8192: bytecode.
  (data (i32.const 100) "closures\0ahigher-order\0ainterpreter\0ahook\0a")

  ;; ---------------------------------------------------------------- output
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print (param $n i64)
    (local $p i32) (local $neg i32)
    (local.set $p (i32.const 63))
    (i32.store8 (local.get $p) (i32.const 10))
    (local.set $neg (i64.lt_s (local.get $n) (i64.const 0)))
    (if (local.get $neg) (then (local.set $n (i64.sub (i64.const 0) (local.get $n)))))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (call $write (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  ;; ---------------------------------------------------------------- closures
  (table $closures 64 (ref null $closure))
  (global $next_closure (mut i32) (i32.const 0))

  (func $env (param $slot i32) (result i32)
    (i32.add (i32.const 1024) (i32.shl (local.get $slot) (i32.const 3))))

  (func $make (param $code (ref $closure)) (param $environment i64) (result i32)
    (local $slot i32)
    (local.set $slot (global.get $next_closure))
    (global.set $next_closure (i32.add (local.get $slot) (i32.const 1)))
    (table.set $closures (local.get $slot) (local.get $code))
    (i64.store (call $env (local.get $slot)) (local.get $environment))
    (local.get $slot))

  (func $apply (param $slot i32) (param $x i64) (result i64)
    (call_ref $closure
      (i64.load (call $env (local.get $slot)))
      (local.get $x)
      (table.get $closures (local.get $slot))))

  (elem declare func $adder $multiplier $compose $square $cube $plus $mix)
  (func $adder (type $closure) (i64.add (local.get 0) (local.get 1)))
  (func $multiplier (type $closure) (i64.mul (local.get 0) (local.get 1)))
  ;; The environment holds two closure slots: apply the low one to the high one's result.
  (func $compose (type $closure)
    (call $apply (i32.wrap_i64 (local.get 0))
      (call $apply (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))) (local.get 1))))
  (func $compose_of (param $f i32) (param $g i32) (result i32)
    (call $make (ref.func $compose)
      (i64.or (i64.extend_i32_u (local.get $f)) (i64.shl (i64.extend_i32_u (local.get $g)) (i64.const 32)))))

  (func $closures_demo
    (local $add3 i32) (local $times7 i32) (local $both i32) (local $chain i32) (local $i i32) (local $acc i64)
    (call $write (i32.const 100) (i32.const 9))
    (local.set $add3 (call $make (ref.func $adder) (i64.const 3)))
    (local.set $times7 (call $make (ref.func $multiplier) (i64.const 7)))
    (local.set $both (call $compose_of (local.get $add3) (local.get $times7)))   ;; 7x + 3
    (call $print (call $apply (local.get $add3) (i64.const 39)))
    (call $print (call $apply (local.get $times7) (i64.const 6)))
    (call $print (call $apply (local.get $both) (i64.const 5)))
    ;; A chain of 20 compositions, applied 100000 times.
    (local.set $chain (local.get $both))
    (local.set $i (i32.const 0))
    (loop $build
      (local.set $chain
        (call $compose_of
          (call $make (ref.func $adder) (i64.extend_i32_u (local.get $i)))
          (local.get $chain)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $build (i32.lt_u (local.get $i) (i32.const 20))))
    (local.set $i (i32.const 0))
    (loop $run
      (local.set $acc
        (i64.add (local.get $acc)
          (call $apply (local.get $chain) (i64.extend_i32_u (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $run (i32.lt_u (local.get $i) (i32.const 100000))))
    (call $print (local.get $acc)))

  ;; ---------------------------------------------------------------- higher-order
  (func $square (type $unop) (i64.mul (local.get 0) (local.get 0)))
  (func $cube (type $unop) (i64.mul (local.get 0) (i64.mul (local.get 0) (local.get 0))))
  (func $plus (type $binop) (i64.add (local.get 0) (local.get 1)))
  (func $mix (type $binop) (i64.xor (i64.mul (local.get 0) (i64.const 31)) (local.get 1)))

  (func $map_sum (param $f (ref $unop)) (param $n i64) (result i64)
    (local $i i64) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (call_ref $unop (local.get $i) (local.get $f))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.get $sum))

  (func $fold (param $f (ref $binop)) (param $init i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (local.set $acc (local.get $init))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call_ref $binop (local.get $acc) (local.get $i) (local.get $f)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  (global $transform (mut (ref $unop)) (ref.func $square))

  (func $higher_order_demo
    (call $write (i32.const 109) (i32.const 13))
    (call $print (call $map_sum (global.get $transform) (i64.const 1000)))
    (global.set $transform (ref.func $cube))
    (call $print (call $map_sum (global.get $transform) (i64.const 1000)))
    (call $print (call $fold (ref.func $plus) (i64.const 0) (i64.const 100000)))
    (call $print (call $fold (ref.func $mix) (i64.const 1) (i64.const 100000))))

  ;; ---------------------------------------------------------------- interpreter
  ;; Bytecode: 1 push <byte>, 2 add, 3 sub, 4 mul, 5 dup, 6 swap, 7 jnz <byte target>,
  ;; 8 print, 9 over, 10 drop, 11 rot; anything else halts (the table's initialiser).
  (global $sp (mut i32) (i32.const 4096))
  (func $push (param $v i64)
    (i64.store (global.get $sp) (local.get $v))
    (global.set $sp (i32.add (global.get $sp) (i32.const 8))))
  (func $pop (result i64)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
    (i64.load (global.get $sp)))
  (func $peek (param $depth i32) (result i64)
    (i64.load (i32.sub (global.get $sp) (i32.shl (i32.add (local.get $depth) (i32.const 1)) (i32.const 3)))))

  (func $op_halt (type $op) (i32.const -1))
  (func $op_push (type $op)
    (call $push (i64.load8_u (i32.add (i32.const 8193) (local.get 0))))
    (i32.add (local.get 0) (i32.const 2)))
  (func $op_add (type $op) (local $b i64)
    (local.set $b (call $pop)) (call $push (i64.add (call $pop) (local.get $b)))
    (i32.add (local.get 0) (i32.const 1)))
  (func $op_sub (type $op) (local $b i64)
    (local.set $b (call $pop)) (call $push (i64.sub (call $pop) (local.get $b)))
    (i32.add (local.get 0) (i32.const 1)))
  (func $op_mul (type $op) (local $b i64)
    (local.set $b (call $pop)) (call $push (i64.mul (call $pop) (local.get $b)))
    (i32.add (local.get 0) (i32.const 1)))
  (func $op_dup (type $op) (call $push (call $peek (i32.const 0))) (i32.add (local.get 0) (i32.const 1)))
  (func $op_swap (type $op) (local $a i64) (local $b i64)
    (local.set $b (call $pop)) (local.set $a (call $pop))
    (call $push (local.get $b)) (call $push (local.get $a))
    (i32.add (local.get 0) (i32.const 1)))
  (func $op_jnz (type $op)
    (if (result i32) (i64.ne (call $pop) (i64.const 0))
      (then (i32.load8_u (i32.add (i32.const 8193) (local.get 0))))
      (else (i32.add (local.get 0) (i32.const 2)))))
  (func $op_print (type $op) (call $print (call $pop)) (i32.add (local.get 0) (i32.const 1)))
  (func $op_over (type $op) (call $push (call $peek (i32.const 1))) (i32.add (local.get 0) (i32.const 1)))
  (func $op_drop (type $op) (drop (call $pop)) (i32.add (local.get 0) (i32.const 1)))
  (func $op_rot (type $op) (local $a i64) (local $b i64) (local $c i64)  ;; a b c -> b c a
    (local.set $c (call $pop)) (local.set $b (call $pop)) (local.set $a (call $pop))
    (call $push (local.get $b)) (call $push (local.get $c)) (call $push (local.get $a))
    (i32.add (local.get 0) (i32.const 1)))

  (table $ops 256 (ref $op) (ref.func $op_halt))
  (elem (table $ops) (i32.const 1) (ref $op)
    (ref.func $op_push) (ref.func $op_add) (ref.func $op_sub) (ref.func $op_mul) (ref.func $op_dup)
    (ref.func $op_swap) (ref.func $op_jnz) (ref.func $op_print) (ref.func $op_over) (ref.func $op_drop)
    (ref.func $op_rot))

  ;; Three programs: factorial 20 (pc 0, falls through into the next), the 91st and 90th
  ;; Fibonacci numbers (pc 16), and the sum 1..2,000,000 (pc 38); halt (0) ends them.
  (data (i32.const 8192)
    "\01\01\01\14"                         ;; 0: push 1, push 20          acc n
    "\06\09\04\06\01\01\03\05\07\04"         ;; 4: swap over mul swap push 1 sub dup jnz 4
    "\0a\08"                                ;; 14: drop print
    "\01\00\01\01\01\5a"                     ;; 16: push 0, push 1, push 90   a b n
    "\0b\0b\05\0b\02\0b\01\01\03\05\07\16"     ;; 22: rot rot dup rot add rot push 1 sub dup jnz 22
    "\0a\08\08\00"                          ;; 34: drop print print halt
    "\01\00\01\c8\05\04\01\32\04"           ;; 38: push 0, push 200, dup, mul, push 50, mul
    "\06\09\02\06\01\01\03\05\07\2f"         ;; 47: swap over add swap push 1 sub dup jnz 47
    "\0a\08\00")                            ;; 57: drop print halt

  (func $run (param $pc i32) (result i32)
    (local $steps i32)
    (loop $dispatch
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (local.set $pc
        (call_ref $op (local.get $pc) (table.get $ops (i32.load8_u (i32.add (i32.const 8192) (local.get $pc))))))
      (br_if $dispatch (i32.ge_s (local.get $pc) (i32.const 0))))
    (local.get $steps))

  (func $interpreter_demo
    (call $write (i32.const 122) (i32.const 12))
    (call $print (i64.extend_i32_u (call $run (i32.const 0))))
    (call $print (i64.extend_i32_u (call $run (i32.const 16))))
    (call $print (i64.extend_i32_u (call $run (i32.const 38)))))

  ;; ---------------------------------------------------------------- hook
  (global $hook (mut (ref null $unop)) (ref.null $unop))
  (func $hooked (param $x i64) (result i64)
    (local $h (ref $unop))
    (block $none
      (local.set $h (br_on_null $none (global.get $hook)))
      (return (call_ref $unop (local.get $x) (local.get $h))))
    (local.get $x))

  (func $hook_demo
    (call $write (i32.const 134) (i32.const 5))
    (call $print (call $hooked (i64.const 12)))
    (global.set $hook (ref.func $square))
    (call $print (call $hooked (i64.const 12))))

  (func (export "_start")
    (call $closures_demo)
    (call $higher_order_demo)
    (call $interpreter_demo)
    (call $hook_demo)
    ;; With an argument: apply a closure slot never made, a null call_ref.
    (drop (call $args_sizes_get (i32.const 64) (i32.const 68)))
    (if (i32.gt_u (i32.load (i32.const 64)) (i32.const 1))
      (then (call $print (call $apply (i32.const 63) (i64.const 1))))))
)
