import AccessLabServe
import Foundation
import Hummingbird
import NIOCore

typealias HTTPField = HTTPFields.Element

/// The socket in front of a `ServedOrganization`: Hummingbird reads each HTTP/1.1 request (keep-alive
/// included), the organisation answers it, one request at a time, and Hummingbird writes the answer.
public enum ServeHTTP {
    /// Serves until SIGINT or SIGTERM. `ready` gets the bound port (useful with port 0).
    public static func run(_ organization: ServedOrganization, host: String, port: Int, maxBodyBytes: Int,
                           ready: @escaping @Sendable (Int) -> Void) async throws {
        let served = Serialized(organization)
        let durability = organization.durability
        let responder = CallbackResponder<ServeContext> { request, context in
            var body: [UInt8] = []
            do {
                let buffer = try await request.body.collect(upTo: maxBodyBytes + 1)
                body = Array(buffer.readableBytesView)
            } catch {
                body = Array(repeating: 0, count: maxBodyBytes + 1)
            }
            // HTTP/1.1's Host header is the request's authority in swift-http-types; SigV4 signs it as `host`.
            let host = request.head.authority.map { [("host", $0)] } ?? []
            let incoming = ServeRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                        headers: host + request.headers.map { ($0.name.canonicalName, $0.value) }, body: body,
                                        source: context.remote)
            var answer = served.answer(incoming)
            if let seq = answer.durableThrough {
                // Outside the lock: other requests go on while this one's transaction commits.
                do {
                    try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                        durability.whenWritten(through: seq) { error in if let error { c.resume(throwing: error) } else { c.resume() } }
                    }
                } catch {
                    answer = ServeResponse(status: 500, headers: [("content-type", "application/json")],
                                           body: Array(#"{"__type":"InternalServerException","message":"writing the log failed"}"#.utf8))
                }
            }
            var headers = HTTPFields()
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
            }
            return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        let app = Application(responder: responder, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "AccessLab"),
                              onServerRunning: { channel in ready(channel.localAddress?.port ?? port) })
        try await app.runService()
    }
}

/// One request at a time: the organisation and its simulation are single-threaded by design.
final class Serialized: @unchecked Sendable {
    private let lock = NSLock()
    private let organization: ServedOrganization
    init(_ organization: ServedOrganization) { self.organization = organization }
    func answer(_ request: ServeRequest) -> ServeResponse {
        lock.lock()
        defer { lock.unlock() }
        return organization.answer(request)
    }
}

struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remote: String
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remote = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
