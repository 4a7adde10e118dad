import WasmCFrontEnd

/// The functions of WASI preview1 (`wasi_snapshot_preview1`) and their signatures, as the
/// runtime's shim in runtime-c/wasi provides them (a test checks the two agree).
public enum WASIPreview1 {
    public static let moduleName = "wasi_snapshot_preview1"

    public static let functions: [String: FunctionSignature] = [
        "args_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "args_sizes_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "environ_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "environ_sizes_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "clock_res_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "clock_time_get": FunctionSignature(parameters: [.i32, .i64, .i32], results: [.i32]),
        "fd_advise": FunctionSignature(parameters: [.i32, .i64, .i64, .i32], results: [.i32]),
        "fd_allocate": FunctionSignature(parameters: [.i32, .i64, .i64], results: [.i32]),
        "fd_close": FunctionSignature(parameters: [.i32], results: [.i32]),
        "fd_datasync": FunctionSignature(parameters: [.i32], results: [.i32]),
        "fd_fdstat_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_fdstat_set_flags": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_fdstat_set_rights": FunctionSignature(parameters: [.i32, .i64, .i64], results: [.i32]),
        "fd_filestat_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_filestat_set_size": FunctionSignature(parameters: [.i32, .i64], results: [.i32]),
        "fd_filestat_set_times": FunctionSignature(parameters: [.i32, .i64, .i64, .i32], results: [.i32]),
        "fd_pread": FunctionSignature(parameters: [.i32, .i32, .i32, .i64, .i32], results: [.i32]),
        "fd_prestat_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_prestat_dir_name": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "fd_pwrite": FunctionSignature(parameters: [.i32, .i32, .i32, .i64, .i32], results: [.i32]),
        "fd_read": FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
        "fd_readdir": FunctionSignature(parameters: [.i32, .i32, .i32, .i64, .i32], results: [.i32]),
        "fd_renumber": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_seek": FunctionSignature(parameters: [.i32, .i64, .i32, .i32], results: [.i32]),
        "fd_sync": FunctionSignature(parameters: [.i32], results: [.i32]),
        "fd_tell": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "fd_write": FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
        "path_create_directory": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "path_filestat_get": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "path_filestat_set_times": FunctionSignature(
            parameters: [.i32, .i32, .i32, .i32, .i64, .i64, .i32], results: [.i32]),
        "path_link": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "path_open": FunctionSignature(
            parameters: [.i32, .i32, .i32, .i32, .i32, .i64, .i64, .i32, .i32], results: [.i32]),
        "path_readlink": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "path_remove_directory": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "path_rename": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "path_symlink": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "path_unlink_file": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "poll_oneoff": FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]),
        "proc_exit": FunctionSignature(parameters: [.i32], results: []),
        "proc_raise": FunctionSignature(parameters: [.i32], results: [.i32]),
        "sched_yield": FunctionSignature(parameters: [], results: [.i32]),
        "random_get": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
        "sock_accept": FunctionSignature(parameters: [.i32, .i32, .i32], results: [.i32]),
        "sock_recv": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "sock_send": FunctionSignature(parameters: [.i32, .i32, .i32, .i32, .i32], results: [.i32]),
        "sock_shutdown": FunctionSignature(parameters: [.i32, .i32], results: [.i32]),
    ]
}
