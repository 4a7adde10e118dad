import ArgumentParser
import Foundation
import WasmC
import WasmCFrontEnd

/// The benchmark command: `swift run -c release wasmc-bench [options]` from the package root.
@main
struct WasmcBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmc-bench",
        abstract: "Run the benchmark corpus under every engine and compare with native.",
        discussion: """
            Builds Benchmarks/corpus (wasm and native), builds each program with wasmc (guard pages and \
            explicit checks) and wasm2c, checks that every engine prints what native prints, then times \
            the engines interleaved. Writes results.json, results.csv, builds.csv, results.md and chart.svg \
            under --output. The WasmKit interpreter runs with reduced arguments.
            """)

    @Option(help: "Timed runs per engine and program (interleaved).")
    var runs = 5

    @Option(help: "Timed runs of the interpreter comparison (reduced arguments).")
    var interpreterRuns = 3

    @Option(help: "Comma-separated programs (default: the whole corpus).")
    var programs: String?

    @Option(help: "Comma-separated engines: \(Engine.allCases.map(\.rawValue).joined(separator: ", ")).")
    var engines: String?

    @Flag(help: "One run each, one interpreter run, no interpreter on the large module.")
    var quick = false

    @Option(help: "Seconds before a run is killed (the engine is then excluded for that program).")
    var timeout: Double = 300

    @Option(help: "Output directory (default: build/bench in the package).")
    var output: String?

    @Flag(help: "Measure nothing: rewrite results.md and chart.svg from the output directory's results.json.")
    var reportOnly = false

    func validate() throws {
        guard runs >= 1, interpreterRuns >= 1 else {
            throw ValidationError("--runs and --interpreter-runs must be ≥ 1")
        }
        _ = try selectedPrograms()
        _ = try requestedEngines()
    }

    func selectedPrograms() throws -> [Program] {
        guard let programs else { return Corpus.programs }
        return try programs.split(separator: ",").map { name in
            guard let program = Corpus.programs.first(where: { $0.name == name }) else {
                throw ValidationError(
                    "unknown program \(name); the corpus has \(Corpus.programs.map(\.name).joined(separator: ", "))")
            }
            return program
        }
    }

    func requestedEngines() throws -> [Engine] {
        guard let engines else { return Engine.allCases }
        let named = try engines.split(separator: ",").map { name in
            guard let engine = Engine(rawValue: String(name)) else { throw ValidationError("unknown engine \(name)") }
            return engine
        }
        return Engine.allCases.filter { $0 == .native || named.contains($0) }
    }

    func run() throws {
        let root = try RuntimeLibrary.locate().packageRoot
        let layout = try Layout.create(packageRoot: root, output: output ?? root + "/build/bench")
        if reportOnly { return try rewriteReport(layout) }
        let programs = try selectedPrograms()
        let runs = quick ? 1 : self.runs
        let interpreterRuns = quick ? 1 : self.interpreterRuns

        Progress.say("finding tools")
        let tools = try Tools.discover(packageRoot: root, scratch: layout.scratch)
        let engines = try requestedEngines().filter { tools.missing[$0] == nil }
        for (engine, reason) in tools.missing.sorted(by: { $0.key < $1.key }) {
            Progress.say("skipping \(engine.rawValue): \(reason)")
        }
        // Recorded now: the compiler measured is the working tree this harness was built from.
        let versions = toolVersions(tools, root: root, scratch: layout.scratch)

        Progress.say("building the corpus into \(layout.corpus)")
        try Corpus.build(programs, layout: layout)
        let prepared = try EnginePreparation(layout: layout, tools: tools, engines: engines).prepare(programs)

        let runner = BenchRunner(
            scratch: layout.scratch, measurer: try Measurer.build(layout: layout, clang: tools.clang), timeout: timeout)
        var run = BenchmarkRun(runner: runner, contenders: prepared.contenders, exclusions: prepared.exclusions)
        let plan: [(Phase, [Program], Int)] = [
            (.startup, programs, runs),
            (.main, programs, runs),
            (.interpreter, programs.filter { !(quick && $0.name == Corpus.largeModule) }, interpreterRuns),
        ]
        Progress.say("checking outputs against native")
        for (phase, phasePrograms, _) in plan { run.verify(phase, phasePrograms) }
        for (phase, phasePrograms, phaseRuns) in plan {
            Progress.say("timing the \(phase.rawValue) phase: \(phaseRuns) interleaved run(s)")
            run.time(phase, phasePrograms, runs: phaseRuns)
        }

        let figures = FigureBuilder.programs(
            programs, series: run.series, builds: prepared.builds, corpus: layout.corpus)
        let headline = FigureBuilder.headline(figures, engines: engines)
        let settings = Settings(
            date: ISO8601DateFormatter().string(from: Date()), machine: Settings.machineDescription(),
            cores: ProcessInfo.processInfo.activeProcessorCount, runs: runs, interpreterRuns: interpreterRuns,
            timeoutSeconds: timeout, quick: quick, engines: engines,
            skipped: Dictionary(uniqueKeysWithValues: tools.missing.map { ($0.key.rawValue, $0.value) }),
            programs: programs.map(\.name), tools: versions)
        let results = Results(
            settings: settings, headline: headline, programs: figures, exclusions: run.exclusions,
            series: run.series)
        try ResultFiles.write(results, layout: layout)
        try writeReport(results, layout)
        Progress.say(
            "wrote \(layout.resultsJSON), \(layout.resultsCSV), \(layout.buildsCSV), \(layout.tables), \(layout.chart)")
    }

    /// Writes results.md and chart.svg, and prints the tables.
    func writeReport(_ results: Results, _ layout: Layout) throws {
        let markdown = Report(
            settings: results.settings, figures: results.programs, headline: results.headline,
            exclusions: results.exclusions
        ).markdown()
        try markdown.write(toFile: layout.tables, atomically: true, encoding: .utf8)
        try BarChart(figures: results.programs, engines: results.settings.engines, runs: results.settings.runs).svg
            .write(toFile: layout.chart, atomically: true, encoding: .utf8)
        FileHandle.standardOutput.write(Data(markdown.utf8))
    }

    func rewriteReport(_ layout: Layout) throws {
        guard let data = FileManager.default.contents(atPath: layout.resultsJSON) else {
            throw BenchError("no results at \(layout.resultsJSON): run the benchmark first")
        }
        try writeReport(try JSONDecoder().decode(Results.self, from: data), layout)
        Progress.say("wrote \(layout.tables), \(layout.chart)")
    }

    func toolVersions(_ tools: Tools, root: String, scratch: String) -> [String: String] {
        var versions = ["clang": tools.version(of: tools.clang.executable, scratch: scratch)]
        versions["wasmc"] = Self.describeCommit(root: root, scratch: scratch)
        if let wasm2c = tools.wasm2c { versions["wasm2c"] = wasm2c.version }
        if let python = tools.wasmtimePython {
            versions["wasmtime"] =
                Python.output(
                    of: "import importlib.metadata as m; print(m.version('wasmtime'))", python: python, scratch: scratch
                )?
                .first ?? "unknown"
        }
        return versions
    }
}

extension WasmcBench {
    /// The checked-out commit, and whether tracked files differ from it.
    static func describeCommit(root: String, scratch: String) -> String {
        func git(_ arguments: [String]) -> String? {
            let run = try? HarnessCommand(
                executable: "/usr/bin/env", arguments: ["git", "-C", root] + arguments, scratchDirectory: scratch
            )
            .run(timeout: 60)
            guard let run, run.status == 0 else { return nil }
            return run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let commit = git(["rev-parse", "--short", "HEAD"]) else { return "unknown" }
        let changed = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return commit + (changed ? " with uncommitted changes" : "")
    }
}

/// Progress lines on stderr, so stdout carries only the report.
enum Progress {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data("wasmc-bench: \(line)\n".utf8))
    }
}
