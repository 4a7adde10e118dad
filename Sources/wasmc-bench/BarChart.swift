import Foundation

/// An SVG bar chart of run time relative to native: one group of bars per program, one
/// colour per engine, on a logarithmic axis (1× is native), with a legend. Plain SVG text,
/// so it renders on GitHub and diffs as text.
struct BarChart {
    /// Programs in order, each with (engine, ratio to native) bars.
    var groups: [(program: String, bars: [(engine: Engine, ratio: Double)])]
    var engines: [Engine]
    var title: String
    var note: String

    private let barWidth = 9.0
    private let groupGap = 14.0
    private let plotTop = 56.0
    private let plotHeight = 420.0
    private let left = 58.0

    /// Builds the chart from the figures: the main phase, plus the interpreter at its reduced arguments.
    init(figures: [ProgramFigures], engines: [Engine], runs: Int) {
        let plotted = engines.filter(\.runsWasm)
        self.engines = plotted
        groups = figures.map { program in
            (
                program.program,
                plotted.compactMap { engine in
                    let figure = engine == .wasmkit ? program.interpreter(engine) : program.main(engine)
                    return figure?.ratioToNative.map { (engine, $0) }
                }
            )
        }
        title = "Run time relative to native (clang -O2), median of \(runs) runs; lower is better"
        note =
            "Dashed: the targets 1.10× (guard pages) and 1.25× (explicit checks)."
            + (engines.contains(.wasmkit)
                ? " wasmkit (interpreter) ran reduced arguments (1/10 to 1/2 of the work)." : "")
            + (figures.contains { Program.isSIMD($0.program) }
                ? " simd_*: 128-bit SIMD; native built through SIMDe at SSE4.2, no AVX." : "")
    }

    var svg: String {
        let (low, high) = Self.axisRange(groups.flatMap { $0.bars.map(\.ratio) })
        let groupWidth = Double(engines.count) * barWidth + groupGap
        let width = max(left + Double(groups.count) * groupWidth + 20, 720)
        let height = plotTop + plotHeight + 110
        let right = width - 20
        func y(_ ratio: Double) -> Double {
            plotTop + plotHeight * (1 - (log10(ratio) - log10(low)) / (log10(high) - log10(low)))
        }

        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\""
                + " viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            Self.element("rect", ["width": "100%", "height": "100%", "fill": "white"]),
            Self.element("text", ["x": left, "y": 20, "font-size": "14", "font-weight": "bold"], text: title),
        ]
        // Grid lines at 1, 2, 5 × each power of ten; 1× (native) darker; the targets dashed.
        for value in Self.ticks(from: low, to: high) {
            out.append(
                Self.element(
                    "line",
                    ["x1": left, "x2": right, "y1": y(value), "y2": y(value), "stroke": value == 1 ? "#333" : "#ddd"]))
            out.append(
                Self.element("text", ["x": left - 6, "y": y(value) + 4, "text-anchor": "end"], text: Self.label(value)))
        }
        for (target, what) in [(1.10, "guard-page target"), (1.25, "explicit-check target")] where target < high {
            out.append(
                Self.element(
                    "line",
                    [
                        "x1": left, "x2": right, "y1": y(target), "y2": y(target), "stroke": "#999",
                        "stroke-dasharray": "4 3",
                    ],
                    title: "\(what) \(Format.ratio(target))"))
        }
        for (index, group) in groups.enumerated() {
            let start = left + groupGap / 2 + Double(index) * groupWidth
            for bar in group.bars {
                guard let slot = engines.firstIndex(of: bar.engine) else { continue }
                let top = min(y(bar.ratio), y(1))
                let bottom = max(y(bar.ratio), y(1))
                out.append(
                    Self.element(
                        "rect",
                        [
                            "x": start + Double(slot) * barWidth, "y": top, "width": barWidth - 1,
                            "height": max(bottom - top, 0.5),
                            "fill": bar.engine.colour,
                        ],
                        title: "\(group.program) \(bar.engine.rawValue): \(Format.ratio(bar.ratio))"))
            }
            let centre = start + Double(engines.count) * barWidth / 2
            out.append(
                Self.element(
                    "text", ["x": centre, "y": plotTop + plotHeight + 14, "text-anchor": "middle"], text: group.program)
            )
        }
        out.append(
            Self.element(
                "text",
                [
                    "transform": "translate(14 \(Self.number(plotTop + plotHeight / 2))) rotate(-90)",
                    "text-anchor": "middle",
                ],
                text: "× native (log scale)"))
        // Legend: four engines to a row.
        for (index, engine) in engines.enumerated() {
            let x = left + Double(index % 4) * 150
            let y = plotTop + plotHeight + 36 + Double(index / 4) * 18
            out.append(Self.element("rect", ["x": x, "y": y, "width": 12, "height": 12, "fill": engine.colour]))
            out.append(Self.element("text", ["x": x + 17, "y": y + 10], text: engine.rawValue))
        }
        out.append(Self.element("text", ["x": left, "y": height - 10, "fill": "#555"], text: note))
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// One SVG element. Attributes are written in name order, so the output is deterministic;
    /// numbers get one decimal. `title` becomes a tooltip.
    static func element(_ name: String, _ attributes: [String: Any], text: String? = nil, title: String? = nil)
        -> String
    {
        let written = attributes.sorted { $0.key < $1.key }.map { key, value in
            let formatted = (value as? Double).map(number) ?? "\(value)"
            return " \(key)=\"\(escape(formatted))\""
        }
        let body = (title.map { "<title>\(escape($0))</title>" } ?? "") + (text.map(escape) ?? "")
        return "<\(name)\(written.joined())" + (body.isEmpty ? "/>" : ">\(body)</\(name)>")
    }

    /// The 1-2-5 ticks just outside the data, always including 1× (native).
    static func axisRange(_ ratios: [Double]) -> (Double, Double) {
        let all = ticks(from: 0.01, to: 10_000)
        let smallest = min(ratios.min() ?? 1, 1)
        let largest = max(ratios.max() ?? 1, 1.2)
        return (all.last { $0 <= smallest } ?? 0.01, all.first { $0 >= largest } ?? 10_000)
    }

    static func ticks(from low: Double, to high: Double) -> [Double] {
        var values: [Double] = []
        for exponent in -2...4 {
            for step in [1.0, 2.0, 5.0] {
                let value = step * pow(10, Double(exponent))
                if value >= low * 0.9999 && value <= high * 1.0001 { values.append(value) }
            }
        }
        return values
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func label(_ value: Double) -> String {
        value >= 1 ? String(format: "%.0f×", value) : String(format: "%g×", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
