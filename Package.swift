// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "wasmc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wasmc", targets: ["wasmc"]),
        .library(name: "WasmC", targets: ["WasmC"]),
        .executable(name: "wasmkit-run", targets: ["wasmkit-run"]),
        .executable(name: "wasmc-bench", targets: ["wasmc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit.git", exact: "0.4.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The compiler: decoding, validation, C emission and the clang toolchain driver.
        .target(
            name: "WasmC",
            dependencies: [
                .product(name: "WasmParser", package: "WasmKit"),
            ]
        ),
        // Runs WebAssembly spec scripts (.wast) against wasmc's own output.
        .target(
            name: "WasmCSpecTest",
            dependencies: ["WasmC"]
        ),
        // The command-line interface: a thin layer over the libraries.
        .executableTarget(
            name: "wasmc",
            dependencies: [
                "WasmC",
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WasmCTests",
            dependencies: [
                "WasmC",
                "WasmCSpecTest",
                .product(name: "WAT", package: "WasmKit"),
            ]
        ),
    ]
)
