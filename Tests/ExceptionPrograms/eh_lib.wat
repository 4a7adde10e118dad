;; The first module of a two-module program (with eh_main.wat): it defines and exports the
;; tags, a function that throws one, and one that catches whatever its table's function
;; throws with its own tag, so an exception crosses the modules both ways.
(module
  (tag $error (export "error") (param i32 i64))
  (tag (export "other") (param f32))
  (table (export "callbacks") 1 funcref)
  (type $callback (func (param i32)))

  ;; Parses a "number": negative ones are an error carrying the input and a code.
  (func (export "parse") (param $x i32) (result i64)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (throw $error (local.get $x) (i64.const 999))))
    (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 3)))

  ;; Calls callbacks[0] (a function of the other module) and catches $error from it.
  (func (export "call_and_catch") (param $x i32) (result i64) (local $code i64)
    (block $caught (result i32 i64)
      (try_table (catch $error $caught)
        (call_indirect (type $callback) (local.get $x) (i32.const 0)))
      (return (i64.const 0)))
    (local.set $code)
    (i64.add (i64.mul (i64.extend_i32_s) (i64.const 1000)) (local.get $code)))
)
