import Foundation

/// A `.wast` script as `wasm-tools json-from-wast` writes it: its commands in order, each module
/// as a `.wasm` file beside the JSON (the format of wabt's `wast2json`, see its `docs/wast2json.md`).
struct WastScript: Decodable {
    var commands: [WastCommand]

    static func decode(_ data: Data) throws -> WastScript {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(WastScript.self, from: data)
    }
}

/// One command of a script. Which fields are present depends on `type`.
struct WastCommand: Decodable {
    /// `module`, `module_definition`, `module_instance`, `register`, `action`, `assert_return`,
    /// `assert_trap`, `assert_exhaustion`, `assert_invalid`, `assert_malformed`,
    /// `assert_unlinkable`, `assert_uninstantiable`, `assert_exception`, …
    var type: String
    var line: Int
    /// The module's `$id` (without `$`), or for `register` the instance registered.
    var name: String?
    /// The module file: `.wasm` for `module_type` "binary", `.wat` for "text" (`module quote`).
    var filename: String?
    /// For a text module that could be encoded, the `.wasm` file of its binary form.
    var binaryFilename: String?
    var moduleType: String?
    /// The expected error message of an assertion.
    var text: String?
    var action: WastAction?
    var expected: [WastValue]?
    /// `register`: the module name imports will use.
    var `as`: String?
    /// `module_instance`: the new instance's name and the definition it instantiates.
    var instance: String?
    var module: String?
}

/// `invoke` of an exported function, or `get` of an exported global.
struct WastAction: Decodable {
    var type: String
    /// The instance (its `$id` without `$`); the latest one when absent.
    var module: String?
    var field: String
    var args: [WastValue]?
}

/// An argument or an expected result: `{"type": "i32", "value": "42"}`. Integers are decimal
/// (negative ones signed), floats their bit pattern in decimal or `nan:canonical` /
/// `nan:arithmetic`, references `null` or a host number; a value may be absent (`(ref.func)`:
/// any non-null function reference), a list (`v128` lanes), or alternatives (`either`).
struct WastValue: Decodable {
    enum Payload {
        case scalar(String)
        case lanes([String])
    }

    var type: String
    var value: Payload?
    var laneType: String?
    /// `either`: any one of these.
    var values: [WastValue]?

    private enum CodingKeys: String, CodingKey {
        case type, value, laneType, values
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        laneType = try container.decodeIfPresent(String.self, forKey: .laneType)
        values = try container.decodeIfPresent([WastValue].self, forKey: .values)
        if let scalar = try? container.decodeIfPresent(String.self, forKey: .value) {
            value = .scalar(scalar)
        } else if let lanes = try? container.decodeIfPresent([String].self, forKey: .value) {
            value = .lanes(lanes)
        }
    }
}
