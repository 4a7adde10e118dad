import EdgeHostCore
import Testing

@Suite("The HTTP allow-list")
struct HTTPAllowListTests {
    let list = HTTPAllowList(["gateway": ["Receiver.Example:8443", "127.0.0.1:9000"]])

    @Test func permitsOnlyTheGrantedDestinationsOfTheModule() {
        #expect(list.permits(module: "gateway", authority: "receiver.example:8443"))
        #expect(list.permits(module: "gateway", authority: "RECEIVER.example:8443"))
        #expect(list.permits(module: "gateway", authority: "127.0.0.1:9000"))
        #expect(!list.permits(module: "gateway", authority: "receiver.example:443"))
        #expect(!list.permits(module: "gateway", authority: "127.0.0.2:9000"))
    }

    @Test func aModuleWithoutGrantsReachesNothing() {
        #expect(!list.permits(module: "telemetry", authority: "127.0.0.1:9000"))
        #expect(!HTTPAllowList().permits(module: "gateway", authority: "127.0.0.1:9000"))
    }
}
