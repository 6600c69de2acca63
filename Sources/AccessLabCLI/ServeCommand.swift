import AccessLabAWS
import AccessLabEvents
import AccessLabLog
import AccessLabScenario
import AccessLabServe
import AccessLabServeHTTP
import AccessLabSimulation
import ArgumentParser
import Foundation

/// `accesslab serve`: a live Identity Center on virtual time for real clients (boto3, the AWS CLI, SCIM).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve sso-admin, identitystore, organizations, sso-oidc, the portal, STS/IAM and SCIM on virtual time.",
        discussion: """
        With a scenario, its organisation, permission sets, assignments and users are built at its start \
        (HR, the IdP and users acting on their own stay off unless --actors); without one, an empty \
        organisation with a management account and an Identity Center instance. Every accepted write, sign-in \
        and credential issue is an event in --db, so `timeline`, `access --at`, `check` and `log --cloudtrail` \
        work on it as on a simulated run; DIR/serve-requests.tsv names the request, caller and source of each.

        The endpoint, the key pair to sign with and the SCIM bearer token are printed and written to \
        DIR/serve.json. The virtual clock moves only when told (POST /_accesslab/clock). Ctrl-C stops the \
        server and verifies the log.

        Examples:
          accesslab serve scenarios/tiny.yaml --db /tmp/served
          accesslab serve --db /tmp/empty --port 0
          AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... aws --endpoint-url http://127.0.0.1:8080 sso-admin list-instances
          curl -X POST http://127.0.0.1:8080/_accesslab/clock -d '{"advance":"45m"}'
        """
    )

    @Argument(help: ArgumentHelp("The scenario YAML file (optional).", valueName: "scenario"))
    var scenario: String?

    @Option(help: ArgumentHelp("Database directory to create (must be new or empty).", valueName: "dir"))
    var db: String

    @Option(help: "Address to listen on; loopback unless you say otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Port (0: any free port; the one chosen is printed and written to serve.json).")
    var port = 8080

    @Flag(help: "Run the scenario's actors too (hiring, leaving, IdP syncs, users signing in) as the clock advances.")
    var actors = false

    @Option(help: ArgumentHelp("Start of virtual time without a scenario.", valueName: "time"))
    var start = "2026-01-05T00:00:00Z"

    @Option(help: ArgumentHelp("sso-admin calls per wall-clock second before ThrottlingException (Identity Center's shared TPS); 0: no limit.", valueName: "n"))
    var tps = 20

    @Option(help: ArgumentHelp("SCIM requests per wall-clock second before 429 ThrottlingException (AWS publishes no rate); 0: no limit.", valueName: "n"))
    var scimTps = 0

    @Flag(help: "Print what serve.json holds (endpoint, key pair, SCIM token, ids) as one JSON line instead of the banner.")
    var json = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value, as in `run`.", valueName: "key=value"))
    var settings: [String] = []

    func run() throws {
        var scenario = try loadScenario()
        scenario.duration = max(scenario.duration, .days(3650))
        let (path, _) = try RunCommand.prepareDatabase(db)
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: path, create: true) } catch let e as EventLogError { throw CLIError(e.description) }
        let simulation: Simulation
        do {
            simulation = try Simulation(scenario: scenario, log: log)
            simulation.runParameters = ["served": "true"]
            try simulation.startServing(actors: actors)
        } catch { throw CLIError("\(path): \(error)") }
        let organization = ServedOrganization(simulation: simulation, configuration: ServeConfiguration(
            region: scenario.identityCenter.region, transactionsPerSecond: tps > 0 ? tps : nil,
            scimRequestsPerSecond: scimTps > 0 ? scimTps : nil), provenanceFile: path + "/serve-requests.tsv")
        let credentials = organization.credentials
        let ids = organization.ids
        let host = self.host, db = path, json = self.json, region = scenario.identityCenter.region, name = scenario.name
        let startedAt = simulation.clock, events = simulation.state.seq
        let handle = UncheckedBox(organization)
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                try await ServeHTTP.run(handle.value, host: host, port: port, maxBodyBytes: 1 << 20) { bound in
                    let endpoint = "http://\(host):\(bound)"
                    let info = ServeInfo(endpoint: endpoint, region: region, accessKeyId: credentials.accessKeyId,
                                         secretAccessKey: credentials.secretAccessKey, scimEndpoint: endpoint + "/scim/v2/", scimToken: credentials.scimToken,
                                         startUrl: endpoint + "/start", instanceArn: ids.instanceArn, identityStoreId: ids.identityStoreId,
                                         managementAccountId: ids.namespace, database: db)
                    if let data = try? JSONOutput.encode(info) { try? (data + "\n").write(toFile: db + "/serve.json", atomically: true, encoding: .utf8) }
                    if json, let line = try? JSONOutput.encode(info, pretty: false) {
                        Console.out(line)
                        fflush(nil)
                        return
                    }
                    Console.out("""
                    AccessLab \(AccessLabVersion.current) serving \(name) on \(endpoint) (virtual time \(startedAt), \(events) events)
                      AWS_ACCESS_KEY_ID=\(credentials.accessKeyId)
                      AWS_SECRET_ACCESS_KEY=\(credentials.secretAccessKey)
                      AWS_DEFAULT_REGION=\(region)
                      SCIM: \(endpoint)/scim/v2/  Authorization: Bearer \(credentials.scimToken)
                      instance \(ids.instanceArn), identity store \(ids.identityStoreId)
                      clock: curl -X POST \(endpoint)/_accesslab/clock -d '{"advance":"45m"}'
                    Written to \(db)/serve.json. Ctrl-C stops.
                    """)
                    fflush(nil)
                }
            } catch {
                failure.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw CLIError("serve stopped: \(error)") }
        do { try handle.value.stop() } catch { throw CLIError("writing the last events failed: \(error)") }
        let report = try log.read { try LogVerifier.verify($0) }
        Console.err("Stopped at virtual time \(simulation.clock): \(report.eventCount) events in \(path), log verified (digest \(report.digest.hex)).")
    }

    func loadScenario() throws -> Scenario {
        if let path = scenario {
            do {
                return try ScenarioLoader.files.load(path: path, settings: try RunCommand.parseSettings(settings))
            } catch let error as CLIError { throw error } catch { throw CLIError(String(describing: error)) }
        }
        guard let t = ISO8601.parseWritten(start) else { throw CLIError("--start '\(start)': expected an ISO-8601 time such as 2026-01-05T00:00:00Z") }
        var empty = Scenario(name: "empty", seed: 0, start: t, duration: .days(3650))
        empty.accounts = [AccountSpec(accountId: "123456789012", name: "management", parentId: Scenario.rootId, isManagementAccount: true)]
        return empty
    }
}

/// What `serve` prints, for scripts: `DIR/serve.json`.
struct ServeInfo: Encodable {
    var endpoint: String
    var region: String
    var accessKeyId: String
    var secretAccessKey: String
    var scimEndpoint: String
    var scimToken: String
    var startUrl: String
    var instanceArn: String
    var identityStoreId: String
    var managementAccountId: String
    var database: String
}

/// Hands the organisation to the server's task; from then on only the server touches it, one request at a time.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

final class FailureBox: @unchecked Sendable {
    var error: Error?
}
