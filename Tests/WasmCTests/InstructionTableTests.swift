import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// The instruction table is the only description of the plain instructions, so each row is
/// checked to be reachable (WasmParser's instruction finds it), well formed, and compiled from.
@Suite struct InstructionTableTests {
    /// A function applying `row`'s instruction to its parameters and returning its result, in a
    /// module with a memory, a funcref table and a segment of each kind for its immediates.
    func module(applying row: InstructionRow) -> String {
        let parameters = row.operands.map { $0.resolved().description }
        let results = row.results.map { $0.resolved().description }
        let gets = parameters.indices.map { "local.get \($0)" }.joined(separator: " ")
        let segment: String
        switch row.immediates {
        case .data, .dataToMemory, .element, .elementToTable, .lane, .memargLane: segment = " 0"
        case .shuffle: segment = " " + (0..<16).map { String($0 * 2) }.joined(separator: " ")
        default: segment = ""
        }
        return """
            (module (memory 1) (table 1 funcref) (data "") (elem func)
              (func (export "f") (param \(parameters.joined(separator: " "))) (result \(results.joined(separator: " ")))
                \(gets) \(row.name)\(segment)))
            """
    }

    @Test func rowNamesAreUnique() {
        let names = InstructionTable.rows.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(InstructionTable.rows.map(\.parserCaseName)).count == names.count)
    }

    @Test(arguments: InstructionTable.rows)
    func everyRowIsFoundAndValidatedByItsTypes(_ row: InstructionRow) throws {
        let wat = try parseWAT(module(applying: row))
        let validated = try Compiler.validate(try wat.encode())
        let operations = validated.functions[0].body.map(\.operation)
        #expect(operations.contains { if case .plain(let found, _, _) = $0 { found == row } else { false } })
        // One operand fewer, and the row's typing refuses it.
        if !row.operands.isEmpty {
            let short = InstructionRow(
                row.name, Array(row.operands.dropFirst()), row.results, row.c.description, immediates: row.immediates)
            #expect(throws: ValidationError.self) {
                _ = try Compiler.validate(try parseWAT(module(applying: short)).encode())
            }
        }
    }

    @Test(arguments: InstructionTable.rows)
    func everyTemplateIsComplete(_ row: InstructionRow) {
        #expect(row.results.count <= 1, "the back end assigns at most one result")
        for piece in row.c.pieces {
            switch piece {
            case .operand(let index): #expect(index < row.operands.count, "\(row.name): $\(index)")
            case .unknown(let name): Issue.record("\(row.name): unknown placeholder $\(name)")
            case .memory, .sourceMemory, .memoryIndex, .addressCType, .accessVariant, .offset, .table, .sourceTable,
                .elementCType, .tableAddressCType, .segment, .dataSegment, .lane, .shuffle:
                #expect(row.immediates != .none, "\(row.name): an immediate's placeholder without immediates")
            case .text: break
            }
        }
        // Every operand is used exactly once, so no operand's side effects or traps are lost or doubled.
        for index in row.operands.indices {
            #expect(row.c.pieces.filter { $0 == .operand(index) }.count == 1, "\(row.name): $\(index)")
        }
    }

    /// Lane immediates are validated against the shape's lane count, with the spec's wording
    /// (simd_lane.wast, simd_load*_lane.wast); the last valid lane is accepted.
    @Test(arguments: [
        ("i8x16.extract_lane_s", "(v128.const i64x2 0 0)", 16), ("i16x8.extract_lane_u", "(v128.const i64x2 0 0)", 8),
        ("i32x4.extract_lane", "(v128.const i64x2 0 0)", 4), ("f64x2.extract_lane", "(v128.const i64x2 0 0)", 2),
        ("v128.load8_lane", "(i32.const 0) (v128.const i64x2 0 0)", 16),
        ("v128.store64_lane", "(i32.const 0) (v128.const i64x2 0 0)", 2),
    ])
    func laneIndicesAreBelowTheLaneCount(_ instruction: String, _ operands: String, _ lanes: Int) throws {
        func module(lane: Int) -> String {
            "(module (memory 1) (func \(operands) \(instruction) \(lane) \(instruction.contains("store") ? "" : "drop")))"
        }
        _ = try Compiler.validate(try parseWAT(module(lane: lanes - 1)).encode())
        let error = #expect(throws: ValidationError.self) {
            _ = try Compiler.validate(try parseWAT(module(lane: lanes)).encode())
        }
        #expect(error?.message == "invalid lane index")
    }

    @Test func shuffleLanesAreBelow32() throws {
        func module(last: Int) -> String {
            let lanes = (0..<15).map(String.init).joined(separator: " ")
            return
                "(module (func (result v128) (i8x16.shuffle \(lanes) \(last) (v128.const i64x2 0 0) (v128.const i64x2 0 0))))"
        }
        let source = try Compiler.translate(
            try parseWAT(module(last: 31)).encode(), name: "t", options: EmitOptions(bounds: .explicit)
        ).source
        #expect(source.contains("wasmc_i8x16_shuffle(v0, v1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31)"))
        #expect(source.contains("#define WASMC_SIMD 1"))
        let error = #expect(throws: ValidationError.self) {
            _ = try Compiler.validate(try parseWAT(module(last: 32)).encode())
        }
        #expect(error?.message == "invalid lane index")
    }

    @Test func aModuleWithoutV128DoesNotIncludeTheSIMDHeader() throws {
        let source = try Compiler.translate(
            try parseWAT("(module (func (result i32) (i32.const 1)))").encode(), name: "t",
            options: EmitOptions(bounds: .explicit)
        ).source
        #expect(!source.contains("WASMC_SIMD"))
    }

    /// v128 memory forms go through the bounds-checked `wasmc_mem_` functions, lane forms with
    /// their lane; no SIMD access reaches memory any other way.
    @Test func simdMemoryFormsAreCheckedAccesses() throws {
        let wat = try parseWAT(
            """
            (module (memory 1)
              (func (param i32) (result v128)
                (v128.store offset=3 (local.get 0) (v128.load32_zero (local.get 0)))
                (v128.load16_lane offset=5 7 (local.get 0) (v128.load (local.get 0)))))
            """)
        let source = try Compiler.translate(try wat.encode(), name: "t", options: EmitOptions(bounds: .guardPages))
            .source
        #expect(source.contains("wasmc_mem_v128_load32_zero(mem0_data, mem0_size, i1, 0u, __func__)"))
        #expect(source.contains("wasmc_mem_v128_store(mem0_data, mem0_size, i0, 3u, v1, __func__)"))
        #expect(source.contains("wasmc_mem_v128_load16_lane(mem0_data, mem0_size, i0, 5u, v1, 7, __func__)"))
    }

    @Test func theCOfARowFillsInSlotsAndImmediates() throws {
        let wat = try parseWAT(
            """
            (module (memory 1)
              (func (param i32 i64) (result i32) (i64.store16 offset=6 (local.get 0) (local.get 1)) (i32.lt_s (local.get 0) (i32.const 7))))
            """)
        let source = try Compiler.translate(try wat.encode(), name: "t", options: EmitOptions(bounds: .explicit)).source
        #expect(source.contains("wasmc_i64_store16(mem0_data, mem0_size, i0, 6u, j1, __func__);"))
        #expect(source.contains("i0 = (int32_t)i0 < (int32_t)i1;"))
    }

    @Test func aSixtyFourBitMemoryIsCheckedExplicitlyBesideAGuardedOne() throws {
        let wat = try parseWAT(
            """
            (module (memory $s 1) (memory $b i64 1)
              (func (param i64 i32) (result i32)
                (memory.copy $s $b (local.get 1) (local.get 0) (i32.const 4))
                (i32.add (i32.load $b offset=8 (local.get 0)) (i32.load $s (local.get 1))))
              (func (result i64) (memory.grow $b (i64.const 1))))
            """)
        let source = try Compiler.translate(try wat.encode(), name: "t", options: EmitOptions(bounds: .guardPages))
            .source
        #expect(source.contains("wasmc_i32_load_checked(mem1_data, mem1_size, j0, 8u, __func__)"))
        #expect(source.contains("i1 = wasmc_i32_load(mem0_data, mem0_size, i1, 0u, __func__)"))
        #expect(
            source.contains(
                "wasmc_memory_copy_local(mem0_data, mem0_size, mem1_data, mem1_size, i0, j1, i2, __func__);"))
        #expect(source.contains("= (uint64_t)(int32_t)wasmc_memory_grow(inst->memory1, j0);"))
        // memory.copy's length is i32 unless both memories are 64-bit.
        let mixedLength = try parseWAT(
            """
            (module (memory 1) (memory i64 1)
              (func (memory.copy 0 1 (i32.const 0) (i64.const 0) (i64.const 4))))
            """)
        #expect(throws: ValidationError.self) { _ = try Compiler.validate(try mixedLength.encode()) }
    }

    @Test func tableAndSegmentRowsFillInTheirIndices() throws {
        let wat = try parseWAT(
            """
            (module (memory 1) (table $t 1 externref) (table $u 2 externref) (data $d "ab") (elem $e externref)
              (func (param i32 externref)
                (table.set $u (local.get 0) (local.get 1))
                (table.copy $t $u (i32.const 0) (i32.const 1) (i32.const 1))
                (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2)) (data.drop $d)
                (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $e)
                (drop (table.get $u (table.size $t)))))
            """)
        let source = try Compiler.translate(try wat.encode(), name: "t", options: EmitOptions(bounds: .guardPages))
            .source
        #expect(source.contains("wasmc_table_set(inst->table1, i0, (void *)(uintptr_t)e1, __func__);"))
        #expect(source.contains("wasmc_table_copy(inst->table0, i0, inst->table1, i1, i2);"))
        #expect(
            source.contains("wasmc_memory_init_segment(inst->memory0, i0, data_segment_0, inst->data_size[0], i1, i2);")
        )
        #expect(source.contains("WASMC_STATE_STORE(inst->data_size[0], 0);"))
        #expect(source.contains("wasmc_table_init_segment(inst->table1, i0, inst->elem0, inst->elem0_size, i1, i2);"))
        #expect(source.contains("WASMC_STATE_STORE(inst->elem0_size, 0);"))
        #expect(source.contains("i0 = inst->table0->size;"))
        #expect(source.contains("e0 = (void *)wasmc_table_get(inst->table1, i0, __func__);"))
        // Nothing here enters the runtime to grow: no stack check with guard pages.
        #expect(!source.contains("WASMC_CHECK_STACK();"))
    }

    @Test func memoryGrowReloadsTheMemoryAndChecksTheStack() throws {
        let wat = try parseWAT("(module (memory 1) (func (param i32) (result i32) (memory.grow (local.get 0))))")
        let source = try Compiler.translate(try wat.encode(), name: "t", options: EmitOptions(bounds: .guardPages))
            .source
        #expect(
            source.contains(
                "i0 = (uint32_t)(int32_t)wasmc_memory_grow(inst->memory0, i0);\n  mem0_data = inst->own_memory0.data;"))
        #expect(source.contains("WASMC_CHECK_STACK();"))
    }

    /// Bytes inside a body that WasmParser cannot decode break the binary format: the module is
    /// malformed (spec 5), not invalid, and the error says where.
    @Test func undecodableBodiesAreMalformed() throws {
        let header: [UInt8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
        let sections: [UInt8] = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00]
        // 0xFF is no opcode; a body that stops without `end`; instructions after the final `end`.
        for body: [UInt8] in [[0x00, 0xFF, 0x0B], [0x00, 0x01], [0x00, 0x0B, 0x01, 0x01, 0x0B]] {
            let code: [UInt8] = [0x0A, UInt8(body.count + 2), 0x01, UInt8(body.count)] + body
            #expect {
                _ = try Compiler.validate(header + sections + code)
            } throws: { error in
                guard let error = error as? ValidationError else { return false }
                return error.isMalformed && "\(error)".hasPrefix("malformed module: ") && error.location == "function 0"
                    && error.offset >= header.count + sections.count
            }
        }
        // A well-typed body is fine, and a type error in one is invalid, not malformed.
        _ = try Compiler.validate(header + sections + [0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B])
        #expect {
            _ = try Compiler.validate(header + sections + [0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x0B])
        } throws: { error in
            guard let error = error as? ValidationError else { return false }
            return !error.isMalformed && "\(error)".hasPrefix("invalid module: type mismatch")
        }
    }
}
