/// Finds the line where each top-level directive of a `.wast` script starts.
///
/// WAT's locations compute line numbers by rescanning the file, which is quadratic over a
/// script; one linear pass over the S-expression structure gives the same lines.
enum DirectiveLines {
    private static let moduleFieldKeywords: Set<String> = [
        "data", "elem", "tag", "export", "func", "type", "rec", "global", "import", "memory", "start", "table",
    ]

    /// A cursor over the script's bytes that knows comments and strings, and counts lines.
    private struct Cursor {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        var atEnd: Bool { index >= bytes.count }
        func peek(_ offset: Int = 0) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }

        mutating func advance(_ count: Int = 1) {
            for _ in 0..<count where index < bytes.count {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
            }
        }

        /// Skips a `;; line comment` or a nested `(; block comment ;)`; false if none starts here.
        mutating func skipComment() -> Bool {
            if peek() == UInt8(ascii: ";") && peek(1) == UInt8(ascii: ";") {
                while !atEnd && peek() != UInt8(ascii: "\n") { advance() }
                return true
            }
            guard peek() == UInt8(ascii: "(") && peek(1) == UInt8(ascii: ";") else { return false }
            var nesting = 0
            repeat {
                if peek() == UInt8(ascii: "(") && peek(1) == UInt8(ascii: ";") {
                    nesting += 1
                    advance(2)
                } else if peek() == UInt8(ascii: ";") && peek(1) == UInt8(ascii: ")") {
                    nesting -= 1
                    advance(2)
                } else {
                    advance()
                }
            } while nesting > 0 && !atEnd
            return true
        }

        mutating func skipString() {
            advance()
            while !atEnd && peek() != UInt8(ascii: "\"") {
                if peek() == UInt8(ascii: "\\") { advance() }
                advance()
            }
            advance()
        }

        /// The keyword after an opening parenthesis, skipping white space and comments.
        func keyword() -> String {
            var probe = self
            while !probe.atEnd {
                if [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(probe.peek()) {
                    probe.advance()
                } else if !probe.skipComment() {
                    break
                }
            }
            var end = probe.index
            while end < bytes.count,
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end]) || bytes[end] == UInt8(ascii: "_")
            {
                end += 1
            }
            return String(decoding: bytes[probe.index..<end], as: UTF8.self)
        }
    }

    static func scan(_ text: String) -> [Int] {
        var cursor = Cursor(bytes: Array(text.utf8))
        var lines: [Int] = []
        var depth = 0
        var previousWasModuleField = false
        while !cursor.atEnd {
            if cursor.skipComment() { continue }
            switch cursor.peek() {
            case UInt8(ascii: "\""):
                cursor.skipString()
                continue
            case UInt8(ascii: "("):
                if depth == 0 {
                    let line = cursor.line
                    cursor.advance()
                    let isField = moduleFieldKeywords.contains(cursor.keyword())
                    // Consecutive bare module fields form one inline module directive.
                    if !(isField && previousWasModuleField) { lines.append(line) }
                    previousWasModuleField = isField
                } else {
                    cursor.advance()
                }
                depth += 1
                continue
            case UInt8(ascii: ")"):
                depth -= 1
            default:
                break
            }
            cursor.advance()
        }
        return lines
    }
}
