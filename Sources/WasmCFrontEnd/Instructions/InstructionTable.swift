/// Every plain instruction wasmc compiles, one row each: its operand and result types (which
/// validation checks and the stack effect follows from), its immediates, and the C it becomes.
///
/// In the spirit of WasmKit's `Instructions.json` and wasm2c's one macro per operator, this
/// is the only place that knows these instructions. Adding one is adding its row (and, if its C
/// needs one, a helper in runtime-c/include/wasmc_module.h); WasmParser's case for it
/// is found by name (`i32.add` is `Instruction.Binary.i32Add`). Instructions with structured
/// control flow or special validation (blocks, branches, calls, variables, `select`,
/// constants, references) keep dedicated code in `FunctionValidator` and the back end's
/// `FunctionEmitter`.
///
/// The C must keep the semantics exact: signed operations cast to the signed type, shifts
/// mask their count, traps (division, conversion) go through the runtime's helpers with
/// `__func__`, and every memory access through its `wasmc_<name>` function (see "Memory
/// sandbox" in README.md). Rows are in opcode order (spec 5.4).
public enum InstructionTable {
    public static let rows: [InstructionRow] = coreRows + simdRows

    static let coreRows: [InstructionRow] = [
        // Memory (spec 5.4.6): loads [address] -> [t], stores [address t] -> [].
        .load("i32.load", .i32, bytes: 4),
        .load("i64.load", .i64, bytes: 8),
        .load("f32.load", .f32, bytes: 4),
        .load("f64.load", .f64, bytes: 8),
        .load("i32.load8_s", .i32, bytes: 1),
        .load("i32.load8_u", .i32, bytes: 1),
        .load("i32.load16_s", .i32, bytes: 2),
        .load("i32.load16_u", .i32, bytes: 2),
        .load("i64.load8_s", .i64, bytes: 1),
        .load("i64.load8_u", .i64, bytes: 1),
        .load("i64.load16_s", .i64, bytes: 2),
        .load("i64.load16_u", .i64, bytes: 2),
        .load("i64.load32_s", .i64, bytes: 4),
        .load("i64.load32_u", .i64, bytes: 4),
        .store("i32.store", .i32, bytes: 4),
        .store("i64.store", .i64, bytes: 8),
        .store("f32.store", .f32, bytes: 4),
        .store("f64.store", .f64, bytes: 8),
        .store("i32.store8", .i32, bytes: 1),
        .store("i32.store16", .i32, bytes: 2),
        .store("i64.store8", .i64, bytes: 1),
        .store("i64.store16", .i64, bytes: 2),
        .store("i64.store32", .i64, bytes: 4),
        // memory.grow's -1 (UINT32_MAX) widens to the address type's -1; a memory has at most
        // WASMC_MAX_PAGES pages on this host, so a page count never looks negative.
        InstructionRow("memory.size", [], [.address], "($addrtype)inst->memory$memidx->pages", immediates: .memory),
        InstructionRow(
            "memory.grow", [.address], [.address], "($addrtype)(int32_t)wasmc_memory_grow(inst->memory$memidx, $0)",
            immediates: .memory, effects: [.resizesMemory, .entersRuntime]),

        // Numeric (spec 5.4.7): comparisons.
        InstructionRow("i32.eqz", [.i32], [.i32], "$0 == 0"),
        InstructionRow("i32.eq", [.i32, .i32], [.i32], "$0 == $1"),
        InstructionRow("i32.ne", [.i32, .i32], [.i32], "$0 != $1"),
        InstructionRow("i32.lt_s", [.i32, .i32], [.i32], "(int32_t)$0 < (int32_t)$1"),
        InstructionRow("i32.lt_u", [.i32, .i32], [.i32], "$0 < $1"),
        InstructionRow("i32.gt_s", [.i32, .i32], [.i32], "(int32_t)$0 > (int32_t)$1"),
        InstructionRow("i32.gt_u", [.i32, .i32], [.i32], "$0 > $1"),
        InstructionRow("i32.le_s", [.i32, .i32], [.i32], "(int32_t)$0 <= (int32_t)$1"),
        InstructionRow("i32.le_u", [.i32, .i32], [.i32], "$0 <= $1"),
        InstructionRow("i32.ge_s", [.i32, .i32], [.i32], "(int32_t)$0 >= (int32_t)$1"),
        InstructionRow("i32.ge_u", [.i32, .i32], [.i32], "$0 >= $1"),
        InstructionRow("i64.eqz", [.i64], [.i32], "$0 == 0"),
        InstructionRow("i64.eq", [.i64, .i64], [.i32], "$0 == $1"),
        InstructionRow("i64.ne", [.i64, .i64], [.i32], "$0 != $1"),
        InstructionRow("i64.lt_s", [.i64, .i64], [.i32], "(int64_t)$0 < (int64_t)$1"),
        InstructionRow("i64.lt_u", [.i64, .i64], [.i32], "$0 < $1"),
        InstructionRow("i64.gt_s", [.i64, .i64], [.i32], "(int64_t)$0 > (int64_t)$1"),
        InstructionRow("i64.gt_u", [.i64, .i64], [.i32], "$0 > $1"),
        InstructionRow("i64.le_s", [.i64, .i64], [.i32], "(int64_t)$0 <= (int64_t)$1"),
        InstructionRow("i64.le_u", [.i64, .i64], [.i32], "$0 <= $1"),
        InstructionRow("i64.ge_s", [.i64, .i64], [.i32], "(int64_t)$0 >= (int64_t)$1"),
        InstructionRow("i64.ge_u", [.i64, .i64], [.i32], "$0 >= $1"),
        InstructionRow("f32.eq", [.f32, .f32], [.i32], "$0 == $1"),
        InstructionRow("f32.ne", [.f32, .f32], [.i32], "$0 != $1"),
        InstructionRow("f32.lt", [.f32, .f32], [.i32], "$0 < $1"),
        InstructionRow("f32.gt", [.f32, .f32], [.i32], "$0 > $1"),
        InstructionRow("f32.le", [.f32, .f32], [.i32], "$0 <= $1"),
        InstructionRow("f32.ge", [.f32, .f32], [.i32], "$0 >= $1"),
        InstructionRow("f64.eq", [.f64, .f64], [.i32], "$0 == $1"),
        InstructionRow("f64.ne", [.f64, .f64], [.i32], "$0 != $1"),
        InstructionRow("f64.lt", [.f64, .f64], [.i32], "$0 < $1"),
        InstructionRow("f64.gt", [.f64, .f64], [.i32], "$0 > $1"),
        InstructionRow("f64.le", [.f64, .f64], [.i32], "$0 <= $1"),
        InstructionRow("f64.ge", [.f64, .f64], [.i32], "$0 >= $1"),

        // i32 arithmetic.
        InstructionRow("i32.clz", [.i32], [.i32], "wasmc_i32_clz($0)"),
        InstructionRow("i32.ctz", [.i32], [.i32], "wasmc_i32_ctz($0)"),
        InstructionRow("i32.popcnt", [.i32], [.i32], "wasmc_i32_popcnt($0)"),
        InstructionRow("i32.add", [.i32, .i32], [.i32], "$0 + $1"),
        InstructionRow("i32.sub", [.i32, .i32], [.i32], "$0 - $1"),
        InstructionRow("i32.mul", [.i32, .i32], [.i32], "$0 * $1"),
        InstructionRow("i32.div_s", [.i32, .i32], [.i32], "wasmc_i32_div_s($0, $1, __func__)"),
        InstructionRow("i32.div_u", [.i32, .i32], [.i32], "wasmc_i32_div_u($0, $1, __func__)"),
        InstructionRow("i32.rem_s", [.i32, .i32], [.i32], "wasmc_i32_rem_s($0, $1, __func__)"),
        InstructionRow("i32.rem_u", [.i32, .i32], [.i32], "wasmc_i32_rem_u($0, $1, __func__)"),
        InstructionRow("i32.and", [.i32, .i32], [.i32], "$0 & $1"),
        InstructionRow("i32.or", [.i32, .i32], [.i32], "$0 | $1"),
        InstructionRow("i32.xor", [.i32, .i32], [.i32], "$0 ^ $1"),
        InstructionRow("i32.shl", [.i32, .i32], [.i32], "$0 << ($1 & 31)"),
        InstructionRow("i32.shr_s", [.i32, .i32], [.i32], "(uint32_t)((int32_t)$0 >> ($1 & 31))"),
        InstructionRow("i32.shr_u", [.i32, .i32], [.i32], "$0 >> ($1 & 31)"),
        InstructionRow("i32.rotl", [.i32, .i32], [.i32], "wasmc_i32_rotl($0, $1)"),
        InstructionRow("i32.rotr", [.i32, .i32], [.i32], "wasmc_i32_rotr($0, $1)"),

        // i64 arithmetic.
        InstructionRow("i64.clz", [.i64], [.i64], "wasmc_i64_clz($0)"),
        InstructionRow("i64.ctz", [.i64], [.i64], "wasmc_i64_ctz($0)"),
        InstructionRow("i64.popcnt", [.i64], [.i64], "wasmc_i64_popcnt($0)"),
        InstructionRow("i64.add", [.i64, .i64], [.i64], "$0 + $1"),
        InstructionRow("i64.sub", [.i64, .i64], [.i64], "$0 - $1"),
        InstructionRow("i64.mul", [.i64, .i64], [.i64], "$0 * $1"),
        InstructionRow("i64.div_s", [.i64, .i64], [.i64], "wasmc_i64_div_s($0, $1, __func__)"),
        InstructionRow("i64.div_u", [.i64, .i64], [.i64], "wasmc_i64_div_u($0, $1, __func__)"),
        InstructionRow("i64.rem_s", [.i64, .i64], [.i64], "wasmc_i64_rem_s($0, $1, __func__)"),
        InstructionRow("i64.rem_u", [.i64, .i64], [.i64], "wasmc_i64_rem_u($0, $1, __func__)"),
        InstructionRow("i64.and", [.i64, .i64], [.i64], "$0 & $1"),
        InstructionRow("i64.or", [.i64, .i64], [.i64], "$0 | $1"),
        InstructionRow("i64.xor", [.i64, .i64], [.i64], "$0 ^ $1"),
        InstructionRow("i64.shl", [.i64, .i64], [.i64], "$0 << ($1 & 63)"),
        InstructionRow("i64.shr_s", [.i64, .i64], [.i64], "(uint64_t)((int64_t)$0 >> ($1 & 63))"),
        InstructionRow("i64.shr_u", [.i64, .i64], [.i64], "$0 >> ($1 & 63)"),
        InstructionRow("i64.rotl", [.i64, .i64], [.i64], "wasmc_i64_rotl($0, $1)"),
        InstructionRow("i64.rotr", [.i64, .i64], [.i64], "wasmc_i64_rotr($0, $1)"),

        // f32 arithmetic: the helpers keep NaN and signed-zero rules exact.
        InstructionRow("f32.abs", [.f32], [.f32], "wasmc_f32_abs($0)"),
        InstructionRow("f32.neg", [.f32], [.f32], "wasmc_f32_neg($0)"),
        InstructionRow("f32.ceil", [.f32], [.f32], "__builtin_ceilf($0)"),
        InstructionRow("f32.floor", [.f32], [.f32], "__builtin_floorf($0)"),
        InstructionRow("f32.trunc", [.f32], [.f32], "__builtin_truncf($0)"),
        InstructionRow("f32.nearest", [.f32], [.f32], "wasmc_f32_nearest($0)"),
        InstructionRow("f32.sqrt", [.f32], [.f32], "__builtin_sqrtf($0)"),
        InstructionRow("f32.add", [.f32, .f32], [.f32], "$0 + $1"),
        InstructionRow("f32.sub", [.f32, .f32], [.f32], "$0 - $1"),
        InstructionRow("f32.mul", [.f32, .f32], [.f32], "$0 * $1"),
        InstructionRow("f32.div", [.f32, .f32], [.f32], "$0 / $1"),
        InstructionRow("f32.min", [.f32, .f32], [.f32], "wasmc_f32_min($0, $1)"),
        InstructionRow("f32.max", [.f32, .f32], [.f32], "wasmc_f32_max($0, $1)"),
        InstructionRow("f32.copysign", [.f32, .f32], [.f32], "wasmc_f32_copysign($0, $1)"),

        // f64 arithmetic.
        InstructionRow("f64.abs", [.f64], [.f64], "wasmc_f64_abs($0)"),
        InstructionRow("f64.neg", [.f64], [.f64], "wasmc_f64_neg($0)"),
        InstructionRow("f64.ceil", [.f64], [.f64], "__builtin_ceil($0)"),
        InstructionRow("f64.floor", [.f64], [.f64], "__builtin_floor($0)"),
        InstructionRow("f64.trunc", [.f64], [.f64], "__builtin_trunc($0)"),
        InstructionRow("f64.nearest", [.f64], [.f64], "wasmc_f64_nearest($0)"),
        InstructionRow("f64.sqrt", [.f64], [.f64], "__builtin_sqrt($0)"),
        InstructionRow("f64.add", [.f64, .f64], [.f64], "$0 + $1"),
        InstructionRow("f64.sub", [.f64, .f64], [.f64], "$0 - $1"),
        InstructionRow("f64.mul", [.f64, .f64], [.f64], "$0 * $1"),
        InstructionRow("f64.div", [.f64, .f64], [.f64], "$0 / $1"),
        InstructionRow("f64.min", [.f64, .f64], [.f64], "wasmc_f64_min($0, $1)"),
        InstructionRow("f64.max", [.f64, .f64], [.f64], "wasmc_f64_max($0, $1)"),
        InstructionRow("f64.copysign", [.f64, .f64], [.f64], "wasmc_f64_copysign($0, $1)"),

        // Conversions: trapping truncations report the function they trap in.
        InstructionRow("i32.wrap_i64", [.i64], [.i32], "(uint32_t)$0"),
        InstructionRow("i32.trunc_f32_s", [.f32], [.i32], "(uint32_t)wasmc_i32_trunc_f32_s($0, __func__)"),
        InstructionRow("i32.trunc_f32_u", [.f32], [.i32], "wasmc_i32_trunc_f32_u($0, __func__)"),
        InstructionRow("i32.trunc_f64_s", [.f64], [.i32], "(uint32_t)wasmc_i32_trunc_f64_s($0, __func__)"),
        InstructionRow("i32.trunc_f64_u", [.f64], [.i32], "wasmc_i32_trunc_f64_u($0, __func__)"),
        InstructionRow("i64.extend_i32_s", [.i32], [.i64], "(uint64_t)(int64_t)(int32_t)$0"),
        InstructionRow("i64.extend_i32_u", [.i32], [.i64], "(uint64_t)$0"),
        InstructionRow("i64.trunc_f32_s", [.f32], [.i64], "(uint64_t)wasmc_i64_trunc_f32_s($0, __func__)"),
        InstructionRow("i64.trunc_f32_u", [.f32], [.i64], "wasmc_i64_trunc_f32_u($0, __func__)"),
        InstructionRow("i64.trunc_f64_s", [.f64], [.i64], "(uint64_t)wasmc_i64_trunc_f64_s($0, __func__)"),
        InstructionRow("i64.trunc_f64_u", [.f64], [.i64], "wasmc_i64_trunc_f64_u($0, __func__)"),
        InstructionRow("f32.convert_i32_s", [.i32], [.f32], "(float)(int32_t)$0"),
        InstructionRow("f32.convert_i32_u", [.i32], [.f32], "(float)$0"),
        InstructionRow("f32.convert_i64_s", [.i64], [.f32], "(float)(int64_t)$0"),
        InstructionRow("f32.convert_i64_u", [.i64], [.f32], "(float)$0"),
        InstructionRow("f32.demote_f64", [.f64], [.f32], "(float)$0"),
        InstructionRow("f64.convert_i32_s", [.i32], [.f64], "(double)(int32_t)$0"),
        InstructionRow("f64.convert_i32_u", [.i32], [.f64], "(double)$0"),
        InstructionRow("f64.convert_i64_s", [.i64], [.f64], "(double)(int64_t)$0"),
        InstructionRow("f64.convert_i64_u", [.i64], [.f64], "(double)$0"),
        // Opaque to clang, so promote(demote(x)) is not folded away (see "Exact floating point").
        InstructionRow("f64.promote_f32", [.f32], [.f64], "wasmc_f64_promote($0)"),
        InstructionRow("i32.reinterpret_f32", [.f32], [.i32], "wasmc_f32_bits($0)"),
        InstructionRow("i64.reinterpret_f64", [.f64], [.i64], "wasmc_f64_bits($0)"),
        InstructionRow("f32.reinterpret_i32", [.i32], [.f32], "wasmc_f32_from_bits($0)"),
        InstructionRow("f64.reinterpret_i64", [.i64], [.f64], "wasmc_f64_from_bits($0)"),

        // Sign extension (WebAssembly 2.0).
        InstructionRow("i32.extend8_s", [.i32], [.i32], "(uint32_t)(int32_t)(int8_t)$0"),
        InstructionRow("i32.extend16_s", [.i32], [.i32], "(uint32_t)(int32_t)(int16_t)$0"),
        InstructionRow("i64.extend8_s", [.i64], [.i64], "(uint64_t)(int64_t)(int8_t)$0"),
        InstructionRow("i64.extend16_s", [.i64], [.i64], "(uint64_t)(int64_t)(int16_t)$0"),
        InstructionRow("i64.extend32_s", [.i64], [.i64], "(uint64_t)(int64_t)(int32_t)$0"),

        // Saturating truncation (0xFC 0-7): never trap.
        InstructionRow("i32.trunc_sat_f32_s", [.f32], [.i32], "(uint32_t)wasmc_i32_trunc_f32_s_sat($0)"),
        InstructionRow("i32.trunc_sat_f32_u", [.f32], [.i32], "wasmc_i32_trunc_f32_u_sat($0)"),
        InstructionRow("i32.trunc_sat_f64_s", [.f64], [.i32], "(uint32_t)wasmc_i32_trunc_f64_s_sat($0)"),
        InstructionRow("i32.trunc_sat_f64_u", [.f64], [.i32], "wasmc_i32_trunc_f64_u_sat($0)"),
        InstructionRow("i64.trunc_sat_f32_s", [.f32], [.i64], "(uint64_t)wasmc_i64_trunc_f32_s_sat($0)"),
        InstructionRow("i64.trunc_sat_f32_u", [.f32], [.i64], "wasmc_i64_trunc_f32_u_sat($0)"),
        InstructionRow("i64.trunc_sat_f64_s", [.f64], [.i64], "(uint64_t)wasmc_i64_trunc_f64_s_sat($0)"),
        InstructionRow("i64.trunc_sat_f64_u", [.f64], [.i64], "wasmc_i64_trunc_f64_u_sat($0)"),

        // Tables (spec 5.4.5): every index is checked by the runtime's table functions; stores
        // to state a trap leaves behind go through WASMC_STATE_STORE (see "Memory sandbox").
        // Indices and sizes have the table's index type (i64 for table64); the runtime takes
        // them as 64-bit values, so neither kind of table's check can wrap.
        InstructionRow(
            "table.get", [.tableAddress], [.element], "($elemtype)wasmc_table_get(inst->table$table, $0, __func__)",
            immediates: .table),
        InstructionRow(
            "table.set", [.tableAddress, .element], [],
            "wasmc_table_set(inst->table$table, $0, (void *)(uintptr_t)$1, __func__)",
            immediates: .table),

        // Bulk memory and tables (0xFC 8-17). memory.copy and memory.fill check the whole
        // range before writing anything, then memmove/memset between WASMC_BULK_BARRIERs;
        // memory.copy may copy between two memories (multi-memory).
        InstructionRow(
            "memory.init", [.address, .i32, .i32], [],
            "wasmc_memory_init_segment(inst->memory$memidx, $0, $datasegment, inst->data_size[$segment], $1, $2)",
            immediates: .dataToMemory),
        InstructionRow("data.drop", [], [], "WASMC_STATE_STORE(inst->data_size[$segment], 0)", immediates: .data),
        InstructionRow(
            "memory.copy", [.address, .sourceAddress, .copyLength], [],
            "wasmc_memory_copy_local($memory, $srcmemory, $0, $1, $2, __func__)", immediates: .memoryPair),
        InstructionRow(
            "memory.fill", [.address, .i32, .address], [],
            "wasmc_memory_fill_local($memory, $0, $1, $2, __func__)", immediates: .memory),
        InstructionRow(
            "table.init", [.tableAddress, .i32, .i32], [],
            "wasmc_table_init_segment(inst->table$table, $0, inst->elem$segment, inst->elem$segment_size, $1, $2)",
            immediates: .elementToTable),
        InstructionRow("elem.drop", [], [], "WASMC_STATE_STORE(inst->elem$segment_size, 0)", immediates: .element),
        InstructionRow(
            "table.copy", [.tableAddress, .sourceTableAddress, .tableCopyLength], [],
            "wasmc_table_copy(inst->table$table, $0, inst->table$srctable, $1, $2)",
            immediates: .tablePair),
        // table.grow's -1 (UINT32_MAX) widens to the index type's -1; a table has far fewer
        // than 2^31 elements on this host, so a size never looks negative.
        InstructionRow(
            "table.grow", [.element, .tableAddress], [.tableAddress],
            "($tableaddrtype)(int32_t)wasmc_table_grow(inst->table$table, $1, (void *)(uintptr_t)$0)",
            immediates: .table, effects: .entersRuntime),
        InstructionRow("table.size", [], [.tableAddress], "inst->table$table->size", immediates: .table),
        InstructionRow(
            "table.fill", [.tableAddress, .element, .tableAddress], [],
            "wasmc_table_fill(inst->table$table, $0, (void *)(uintptr_t)$1, $2)",
            immediates: .table),
    ]
}
