// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "wasmc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wasmc", targets: ["wasmc"]),
        .library(name: "WasmC", targets: ["WasmC", "WasmCFrontEnd", "WasmCBackEnd"]),
        // The edge host as prebuilt objects: `wasmc compile` links programs with this archive
        // (found beside the wasmc executable, or under an installed PREFIX/lib/wasmc).
        .library(name: "EdgeHost", type: .static, targets: ["EdgeHost"]),
        .executable(name: "wasmkit-run", targets: ["wasmkit-run"]),
        .executable(name: "wasmc-bench", targets: ["wasmc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit.git", exact: "0.4.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The front end: decodes and validates a module, one function at a time, into a
        // self-contained validated form; the instruction table lives here.
        .target(
            name: "WasmCFrontEnd",
            dependencies: [
                .product(name: "WasmParser", package: "WasmKit"),
            ]
        ),
        // The C back end: writes the C of a validated module; reads nothing but the validated form.
        .target(
            name: "WasmCBackEnd",
            dependencies: ["WasmCFrontEnd"]
        ),
        // The driver: the clang toolchain, linking, caching, bindgen; the CLI, the benchmarks and the tests use it.
        .target(
            name: "WasmC",
            dependencies: [
                "WasmCFrontEnd",
                "WasmCBackEnd",
            ]
        ),
        // The runtime's C API (runtime-c/include) as a Swift module, for the edge host.
        .systemLibrary(
            name: "WasmcRuntime",
            path: "runtime-c/include"
        ),
        // The edge host's logic that needs no program: the message bus, MQTT topic filters,
        // the HTTP allow-list, the restart and shutdown policy, the command line.
        .target(
            name: "EdgeHostCore",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The edge host: runs a program's modules (their C, linked in by `wasmc compile`) on
        // the runtime, with the host functions of modules/edge.wit.
        .target(
            name: "EdgeHost",
            dependencies: ["EdgeHostCore", "WasmcRuntime"],
            exclude: ["Generated/edge.world"]
        ),
        // Runs WebAssembly spec scripts (.wast) against wasmc's own output.
        .target(
            name: "WasmCSpecTest",
            dependencies: ["WasmC", "WasmCFrontEnd", "WasmCBackEnd"]
        ),
        // The command-line interface: a thin layer over the libraries.
        .executableTarget(
            name: "wasmc",
            dependencies: [
                "WasmC",
                "WasmCFrontEnd",
                "WasmCBackEnd",
                "WasmCSpecTest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs a WASI module in the WasmKit interpreter: the interpreter engine of the benchmarks.
        .executableTarget(
            name: "wasmkit-run",
            dependencies: [
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ]
        ),
        // The benchmark harness (`swift run -c release wasmc-bench`; see Benchmarks/README.md).
        .executableTarget(
            name: "wasmc-bench",
            dependencies: [
                "WasmC",
                "WasmCFrontEnd",
                "WasmCBackEnd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EdgeHostUnitTests",
            dependencies: ["EdgeHostCore"]
        ),
        .testTarget(
            name: "WasmCTests",
            dependencies: [
                "WasmC",
                "WasmCFrontEnd",
                "WasmCBackEnd",
                "WasmCSpecTest",
                .product(name: "WAT", package: "WasmKit"),
            ]
        ),
    ]
)
