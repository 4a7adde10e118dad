;; Export and function names may hold anything, and generated C quotes a function's
;; name in the comment above it: a name holding "*/" ended that comment early and
;; clang rejected the module (found by the differential fuzzer, a smith module whose
;; export was named `y*/m"D`). Names with the comment's other delimiters too.
(module
  (func (export "y*/m\"D") (result i32) (i32.const 7))
  (func (export "*/") (result i32) (i32.const 8))
  (func (export "/* */ */ \n") (result i32) (i32.const 9)))

(assert_return (invoke "y*/m\"D") (i32.const 7))
(assert_return (invoke "*/") (i32.const 8))
(assert_return (invoke "/* */ */ \n") (i32.const 9))
