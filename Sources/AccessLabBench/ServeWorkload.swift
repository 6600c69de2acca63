import AccessLabAWS
import AccessLabEvents
import AccessLabLog
import AccessLabQuery
import AccessLabServe
import AccessLabServeHTTP
import AccessLabSimulation
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `serve` under load: the reference organisation served over loopback, keep-alive connections sending
/// signed sso-admin and identitystore calls (four reads to one write), every answer read and timed.
/// Nothing may be lost: the log must grow by exactly the writes answered 200.
public enum ServeWorkload {
    public struct Figures: Sendable {
        public var requestsPerSecond: Double
        public var p50_ms: Double
        public var p99_ms: Double
        public var requests: Int
        public var writesAccepted: Int
        public var eventsAppended: UInt64
        public var errors: Int
        public var connections: Int
    }

    /// `transportOnly`: every request is `GET /_accesslab/health` (no signature, no JSON shapes, no write):
    /// the ceiling the socket, Hummingbird and the load generator set on this machine, the baseline.
    public static func run(scenario: Scenario, path: String, seconds: Double, connections: Int, transportOnly: Bool = false) throws -> Figures {
        let clock = ContinuousClock(), origin = clock.now
        let now: @Sendable () -> Double = {
            let d = clock.now - origin
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let (log, served) = try prepare(scenario: scenario, path: path)
        let health = RequestSigner.http(ServeRequest(method: "GET", path: "/_accesslab/health", headers: [("host", "127.0.0.1")]))
        let requests = transportOnly ? [(bytes: health, isWrite: false)] : mix(served)
        let before = try log.read { $0.head.lastSeq }

        let port = PortBox()
        let box = ServedBox(served)
        let server = Task { try await ServeHTTP.run(box.value, host: "127.0.0.1", port: 0, maxBodyBytes: 1 << 20) { port.set($0) } }
        defer { server.cancel() }
        // Generous: under `swift test` the server waits for a thread of the concurrency pool, which other tests may hold for a minute.
        guard let bound = port.wait(seconds: 600) else { throw QueryError("the bench server did not start within 10 minutes") }

        let results = Results()
        let began = now()
        let deadline = began + seconds
        let group = DispatchGroup()
        for c in 0..<connections {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = LoopbackConnection(port: bound) else { results.record(latencies: [], writes: 0, errors: 1); return }
                var i = c
                var latencies: [Double] = []
                var writes = 0, errors = 0
                while now() < deadline {
                    let (bytes, isWrite) = requests[i % requests.count]
                    i += connections
                    let t = now()
                    guard let status = connection.exchange(bytes) else { errors += 1; break }
                    latencies.append((now() - t) * 1000)
                    if status == 200 { if isWrite { writes += 1 } } else { errors += 1 }
                }
                results.record(latencies: latencies, writes: writes, errors: errors)
            }
        }
        group.wait()
        // The last requests end after the deadline: the rate is over the time they took.
        let elapsed = now() - began
        server.cancel()
        try served.stop()
        let after = try log.read { $0.head.lastSeq }
        let all = results.latencies.sorted()
        func pct(_ p: Double) -> Double { all.isEmpty ? 0 : (all[min(all.count - 1, Int(Double(all.count) * p))] * 1000).rounded() / 1000 }
        return Figures(requestsPerSecond: (Double(all.count) / elapsed).rounded(), p50_ms: pct(0.5), p99_ms: pct(0.99), requests: all.count,
                       writesAccepted: results.writes, eventsAppended: after - before, errors: results.errors, connections: connections)
    }

    /// The scenario served into a new log at `path`, its assignment requests finished, no TPS limit.
    static func prepare(scenario: Scenario, path: String) throws -> (LMDBEventLog, ServedOrganization) {
        let log = try LMDBEventLog(path: path, create: true)
        let simulation = try Simulation(scenario: scenario, log: log)
        try simulation.startServing(actors: false)
        try simulation.advance(to: scenario.start + .minutes(30))
        // Setup's events reach the log on the writer thread: all of them before the load counts what it adds.
        try simulation.waitWritten(through: simulation.state.seq)
        return (log, ServedOrganization(simulation: simulation, configuration: ServeConfiguration(transactionsPerSecond: nil)))
    }

    /// Each request of the mix answered in-process (no socket, no waiting for the log): mean microseconds
    /// by operation, to tell the server's own cost from the transport's.
    public static func profile(scenario: Scenario, path: String, rounds: Int) throws -> [(operation: String, microseconds: Double)] {
        let (_, served) = try prepare(scenario: scenario, path: path)
        let requests = mix(served, raw: true)
        var totals: [String: (Double, Int)] = [:]
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            for (request, _) in requests {
                let target = request.header("x-amz-target") ?? ""
                let t = clock.now
                _ = served.answer(request)
                let d = clock.now - t
                let us = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
                totals[target, default: (0, 0)].0 += us
                totals[target, default: (0, 0)].1 += 1
            }
        }
        let describe = requests.first { $0.request.header("x-amz-target") == "SWBExternalService.DescribePermissionSet" }!.request
        for (part, us) in ServeCosts.measure(served, describe, rounds: 2000) { totals["  of which " + part] = (us, 1) }
        try served.stop()
        return totals.keys.sorted().map { ($0, (totals[$0]!.0 / Double(totals[$0]!.1) * 10).rounded() / 10) }
    }

    /// Signed requests, four reads to one write; each write (an inline policy put) is one event.
    static func mix(_ served: ServedOrganization) -> [(bytes: [UInt8], isWrite: Bool)] {
        mix(served, raw: true).map { (RequestSigner.http($0.request), $0.isWrite) }
    }

    static func mix(_ served: ServedOrganization, raw: Bool) -> [(request: ServeRequest, isWrite: Bool)] {
        let ids = served.ids, state = served.state
        let sets = state.permissionSets.keys.sorted().map(ids.permissionSetArn)
        let accounts = state.organization.accounts.keys.sorted().map(ids.accountId)
        let date = Date()
        func call(_ target: String, _ body: String) -> ServeRequest {
            let r = ServeRequest(method: "POST", path: "/", headers: [
                ("host", "127.0.0.1"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target),
            ], body: Array(body.utf8))
            return RequestSigner.signed(r, accessKeyId: served.credentials.accessKeyId, secret: served.credentials.secretAccessKey,
                                        region: ids.region, service: target.hasPrefix("AWSIdentityStore") ? "identitystore" : "sso", date: date)
        }
        var out: [(request: ServeRequest, isWrite: Bool)] = []
        for (n, set) in sets.enumerated() {
            let account = accounts[n % accounts.count]
            out.append((call("SWBExternalService.DescribePermissionSet", #"{"InstanceArn":"\#(ids.instanceArn)","PermissionSetArn":"\#(set)"}"#), false))
            out.append((call("SWBExternalService.ListAccountAssignments", #"{"InstanceArn":"\#(ids.instanceArn)","AccountId":"\#(account)","PermissionSetArn":"\#(set)"}"#), false))
            out.append((call("AWSIdentityStore.ListUsers", #"{"IdentityStoreId":"\#(ids.identityStoreId)","MaxResults":10}"#), false))
            out.append((call("SWBExternalService.ListPermissionSetsProvisionedToAccount", #"{"InstanceArn":"\#(ids.instanceArn)","AccountId":"\#(account)"}"#), false))
            let policy = #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"#
            out.append((call("SWBExternalService.PutInlinePolicyToPermissionSet", #"{"InstanceArn":"\#(ids.instanceArn)","PermissionSetArn":"\#(set)","InlinePolicy":"\#(policy)"}"#), true))
        }
        return out
    }
}

/// One keep-alive HTTP/1.1 connection over loopback, blocking.
final class LoopbackConnection {
    let fd: Int32
    var buffer: [UInt8] = []

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); return nil }
    }

    deinit { close(fd) }

    /// Sends a request and reads one whole response; its status, or nil when the connection failed.
    func exchange(_ request: [UInt8]) -> Int? {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return nil }
            sent += n
        }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = headerEnd() {
                // "HTTP/1.1 200 OK": the status is bytes 9 to 11.
                let status = buffer.count > 12 ? Int(buffer[9] - 48) * 100 + Int(buffer[10] - 48) * 10 + Int(buffer[11] - 48) : 0
                let length = contentLength(upTo: end)
                if buffer.count >= end + 4 + length {
                    buffer.removeFirst(end + 4 + length)
                    return status
                }
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65_536, 0) }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }

    private func contentLength(upTo end: Int) -> Int {
        let name = Array("content-length:".utf8)
        var i = 0
        while i + name.count < end {
            var match = true
            for k in 0..<name.count where buffer[i + k] | 0x20 != name[k] | 0x20 { match = false; break }
            if match {
                var j = i + name.count, value = 0
                while j < end, buffer[j] == 32 { j += 1 }
                while j < end, buffer[j] >= 48, buffer[j] <= 57 { value = value * 10 + Int(buffer[j] - 48); j += 1 }
                return value
            }
            i += 1
        }
        return 0
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var latencies: [Double] = []
    private(set) var writes = 0
    private(set) var errors = 0
    func record(latencies l: [Double], writes w: Int, errors e: Int) {
        lock.lock(); defer { lock.unlock() }
        latencies += l; writes += w; errors += e
    }
}

final class PortBox: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private var port: Int?
    func set(_ p: Int) { port = p; ready.signal() }
    func wait(seconds: Double) -> Int? { ready.wait(timeout: .now() + seconds) == .success ? port : nil }
}

final class ServedBox: @unchecked Sendable {
    let value: ServedOrganization
    init(_ value: ServedOrganization) { self.value = value }
}
