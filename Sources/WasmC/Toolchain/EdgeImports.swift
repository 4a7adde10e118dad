/// The functions the edge host provides to modules (import module "edge"), with their
/// signatures: modules/include/wasmc_edge.h is the contract, Sources/EdgeHost/ImportTable.swift
/// the implementation.
public enum EdgeImports {
    public static let moduleName = "edge"

    public static let functions: [String: FunctionSignature] = [
        "edge_publish": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "edge_subscribe": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "edge_http_post": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "edge_log": FunctionSignature(parameters: [.i32, .i32, .i32], results: []),
        "edge_config_get": FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
        "edge_metric_get": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "edge_sync": FunctionSignature(parameters: [], results: [.i32]),
        "edge_message_done": FunctionSignature(parameters: [], results: [.i32]),
    ]
}
