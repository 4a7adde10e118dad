import Glibc
import WasmcRuntime

/// The round-trip test host: a Swift host built from `wasmc bindgen --host-swift` for
/// Tests/BindgenTests/roundtrip.wit, linked with guest.c compiled by wasmc. It calls every
/// export with edge values (host → guest), runs the guest's scenarios (guest → host → guest),
/// and checks that malformed values from the guest trap naming the function and argument.
/// Prints one line per check and ends with "N passed, M failed".
final class Guest: CanonicalGuest, RoundtripHostApiImports, RoundtripImports {
    let instance = UnsafeMutablePointer<wasmc_instance>.allocate(capacity: 1)
    var guestMemory: UnsafeMutablePointer<wasmc_memory>?
    var logged: [String] = []
    private var signatures: [UnsafeMutablePointer<CChar>] = []
    private var functions: UnsafeMutablePointer<wasmc_func>?

    init(module: UnsafePointer<wasmc_module>) throws(TestFailure) {
        let count = Int(module.pointee.import_count)
        functions = .allocate(capacity: max(count, 1))
        var imports = [wasmc_extern](repeating: wasmc_extern(), count: max(count, 1))
        let env = Unmanaged.passUnretained(self).toOpaque()
        for index in 0..<count {
            let want = module.pointee.imports[index]
            let moduleName = String(cString: want.module)
            let name = String(cString: want.name)
            guard let type = want.func_type,
                let entry = RoundtripWorldImports.entry(
                    module: moduleName, name: name, signature: String(cString: type))
            else { throw TestFailure("unresolved import \(moduleName) \(name)") }
            let signature = strdup(entry.signature)!
            signatures.append(signature)
            functions![index] = wasmc_func(type: UnsafePointer(signature), code: entry.code, env: env, tail_code: nil)
            imports[index].kind = WASMC_EXTERN_FUNC
            imports[index].as.func = UnsafePointer(functions! + index)
        }
        var error = [CChar](repeating: 0, count: 256)
        var trap = wasmc_trap_info()
        guard wasmc_instantiate(module, imports, instance, &error, error.count, &trap) == WASMC_INSTANTIATED else {
            throw TestFailure("cannot instantiate: \(String(cString: error))")
        }
        var memory = wasmc_extern()
        guard wasmc_instance_export(instance, "memory", &memory, nil), memory.kind == WASMC_EXTERN_MEMORY else {
            throw TestFailure("the guest exports no memory")
        }
        guestMemory = memory.as.memory
        do {
            _ = try callGuestExport("_initialize", [], resultCount: 0)
        } catch {
            throw TestFailure("_initialize: \(error)")
        }
    }

    func callGuestExport(_ name: String, _ arguments: [wasmc_value], resultCount: Int) throws(CanonicalABIError)
        -> [wasmc_value]
    {
        var results = [wasmc_value](repeating: wasmc_value(), count: max(resultCount, 1))
        var trap = wasmc_trap_info()
        let returned = arguments.withUnsafeBufferPointer { args in
            results.withUnsafeMutableBufferPointer { out in
                wasmc_instance_call_n(instance, name, name.utf8.count, args.baseAddress, out.baseAddress, &trap)
            }
        }
        guard returned else {
            let detail = withUnsafeBytes(of: trap.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw .trapped(detail.isEmpty ? String(cString: wasmc_trap_message(trap.kind)) : detail)
        }
        return results
    }

    // MARK: The host's side of the interface: echo everything back.

    func echoEverything(value: RoundtripWorld.Everything) -> RoundtripWorld.Everything { value }
    func echoString(s: String) -> String { s }
    func echoBytes(b: [UInt8]) -> [UInt8] { b }
    func echoPoints(p: [RoundtripWorld.Point]) -> [RoundtripWorld.Point] { p }
    func echoShape(s: RoundtripWorld.Shape) -> RoundtripWorld.Shape { s }
    func echoOption(o: UInt32??) -> UInt32?? { o }
    func echoResult(r: WitResult<String, RoundtripWorld.Color>) -> WitResult<String, RoundtripWorld.Color> { r }
    func echoUnitResult(r: WitResult<Void, Void>) -> WitResult<Void, Void> { r }
    func echoFlags(p: RoundtripWorld.Perms, c: RoundtripWorld.Color) -> (RoundtripWorld.Perms, RoundtripWorld.Color) {
        (p, c)
    }
    func scalars(a: Int8, b: UInt16, c: Int64, d: Float, e: Double, f: Unicode.Scalar, g: Bool) -> Double {
        scalarSum(a, b, c, d, e, f, g)
    }
    func many(
        a1: UInt32, a2: UInt32, a3: UInt32, a4: UInt32, a5: UInt32, a6: UInt32, a7: UInt32, a8: UInt32,
        a9: UInt32, a10: UInt32, a11: UInt32, a12: UInt32, a13: UInt32, a14: UInt32, a15: UInt32,
        a16: UInt32, a17: String
    ) -> UInt64 {
        [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16].reduce(UInt64(a17.utf8.count)) {
            $0 + UInt64($1)
        }
    }
    func log(message: String) { logged.append(message) }
    func tick(n: UInt32) -> UInt32 { n &+ 1 }
    func names(result: UInt32, flat: String, guest: UInt32, memory: UInt32, `switch`: UInt32) -> UInt32 {
        result + UInt32(flat.utf8.count) + guest + memory + `switch`
    }
}

func scalarSum(_ a: Int8, _ b: UInt16, _ c: Int64, _ d: Float, _ e: Double, _ f: Unicode.Scalar, _ g: Bool) -> Double {
    Double(a) + Double(b) + Double(c) + Double(d) + e + Double(f.value) + (g ? 1.0 : 0.0)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

var passed = 0
var failed = 0

func check(_ name: String, _ condition: Bool, _ detail: @autoclosure () -> String = "") {
    if condition {
        passed += 1
        print("ok - \(name)")
    } else {
        failed += 1
        print("not ok - \(name)\(detail().isEmpty ? "" : ": " + detail())")
    }
}

/// The value comes back from the guest unchanged (compared by its full description).
func checkEcho<T>(_ name: String, _ value: T, _ echo: (T) throws(CanonicalABIError) -> T) {
    do {
        let back = try echo(value)
        let sent = String(describing: value)
        let got = String(describing: back)
        check(name, sent == got, "sent \(sent.prefix(200)), got \(got.prefix(200))")
    } catch {
        check(name, false, "\(error)")
    }
}

func point(_ index: Int) -> RoundtripWorld.Point {
    RoundtripWorld.Point(x: Int32(index) - 500, y: Double(index) / 3, label: index % 7 == 0 ? "" : "p\(index) é")
}

let allShapes: [RoundtripWorld.Shape] = [
    .nothing, .circle(-1.5), .circle(.infinity), .rect((0, UInt32.max)), .polygon([]), .polygon((0..<100).map(point)),
    .named(""), .named("héllo ✓ 😀"), .code(0), .code(UInt64.max), .letter("A"), .letter("\u{10FFFF}"),
]

func everything(_ variant: Int) -> RoundtripWorld.Everything {
    RoundtripWorld.Everything(
        b: variant % 2 == 0, i8v: variant == 0 ? .min : .max, u8v: variant == 0 ? 0 : .max,
        i16v: variant == 0 ? .min : -1, u16v: .max, i32v: variant == 0 ? .min : .max, u32v: .max,
        i64v: variant == 0 ? .min : .max, u64v: variant == 0 ? .max : 0,
        f32v: variant == 0 ? -0.0 : .greatestFiniteMagnitude,
        f64v: variant == 0 ? -.infinity : 1e-300, c: variant == 0 ? "\u{0}" : "😀",
        s: variant == 0 ? "" : String(repeating: "x✓", count: 50_000),
        bytes: variant == 0 ? [] : (0..<70_000).map { UInt8(truncatingIfNeeded: $0) },
        points: variant == 0 ? [] : (0..<1000).map(point), shape: allShapes[variant % allShapes.count],
        color: variant == 0 ? .red : .blue, perms: variant == 0 ? [] : [.read, .write, .exec],
        maybe: variant == 0 ? nil : variant == 1 ? .some(nil) : .some("inner"),
        outcome: variant == 1 ? .err(.named("bad")) : .ok(variant == 0 ? [] : ["a", "", "ccc"]),
        pair: (UInt8(variant), "pair \(variant)"), shapes: variant == 0 ? [] : allShapes)
}

func runTests(_ guest: Guest) {
    let exports = RoundtripWorldExports(guest: guest)

    // Host → guest: every export, edge values.
    for variant in 0..<3 {
        checkEcho("echo-everything variant \(variant)", everything(variant)) { v throws(CanonicalABIError) in
            try exports.echoEverything(value: v)
        }
    }
    for (index, shape) in allShapes.enumerated() {
        checkEcho("echo-shape case \(index)", shape) { v throws(CanonicalABIError) in try exports.echoShape(s: v) }
    }
    let options: [UInt32??] = [nil, .some(nil), .some(.some(0)), .some(.some(.max))]
    for (index, option) in options.enumerated() {
        do {
            let back = try exports.echoOption(o: option)
            // The export returns option<option<u32>> as it came: compare the descriptions.
            check(
                "echo-option \(index)", String(describing: back) == String(describing: option),
                "got \(String(describing: back))")
        } catch { check("echo-option \(index)", false, "\(error)") }
    }
    let results: [WitResult<String, RoundtripWorld.Color>] = [
        .ok(""), .ok("ok ✓"), .err(.red), .err(.green), .err(.blue),
    ]
    for (index, result) in results.enumerated() {
        checkEcho("echo-result \(index)", result) { v throws(CanonicalABIError) in try exports.echoResult(r: v) }
    }
    for bits in 0..<8 {
        for color in RoundtripWorld.Color.allCases {
            do {
                let (perms, back) = try exports.echoFlags(p: RoundtripWorld.Perms(rawValue: UInt32(bits)), c: color)
                check("echo-flags \(bits) \(color)", perms.rawValue == UInt32(bits) && back == color)
            } catch { check("echo-flags \(bits) \(color)", false, "\(error)") }
        }
    }
    do {
        let got = try exports.scalars(a: .min, b: .max, c: .min, d: -0.5, e: 1e300, f: "😀", g: true)
        check(
            "scalars (extremes)", got.bitPattern == scalarSum(.min, .max, .min, -0.5, 1e300, "😀", true).bitPattern,
            "got \(got)")
        let many = try exports.many(
            a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8, a9: 9, a10: 10, a11: 11,
            a12: 12, a13: 13, a14: 14, a15: 15, a16: .max, a17: "seventeen")
        check("many (17 parameters, through memory)", many == 120 + UInt64(UInt32.max) + 9, "got \(many)")
        let names = try exports.names(result: 1, flat: "flat", guest: 2, memory: 3, switch: 4)
        check("parameters named like the glue's own variables", names == 14, "got \(names)")
    } catch { check("scalars and many", false, "\(error)") }
    let stringLists: [[String]] = [
        [], [""], (0..<1000).map { "string \($0)" }, [String(repeating: "é", count: 500_000)],
    ]
    for (index, list) in stringLists.enumerated() {
        checkEcho("echo-strings \(index)", list) { v throws(CanonicalABIError) in try exports.echoStrings(s: v) }
    }

    // Guest → host → guest: the guest's scenarios.
    for scenario in ["strings", "bytes", "points", "shapes", "options", "results", "flags", "scalars", "everything"] {
        do {
            switch try exports.run(scenario: scenario) {
            case .ok(let count): check("guest scenario \(scenario) (\(count) checks)", count > 0)
            case .err(let message): check("guest scenario \(scenario)", false, message)
            }
        } catch { check("guest scenario \(scenario)", false, "\(error)") }
    }
    check("guest logged through the host", guest.logged == ["round trip done"], "\(guest.logged)")
    do {
        if case .err(let message) = try exports.run(scenario: "no-such") {
            check("unknown scenario is an error result", message == "no such scenario", message)
        } else {
            check("unknown scenario is an error result", false)
        }
    } catch { check("unknown scenario is an error result", false, "\(error)") }

    // Malformed arguments from the guest: a trap naming the function, the argument and the fault.
    let malformed: [(String, [String])] = [
        ("string that is not UTF-8", ["host-api@0.1.0#echo-string", "argument s", "not UTF-8"]),
        ("list past the end of memory", ["#echo-bytes", "argument b", "past the end of memory"]),
        ("bad variant tag", ["#echo-shape", "argument s", "99 is not a case of shape"]),
        ("bad option tag", ["#echo-option", "argument o", "2 is not a case of option<option<u32>>"]),
        ("bad enum case", ["#echo-result", "argument r", "7 is not a case of color"]),
        ("surrogate as char", ["#scalars", "argument f", "55296 is not a Unicode scalar value"]),
        ("misaligned list", ["#echo-points", "argument p", "not aligned to 8"]),
        ("list length overflow", ["#echo-points", "argument p", "too long"]),
        ("arguments past memory", ["#many", "argument a1", "past the end of memory"]),
        ("return area past memory", ["#echo-string", "result", "past the end of memory"]),
    ]
    for (index, (name, expected)) in malformed.enumerated() {
        do {
            try exports.malformed(which: UInt32(index))
            check("malformed: \(name) traps", false, "it did not trap")
        } catch {
            let text = "\(error)"
            check("malformed: \(name) traps naming it", expected.allSatisfy { text.contains($0) }, text)
        }
    }
    // Malformed results of an export: refused, naming the result.
    let badResults = [
        ("string that is not UTF-8", "not UTF-8"), ("bad variant tag", "42 is not a case of shape"),
        ("list past the end of memory", "past the end of memory"),
    ]
    for (index, (name, expected)) in badResults.enumerated() {
        do {
            let value = try exports.badResult(which: UInt32(index))
            check("bad result: \(name) is refused", false, "accepted \(value)")
        } catch {
            let text = "\(error)"
            check(
                "bad result: \(name) is refused naming the export",
                text.contains("bad-result: result") && text.contains(expected), text)
        }
    }
    // The guest still works after all that.
    checkEcho("echo-shape after the traps", RoundtripWorld.Shape.named("still here")) { v throws(CanonicalABIError) in
        try exports.echoShape(s: v)
    }
}

@main
enum RoundTripHost {
    static func main() {
        wasmc_thread_init()
        var count: Int32 = 0
        guard let program = wasmc_program_modules(&count), count == 1 else {
            print("expected one module")
            print("0 passed, 1 failed")
            exit(1)
        }
        do {
            let guest = try Guest(module: program[0].module)
            runTests(guest)
        } catch {
            check("instantiate the guest", false, "\(error)")
        }
        print("\(passed) passed, \(failed) failed")
        exit(failed == 0 ? 0 : 1)
    }
}
