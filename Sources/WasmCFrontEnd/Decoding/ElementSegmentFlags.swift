/// The element section's segment flags, checked on the raw bytes.
///
/// The binary format allows only the flags 0 to 7 (spec 5.5.12, "Element Section").
/// `WasmParser` reads the flags as a bit set and ignores the bits above 2, so a
/// module with, say, flags 0x2b would be accepted as if it said 3. WasmKit is a
/// pinned dependency, so the rule is checked here, on the section that `WasmParser`
/// has already decoded successfully: its structure is known to be sound, and the
/// walk only has to find each segment's flags.
enum ElementSegmentFlags {
    /// Throws when a segment of the element section at `sectionStart` (its id byte)
    /// has flags above 7.
    static func check(_ bytes: [UInt8], sectionStart: Int) throws(DecodingError) {
        var reader = Reader(bytes: bytes, position: sectionStart + 1)
        guard let size = reader.unsigned() else { return }
        reader.end = min(bytes.count, reader.position + Int(size))
        guard let count = reader.unsigned() else { return }
        for _ in 0..<count {
            let flagsOffset = reader.position
            guard let flags = reader.unsigned() else { return }
            guard flags <= 7 else {
                throw DecodingError(
                    section: "element", offset: flagsOffset,
                    message: "invalid flags \(flags) of an element segment (they range from 0 to 7)")
            }
            // Past this segment, to the next one's flags; stop quietly on anything unexpected.
            guard reader.skip(segmentWith: flags) else {
                if let (offset, kind) = reader.invalidElementKind {
                    throw DecodingError(
                        section: "element", offset: offset,
                        message: "invalid element kind 0x\(String(kind, radix: 16)) (the only kind is 0x00, funcref)")
                }
                return
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var position: Int
        var end: Int
        /// Offset and byte of an element kind other than 0x00, which WasmParser reads as a LEB128.
        var invalidElementKind: (Int, UInt8)?

        init(bytes: [UInt8], position: Int) {
            self.bytes = bytes
            self.position = position
            self.end = bytes.count
        }

        mutating func byte() -> UInt8? {
            guard position < end else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        /// An unsigned (or, for skipping, signed) LEB128 of at most 10 bytes.
        mutating func unsigned() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard let byte = byte() else { return nil }
                if shift < 64 { value |= UInt64(byte & 0x7f) << UInt64(shift) }
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }

        mutating func skipBytes(_ count: Int) -> Bool {
            guard end - position >= count else { return false }
            position += count
            return true
        }

        /// A constant expression up to its `end`; false on an instruction it does not know.
        mutating func skipConstantExpression() -> Bool {
            while let opcode = byte() {
                switch opcode {
                case 0x0b: return true  // end
                case 0x41, 0x42, 0x23, 0xd2:  // i32.const, i64.const, global.get, ref.func
                    guard unsigned() != nil else { return false }
                case 0x43: guard skipBytes(4) else { return false }  // f32.const
                case 0x44: guard skipBytes(8) else { return false }  // f64.const
                case 0xd0: guard byte() != nil else { return false }  // ref.null t
                case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: break  // extended constant arithmetic
                default: return false
                }
            }
            return false
        }

        /// The rest of a segment after its flags (0 to 7).
        mutating func skip(segmentWith flags: UInt64) -> Bool {
            let passiveOrDeclarative = flags & 1 != 0
            let usesExpressions = flags & 4 != 0
            if !passiveOrDeclarative {
                if flags & 2 != 0, unsigned() == nil { return false }  // table index
                guard skipConstantExpression() else { return false }  // offset
            }
            // Flags 0 and 4 imply funcref; the others name an element kind or a reference type.
            if flags != 0 && flags != 4 {
                let kindOffset = position
                guard let kind = byte() else { return false }
                // Flags 1 to 3 name an element kind, a single byte that must be 0x00 (spec 5.5.12).
                if !usesExpressions && kind != 0x00 {
                    invalidElementKind = (kindOffset, kind)
                    return false
                }
            }
            guard let count = unsigned() else { return false }
            for _ in 0..<count {
                if usesExpressions {
                    guard skipConstantExpression() else { return false }
                } else {
                    guard unsigned() != nil else { return false }
                }
            }
            return true
        }
    }
}
