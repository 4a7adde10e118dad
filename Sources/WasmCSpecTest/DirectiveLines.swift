/// Finds the line where each top-level directive of a `.wast` script starts.
///
/// WAT's locations compute line numbers by rescanning the file, which is quadratic over a
/// script; one linear pass over the S-expression structure gives the same lines.
enum DirectiveLines {
    private static let moduleFieldKeywords: Set<String> = [
        "data", "elem", "tag", "export", "func", "type", "rec", "global", "import", "memory", "start", "table",
    ]

    static func scan(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        var lines: [Int] = []
        var line = 1
        var depth = 0
        var i = 0
        var previousWasModuleField = false
        let n = bytes.count
        func at(_ k: Int) -> UInt8 { k < n ? bytes[k] : 0 }
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\n") { line += 1; i += 1; continue }
            if c == UInt8(ascii: ";") && at(i + 1) == UInt8(ascii: ";") {
                while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            if c == UInt8(ascii: "(") && at(i + 1) == UInt8(ascii: ";") {
                var nesting = 1
                i += 2
                while i < n && nesting > 0 {
                    if bytes[i] == UInt8(ascii: "\n") { line += 1 }
                    if bytes[i] == UInt8(ascii: "(") && at(i + 1) == UInt8(ascii: ";") { nesting += 1; i += 2; continue }
                    if bytes[i] == UInt8(ascii: ";") && at(i + 1) == UInt8(ascii: ")") { nesting -= 1; i += 2; continue }
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: "\"") {
                i += 1
                while i < n && bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    if i < n && bytes[i] == UInt8(ascii: "\n") { line += 1 }
                    i += 1
                }
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") {
                if depth == 0 {
                    let keyword = firstKeyword(bytes, from: i + 1)
                    let isField = moduleFieldKeywords.contains(keyword)
                    // Consecutive bare module fields form one inline module directive.
                    if !(isField && previousWasModuleField) { lines.append(line) }
                    previousWasModuleField = isField
                }
                depth += 1
            } else if c == UInt8(ascii: ")") {
                depth -= 1
            }
            i += 1
        }
        return lines
    }

    private static func firstKeyword(_ bytes: [UInt8], from start: Int) -> String {
        var i = start
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { i += 1; continue }
            if c == UInt8(ascii: ";") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") {
                while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            if c == UInt8(ascii: "(") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") {
                var nesting = 1
                i += 2
                while i < n && nesting > 0 {
                    if bytes[i] == UInt8(ascii: "(") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") { nesting += 1; i += 2; continue }
                    if bytes[i] == UInt8(ascii: ";") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ")") { nesting -= 1; i += 2; continue }
                    i += 1
                }
                continue
            }
            break
        }
        var end = i
        while end < n, (bytes[end] >= UInt8(ascii: "a") && bytes[end] <= UInt8(ascii: "z")) || bytes[end] == UInt8(ascii: "_") {
            end += 1
        }
        return String(decoding: bytes[i..<end], as: UTF8.self)
    }
}
