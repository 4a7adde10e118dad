import Testing

@testable import WasmC
@testable import WasmCFrontEnd

/// Exception handling's validation rules and their wording. The modules are written as bytes:
/// the text parser the other tests use does not read tags or try_table.
@Suite struct ExceptionValidationTests {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    func rejection(_ bytes: [UInt8]) -> ValidationError? {
        do {
            _ = try Compiler.validate(Self.header + bytes)
            return nil
        } catch let error as ValidationError {
            return error
        } catch {
            return nil
        }
    }

    @Test func throwOfAnUnknownTagNamesItAndTheFunction() {
        let error = rejection([
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type 0: [] -> []
            0x03, 0x02, 0x01, 0x00,  // function 0 of type 0
            0x0D, 0x03, 0x01, 0x00, 0x00,  // tag 0 of type 0
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x08, 0x05, 0x0B,  // throw 5
        ])
        #expect(error?.message == "unknown tag 5")
        #expect(error?.location == "function 0")
    }

    @Test func aCatchMustPassWhatItsLabelTakes() {
        let error = rejection([
            0x01, 0x08, 0x02, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x00, 0x00,  // types: [i32] -> [], [] -> []
            0x03, 0x02, 0x01, 0x01,  // function 0 of type 1
            0x0D, 0x03, 0x01, 0x00, 0x00,  // tag 0 (param i32)
            // try_table (catch 0 0) end: the function's label takes [], the catch passes [i32]
            0x0A, 0x0B, 0x01, 0x09, 0x00, 0x1F, 0x40, 0x01, 0x00, 0x00, 0x00, 0x0B, 0x0B,
        ])
        #expect(error?.message == "type mismatch: catch clause passes [i32] to a label of []")
    }

    @Test func aTagHasNoResults() {
        let error = rejection([
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,  // type 0: [] -> [i32]
            0x0D, 0x03, 0x01, 0x00, 0x00,  // tag 0 of type 0
        ])
        #expect(error?.message == "non-empty tag result type")
        #expect(error?.location == "tag 0")
    }

    @Test func throwRefNeedsAnExnref() {
        let error = rejection([
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type 0: [] -> []
            0x03, 0x02, 0x01, 0x00,  // function 0
            0x0A, 0x07, 0x01, 0x05, 0x00, 0x41, 0x00, 0x0A, 0x0B,  // i32.const 0, throw_ref
        ])
        #expect(error?.message == "type mismatch: expected exnref, got i32")
    }
}
