import Foundation

/// The results as Markdown tables: printed at the end of a run, written to `results.md`,
/// and pasted into Benchmarks/README.md.
struct Report {
    var settings: Settings
    var figures: [ProgramFigures]
    var headline: Headline
    var exclusions: [Exclusion]

    var compiled: [Engine] { settings.engines.filter { $0 != .native && $0 != .wasmkit } }
    var aheadOfTime: [Engine] { settings.engines.filter(\.isAheadOfTime) }

    func markdown() -> String {
        [
            summary(), ratioTable(), wallTable(), buildTable(), footprintTable(), startupTable(), interpreterTable(),
            notes(),
        ]
        .filter { !$0.isEmpty }.joined(separator: "\n\n") + "\n"
    }

    func summary() -> String {
        var lines = ["### Summary", ""]
        let count = headline.geomeanPrograms.count
        let targets: [Engine: String] = [.wasmcGuard: " (target ≤ 1.10×)", .wasmcExplicit: " (target ≤ 1.25×)"]
        let means = settings.engines.compactMap { engine -> String? in
            guard let mean = headline.geomeanRatioToNative[engine.rawValue] else { return nil }
            let note =
                engine == .wasmkit
                ? " (reduced arguments)" : engine == .wasmtime ? " (includes Python and JIT compile)" : ""
            return "\(engine.rawValue) **\(Format.ratio(mean.value))**\(targets[engine] ?? "")\(note)"
        }
        if count > 0 {
            lines.append(
                "- Geomean time relative to native over the \(count) scalar programs that run ≥ 50 ms natively: "
                    + means.joined(separator: ", ") + ".")
        }
        for comparison in headline.versusWasm2c {
            let slower = comparison.slowerThan5Percent
            lines.append(
                "- \(comparison.wasmc.rawValue) vs \(comparison.wasm2c.rawValue): geomean **\(Format.ratio(comparison.geomeanRatio.value))**"
                    + " (target < 1×); slowest relative to wasm2c: \(comparison.worstProgram) \(Format.ratio(comparison.worstRatio));"
                    + " more than 5% slower on \(slower.isEmpty ? "no program" : slower.joined(separator: ", ")) (target: none)."
            )
        }
        lines += simdSummary()
        let speedUps = compiled.compactMap { engine in
            headline.speedUpOverInterpreter[engine.rawValue].map { "\(engine.rawValue) **\(Format.ratio($0.value))**" }
        }
        if !speedUps.isEmpty {
            lines.append(
                "- Speed-up over the WasmKit interpreter (geomean, reduced arguments, \(settings.interpreterRuns) run(s) each): "
                    + speedUps.joined(separator: ", ") + " (target ≥ 20×).")
        }
        for large in headline.largeModule {
            let run = large.runRatio.map { "; its run time is \(Format.ratio($0)) wasm2c's" } ?? ""
            lines.append(
                "- Large module, translate + compile: \(large.wasmc.rawValue) \(Format.seconds(large.wasmcSeconds)) s vs"
                    + " wasm2c + clang -O2 \(Format.seconds(large.wasm2cSeconds)) s = **\(Format.ratio(large.ratio))** (target ≤ 0.33×)\(run)."
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The SIMD programs' lines: geomeans over them alone, against native and wasm2c.
    func simdSummary() -> [String] {
        guard let toNative = headline.simdGeomeanRatioToNative, !toNative.isEmpty else { return [] }
        let count = toNative.values.map(\.programs.count).max() ?? 0
        let means = settings.engines.compactMap { engine -> String? in
            toNative[engine.rawValue].map { "\(engine.rawValue) **\(Format.ratio($0.value))**" }
        }
        var lines = [
            "- SIMD programs (\(count), native built through SIMDe at SSE4.2, no AVX): geomean time relative to native "
                + means.joined(separator: ", ") + " (target ≤ 1.30× for wasmc)."
        ]
        for comparison in headline.simdVersusWasm2c ?? [] {
            lines.append(
                "- SIMD programs, \(comparison.wasmc.rawValue) vs \(comparison.wasm2c.rawValue): geomean **\(Format.ratio(comparison.geomeanRatio.value))**"
                    + " (target ≤ 1×); slowest relative to wasm2c: \(comparison.worstProgram) \(Format.ratio(comparison.worstRatio))."
            )
        }
        return lines
    }

    func ratioTable() -> String {
        var table = MarkdownTable(header: ["program", "native s"] + compiled.map(\.rawValue))
        for program in figures {
            table.add(
                [program.program, program.main(.native).map { Format.seconds($0.medianSeconds) } ?? "—"]
                    + compiled.map { program.main($0)?.ratioToNative.map(Format.ratio) ?? "—" })
        }
        if !headline.geomeanPrograms.isEmpty {
            table.add(
                ["**geomean** (≥ 50 ms)", ""]
                    + compiled.map { engine in
                        headline.geomeanRatioToNative[engine.rawValue].map { "**\(Format.ratio($0.value))**" } ?? "—"
                    })
        }
        if let simd = headline.simdGeomeanRatioToNative, !simd.isEmpty {
            table.add(
                ["**geomean SIMD** (≥ 50 ms)", ""]
                    + compiled.map { engine in simd[engine.rawValue].map { "**\(Format.ratio($0.value))**" } ?? "—" })
        }
        return "### Time relative to native (median of \(settings.runs) interleaved runs, default arguments)\n\n"
            + table.text
    }

    func wallTable() -> String {
        let engines = settings.engines.filter { $0 != .wasmkit }
        var table = MarkdownTable(header: ["program"] + engines.map(\.rawValue))
        for program in figures {
            table.add(
                [program.program]
                    + engines.map { engine in
                        program.main(engine).map {
                            "\(Format.seconds($0.medianSeconds)) [\(Format.seconds($0.minSeconds))–\(Format.seconds($0.maxSeconds))]"
                        } ?? "—"
                    })
        }
        return "### Wall time, median [min–max] s\n\n" + table.text
    }

    func buildTable() -> String {
        guard !aheadOfTime.isEmpty else { return "" }
        var table = MarkdownTable(
            header: ["program", "wasm KiB"] + aheadOfTime.flatMap { ["\($0.rawValue) translate", "clang"] })
        for program in figures {
            table.add(
                [program.program, Format.kibibytes(program.wasmBytes)]
                    + aheadOfTime.flatMap { engine in
                        program.build(engine).map {
                            [Format.seconds($0.translateSeconds), Format.seconds($0.compileSeconds)]
                        } ?? ["—", "—"]
                    })
        }
        return
            "### Build time, s (translate: wasm → C; clang: -O2 compile of the module and main, and link; runtime prebuilt)\n\n"
            + table.text
    }

    func footprintTable() -> String {
        let engines = settings.engines.filter { $0 != .wasmkit }
        var table = MarkdownTable(header: ["program"] + engines.map(\.rawValue))
        for program in figures {
            table.add(
                [program.program]
                    + engines.map { engine in
                        let size = engine == .native ? program.nativeBinaryBytes : program.build(engine)?.binaryBytes
                        let rss = program.main(engine).map { Format.mebibytes($0.peakRSSKiB) } ?? "—"
                        return (size.map { Format.kibibytes($0) + " KiB / " } ?? "") + rss
                    })
        }
        return "### Binary size KiB / peak RSS MiB (median over the timed runs)\n\n" + table.text
    }

    func startupTable() -> String {
        var table = MarkdownTable(header: ["program"] + settings.engines.map(\.rawValue))
        for program in figures where !program.startup.isEmpty {
            table.add(
                [program.program]
                    + settings.engines.map { engine in
                        program.startup(engine).map { Format.milliseconds($0.medianSeconds) } ?? "—"
                    })
        }
        return "### Start-up: argument 0 (little or no work), median ms: process start, instantiation, exit\n\n"
            + table.text
    }

    func interpreterTable() -> String {
        let engines = settings.engines.filter { Phase.interpreter.includes($0) }
        guard engines.contains(.wasmkit) else { return "" }
        let speedUps = engines.filter { $0 != .native && $0 != .wasmkit }
        var table = MarkdownTable(
            header: ["program", "arguments"] + engines.map { "\($0.rawValue) s" }
                + speedUps.map { "\($0.rawValue) speed-up" })
        for program in figures where !program.interpreter.isEmpty {
            table.add(
                [program.program, program.interpreterArguments.joined(separator: " ")]
                    + engines.map { engine in
                        program.interpreter(engine).map { Format.seconds($0.medianSeconds) } ?? "—"
                    }
                    + speedUps.map { program.speedUpOverInterpreter($0).map(Format.ratio) ?? "—" })
        }
        return "### The WasmKit interpreter (reduced arguments, median of \(settings.interpreterRuns) run(s))\n\n"
            + table.text
    }

    func notes() -> String {
        var lines: [String] = []
        for (engine, reason) in settings.skipped.sorted(by: { $0.key < $1.key }) {
            lines.append("- \(engine) skipped: \(reason)")
        }
        for exclusion in exclusions {
            lines.append(
                "- \(exclusion.engine.rawValue) excluded from \(exclusion.program) (\(exclusion.phase.rawValue)): \(exclusion.reason)"
            )
        }
        guard !lines.isEmpty else { return "" }
        return "### Skipped and excluded\n\n" + lines.joined(separator: "\n")
    }
}

/// A Markdown table built row by row.
struct MarkdownTable {
    var header: [String]
    var rows: [[String]] = []

    mutating func add(_ row: [String]) { rows.append(row) }

    var text: String {
        let lines = [header, header.map { _ in "---" }] + rows
        return lines.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
    }
}

/// Number formats used in every table.
enum Format {
    static func seconds(_ value: Double) -> String { String(format: value < 10 ? "%.3f" : "%.1f", value) }
    static func milliseconds(_ value: Double) -> String { String(format: "%.1f", value * 1000) }
    static func ratio(_ value: Double) -> String { String(format: value < 10 ? "%.2f×" : "%.1f×", value) }
    static func kibibytes(_ bytes: Int) -> String { String(format: "%.0f", Double(bytes) / 1024) }
    static func mebibytes(_ kibibytes: Int) -> String { String(format: "%.1f", Double(kibibytes) / 1024) }
}
