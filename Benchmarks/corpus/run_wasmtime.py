#!/usr/bin/env python3
"""Runs a WASI command module under wasmtime: Tests/Support/run_wasmtime.py, the one
runner, under the path wasmc-bench (Sources/wasmc-bench) calls.

usage: run_wasmtime.py FILE.wasm [ARGS...]
"""
import os
import runpy
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.argv[0] = os.path.join(ROOT, "Tests", "Support", "run_wasmtime.py")
runpy.run_path(sys.argv[0], run_name="__main__")
