import AccessLabEvents
import AccessLabLog
import Foundation

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "accesslab-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func sub(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The two log implementations the contract suite runs against.
enum LogKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case inMemory, lmdb
    var description: String { rawValue }

    func make(_ dir: TemporaryDirectory) throws -> any EventLog {
        switch self {
        case .inMemory: InMemoryEventLog()
        case .lmdb: try LMDBEventLog(path: dir.sub("db"), create: true)
        }
    }
}

let t0 = Instant(ms: 1_772_409_600_000)  // 2026-03-02T00:00:00Z

/// `count` simple events one second apart from `start`, alternating between a few users.
func sampleEvents(_ count: Int, from start: Instant = t0, users: Int = 5) -> [NewEvent] {
    (0..<count).map { i in
        NewEvent(time: start + .seconds(Int64(i)), actor: .scim,
                 body: .patchUser(PatchUser(userId: "u-\(i % users)", operations: [PatchOperation(op: .replace, path: "title", value: "t\(i)")])))
    }
}

/// The path of the built `accesslab` executable, beside the test bundle.
func accesslabExecutable() -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("accesslab")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/accesslab")
}

/// Runs the `accesslab` binary and returns its exit code, standard output and standard error.
func runAccesslab(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = accesslabExecutable()
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// A database made once per test process by `accesslab run` with `arguments` (a suite's shared fixture).
func sharedRun(_ name: String, _ arguments: [String]) -> String {
    let dir = NSTemporaryDirectory() + "accesslab-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    _ = try? runAccesslab(["run"] + arguments + ["--db", dir])
    return dir
}
