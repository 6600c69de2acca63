import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// Runs a scenario on virtual time. Every action an actor takes becomes an event that is folded into
/// `state` (the projection the actors read back) and the meter, and appended to the log in batches.
/// Single-threaded and synchronous; the same scenario and seed always give the same events.
public final class Simulation {
    public let scenario: Scenario
    public let rules: AccessRules
    /// State, meter and checker in one value, so that folding an event is one in-place access
    /// (reading `state` while mutating `meter`, both properties of this class, would copy the state).
    var fold: Fold
    public var state: AccessState { _read { yield fold.state } }
    public var meter: RevocationMeter { _read { yield fold.meter } }
    public var checker: InvariantChecker { _read { yield fold.checker } }
    var scheduler: Scheduler<SimTask>
    let streams: RandomStreams
    var rngs: [String: Xoshiro256StarStar] = [:]
    let log: any EventLog
    /// The log this simulation appends to (the writer thread may still be writing its last events: see `waitWritten`).
    public var eventLog: any EventLog { log }
    let batchSize: Int
    var pending: [NewEvent] = []
    /// Writes batches and snapshots on a second thread during `run`; nil outside it (then writes are direct).
    var writer: LogWriter?
    var nextSeq: UInt64
    public private(set) var eventsWritten: UInt64 = 0
    public private(set) var snapshotsWritten = 0
    var lastSnapshotSeq: UInt64 = 0

    // Actor state. Arrays and insertion-ordered structures only where order reaches the log.
    var people: [String: Person] = [:]
    /// Who has left (their `Person.leftAt` is set): every session expiry asks, and this set is a few
    /// thousand users where `people` is a hundred thousand, most of them out of the cache.
    var departed: Set<String> = []
    /// Each person's attributes as HR has them (what a hire or a move sends to the IdP).
    var hrAttributes: [String: UserAttributes] = [:]
    var employed: [String] = []
    var employedIndex: [String: Int] = [:]
    /// `employed` in id order, for the daily plan (`employed`'s own order feeds random picks).
    var employedInOrder = IDOrder()
    var nextEmployeeNumber = 0
    var counters = Counters()
    var idpPending: [IdPChange] = []
    var idpCycleOpen: Int64?
    var idpCycleNumber: Int64 = 0
    var onDemandSends: [Instant] = []
    var groupPush = GroupPush()
    /// When each person's latest HR change reaches the IdP (the feed is in order per person).
    var hrFeedLast: [String: Instant] = [:]
    var scim: ScimClient
    var controlPlane: ControlPlane
    var permissionSetById: [String: PermissionSetSpec] = [:]
    var assignmentsByTeam: [String: [AssignmentSpec]] = [:]

    /// Reports progress: virtual time reached and events written so far.
    public var progress: ((Instant, UInt64) -> Void)?
    /// Asked after every task with the virtual time: true stops the run there, its events committed
    /// whole (what a signal does, through a flag; tests stop at a chosen virtual time).
    public var shouldStop: ((Instant) -> Bool)?
    /// Recorded in the log's metadata beside the run's own parameters (how to run it again).
    public var runParameters: [String: String] = [:]
    /// Off when serving without `--actors`: the organisation is built, but nobody is hired, leaves, syncs or signs in on their own.
    var actorsEnabled = true
    /// Called with every event as it is folded (a server keeps its request table from them).
    public var observer: ((Event) -> Void)?
    /// When resuming: the events already in the log, which the run regenerates and checks instead of writing.
    let resumeHead: LogHead
    var replayDigest = Digest.genesis

    /// A simulation into an empty log, or, with `resuming`, into a log an interrupted run of the same
    /// scenario and seed wrote: its events are regenerated and checked against the log's digest, and the
    /// run appends from where the log stops.
    public init(scenario: Scenario, log: any EventLog, batchSize: Int = 50_000, resuming: Bool = false) throws {
        self.scenario = scenario
        self.rules = AccessRules(signinCache: scenario.identityCenter.signinCache, cliTokenLifetime: scenario.users.cliTokenLifetime,
                                 identityCenterRegion: scenario.identityCenter.region)
        self.fold = Fold(meter: RevocationMeter(rules: rules))
        self.scheduler = Scheduler(start: scenario.start)
        self.streams = RandomStreams(seed: scenario.seed)
        self.log = log
        self.batchSize = max(batchSize, 1)
        self.scim = ScimClient(requestsPerSecond: scenario.idp.scimRequestsPerSecond, start: scenario.start)
        self.controlPlane = ControlPlane(tps: scenario.identityCenter.controlPlaneTPS, start: scenario.start)
        let head = try log.read { $0.head }
        guard head.lastSeq == 0 || resuming else { throw SimulationError.logNotEmpty(events: head.lastSeq) }
        resumeHead = head
        nextSeq = 1
        for ps in scenario.permissionSets { permissionSetById[ps.permissionSetId] = ps }
        for a in scenario.assignments { assignmentsByTeam[a.team, default: []].append(a) }
    }

    /// Runs until `until` (default: the scenario's end), flushing every batch to the log.
    public func run(until: Instant? = nil) throws -> RunSummary {
        let end = min(until ?? scenario.end, scenario.end)
        let context = MeasurementContext(scenario: scenario, end: end)
        let metadata = LogMetadata(scenario: scenario.name, seed: scenario.seed,
                                   parameters: context.parameters.merging(rules.parameters) { a, _ in a }.merging(runParameters) { a, _ in a })
        let resuming = resumeHead.lastSeq > 0
        if resuming {
            let recorded = try log.read { $0.metadata }
            guard recorded.scenario == metadata.scenario, recorded.seed == metadata.seed else {
                throw SimulationError.resumeMismatch("the log was written by scenario \(recorded.scenario ?? "?") seed \(recorded.seed.map(String.init) ?? "?"), not \(scenario.name) seed \(scenario.seed)")
            }
        } else {
            try log.setMetadata(metadata)
        }
        try scheduler.schedule(.setup, at: scenario.start)
        let writer = LogWriter(log: log)
        self.writer = writer
        defer {
            // Only when the run stopped early: the error it throws is the one to report.
            if self.writer != nil { self.writer = nil; try? writer.finish() }
        }
        var lastProgressDay: Int64 = -1
        while let (_, task) = scheduler.popNext(until: end) {
            // A snapshot closes each simulated day (before its first task) and every N events.
            if case .planDay = task, scenario.snapshots.daily { try takeSnapshot() }
            try perform(task)
            if let every = scenario.snapshots.everyEvents, state.seq >= lastSnapshotSeq + UInt64(every) { try takeSnapshot() }
            if pending.count >= batchSize { try flush() }
            let day = (scheduler.now.ms - scenario.start.ms) / 86_400_000
            if day != lastProgressDay { lastProgressDay = day; progress?(scheduler.now, eventsWritten + UInt64(pending.count)) }
            if let shouldStop, shouldStop(scheduler.now) { return try stop(context: context, metadata: metadata) }
        }
        scheduler.advance(to: end)
        try takeSnapshot()
        self.writer = nil
        try writer.finish()
        guard eventsWritten >= resumeHead.lastSeq else {
            throw SimulationError.resumeMismatch("the log holds \(resumeHead.lastSeq) events, the scenario produces only \(eventsWritten)")
        }
        if resuming { try log.setMetadata(metadata) }
        fold.checkRoles()
        progress?(end, eventsWritten)
        return RunSummary(events: eventsWritten, start: scenario.start, end: end,
                          report: meter.report(state: state, context: context),
                          invariantViolations: checker.violations)
    }

    /// Commits what was simulated and marks the log as stopped at the current virtual time (a resumed
    /// run stopped again before passing its first stop keeps that one).
    func stop(context: MeasurementContext, metadata: LogMetadata) throws -> RunSummary {
        try flush()
        // Everything simulated is in the log before the log says where the run stopped.
        if let w = writer { writer = nil; try w.finish() }
        var stopped = metadata
        let at = eventsWritten > resumeHead.lastSeq ? scheduler.now : (try log.read { $0.metadata.runStoppedAt } ?? scheduler.now)
        stopped.parameters[LogMetadata.RunKey.stoppedAt] = String(at.ms)
        try log.setMetadata(stopped)
        progress?(scheduler.now, eventsWritten)
        var partial = context
        partial.end = at
        return RunSummary(events: max(eventsWritten, resumeHead.lastSeq), start: scenario.start, end: at,
                          report: meter.report(state: state, context: partial), invariantViolations: checker.violations,
                          interruptedAt: at)
    }

    // MARK: - Emitting events

    /// Appends an event at the current virtual time, folding it into the checker, the meter and the state.
    @discardableResult
    func emit(_ actor: Actor, _ body: EventBody, cause: UInt64? = nil) -> UInt64 {
        let event = Event(seq: nextSeq, time: scheduler.now, actor: actor, cause: cause, body: body)
        nextSeq += 1
        fold.apply(event, rules: rules, permissionSets: permissionSetById)
        observer?(event)
        pending.append(NewEvent(time: event.time, actor: actor, cause: cause, body: body))
        return event.seq
    }

    /// Flushes, then stores the projection at the log's head (skipped when nothing happened since the last).
    func takeSnapshot() throws {
        try flush()
        guard state.seq > lastSnapshotSeq else { return }
        // A resumed run's earlier snapshots are in the log already; the one at its head may not be.
        if state.seq >= resumeHead.lastSeq {
            if let writer { try writer.submit(.snapshot(state)) } else { try log.putSnapshot(try state.encodedSnapshot(), at: state.seq) }
        }
        lastSnapshotSeq = state.seq
        snapshotsWritten += 1
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        if eventsWritten < resumeHead.lastSeq { try checkRegenerated() }
        guard !pending.isEmpty else { return }
        let expected = UInt64(eventsWritten + 1)...UInt64(eventsWritten + UInt64(pending.count))
        if let writer {
            // The batch moves to the writer thread; the next one starts in a new array.
            try writer.submit(.append(pending, expected: expected))
            // As large as the batch just sent: growing a 50,000-event batch from empty copied it 16 times.
            let sent = pending.count
            pending = []
            pending.reserveCapacity(sent)
        } else {
            let written = try log.append(pending)
            guard written == expected else { throw SimulationError.sequenceMismatch }
            pending.removeAll(keepingCapacity: true)
        }
        eventsWritten = expected.upperBound
        progress?(scheduler.now, eventsWritten)
    }

    /// Resuming: chains the regenerated events the log already holds instead of writing them, and at the
    /// log's head requires the chain to equal the log's digest, before anything is appended.
    func checkRegenerated() throws {
        let count = Int(min(UInt64(pending.count), resumeHead.lastSeq - eventsWritten))
        for event in pending[..<count] {
            let bytes = try EventCodec.encode(event)
            eventsWritten += 1
            replayDigest = bytes.withUnsafeBytes { DigestChain.next(replayDigest, seq: eventsWritten, encoded: $0) }
        }
        pending.removeFirst(count)
        if eventsWritten == resumeHead.lastSeq, replayDigest != resumeHead.digest {
            throw SimulationError.resumeMismatch("the events regenerated through @\(eventsWritten) do not match the log (digest \(replayDigest.hex), the log's \(resumeHead.digest.hex)): the scenario file, its settings or AccessLab changed since the run began")
        }
    }

    // MARK: - Randomness and scheduling

    /// The generator of one actor; independent of every other actor's draws.
    func withRNG<T>(_ actorId: String, _ body: (inout Xoshiro256StarStar) -> T) -> T {
        var rng = rngs[actorId] ?? streams.stream(for: actorId)
        let value = body(&rng)
        rngs[actorId] = rng
        return value
    }

    func sample(_ d: Distribution, actor: String) -> Duration_ms { withRNG(actor) { d.sample(&$0) } }

    func schedule(_ task: SimTask, at time: Instant) throws { try scheduler.schedule(task, at: time) }
    func schedule(_ task: SimTask, after delay: Duration_ms) throws { try scheduler.schedule(task, after: delay) }

    var now: Instant { scheduler.now }

    func perform(_ task: SimTask) throws {
        switch task {
        case .setup: try setUp()
        case .planDay(let day): try planDay(day)
        case .hr(let action): try performHR(action)
        case .idpReceive(let changes): try idpReceive(changes)
        case .idpSend(let change): try idpSend(change)
        case .groupRePush(let groupId): try groupRePush(groupId)
        case .idpCycle: try idpCycle()
        case .scimPump: try pumpScim()
        case .adminApply(let change): try adminApply(change)
        case .controlPlaneDispatch: try dispatchControlPlane()
        case .assignmentDone(let job): try finishAssignment(job)
        case .denyEffective(let userId, let scope, let target): emitDenyEffective(userId, scope, target)
        case .signIn(let userId): try userSignIn(userId)
        case .mint(let userId, let target): try userMint(userId, target)
        case .provisioningDone(let request): finishProvisioning(request)
        case .credentialExpiry(let id, let userId, let accountId):
            if state.credentials[id] != nil {
                emit(.system, .roleCredentialsExpired(RoleCredentialsExpired(credentialId: id, userId: userId, accountId: accountId)))
            }
        case .sessionExpiry(let sessionId, let userId): try sessionExpired(sessionId, userId)
        case .lastChance(let userId): try leaverLastChance(userId)
        case .runbookStep(let userId, let index): try runbookStep(userId, index)
        }
    }
}

/// The projection the actors read, with the meter and the checker that watch it change.
struct Fold {
    var state = AccessState()
    var meter: RevocationMeter
    var checker = InvariantChecker()
    /// Off when measuring a finished log, which the run that wrote it already checked.
    var checking = true

    mutating func apply(_ event: Event, rules: AccessRules, permissionSets: [String: PermissionSetSpec]) {
        if checking { checker.check(event, before: state, rules: rules, permissionSets: permissionSets) }
        meter.willApply(event, state: state)
        state.apply(event)
        meter.didApply(event, state: state)
    }

    mutating func checkRoles() { checker.checkRoles(state) }

    /// Runs `body` on the state in place. `mutating` only for that: a non-mutating call on a struct
    /// held by a class copies the struct first (retaining its ~20 collections), an in-place access does not.
    @inline(__always) mutating func reading<R>(_ body: (AccessState) throws -> R) rethrows -> R { try body(state) }
}

/// Everything the scheduler can run. Cases with large payloads are boxed (`indirect`): the heap moves
/// its entries on every push and pop, and an inline IdP change would make every entry ~200 bytes.
enum SimTask {
    case setup
    case planDay(Int64)
    case hr(HRAction)
    case idpReceive([IdPChange])
    indirect case idpSend(IdPChange)
    case groupRePush(String)
    case idpCycle
    case scimPump
    indirect case adminApply(IdPChange)
    case controlPlaneDispatch
    indirect case assignmentDone(AssignmentJob)
    indirect case provisioningDone(ProvisionPermissionSet)
    case denyEffective(String, DenyScope, String)
    case signIn(String)
    case mint(String, AccountPermissionSet)
    case credentialExpiry(String, String, String)
    case sessionExpiry(String, String)
    case lastChance(String)
    case runbookStep(String, Int)
}

struct Counters {
    var session = 0
    var credential = 0
    var request = 0
    var scimThrottled = 0

    /// The id of the latest portal session, `s<n>`.
    var sessionId: String { Self.id("s", session) }
    /// The id of the latest role credentials, `c<n>`.
    var credentialId: String { Self.id("c", credential) }

    /// `prefix` then the decimal digits of `n` (not negative). String interpolation went through
    /// `CustomStringConvertible` and a growing buffer: about 700 instructions an id, and a 100,000-user
    /// year makes some 17 million of them.
    static func id(_ prefix: Unicode.Scalar, _ n: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var i = buffer.count
            var rest = UInt(max(n, 0))
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            } while rest > 0
            i -= 1
            buffer[i] = UInt8(ascii: prefix)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[i...]), as: UTF8.self)
        }
    }
}

/// What a run produced.
public struct RunSummary: Sendable {
    public var events: UInt64
    public var start: Instant
    public var end: Instant
    public var report: RevocationReport
    public var invariantViolations: [String]
    /// Set when `shouldStop` ended the run: the virtual time it stopped at.
    public var interruptedAt: Instant? = nil
}

public struct SimulationError: Error, CustomStringConvertible, Equatable, Sendable {
    enum Kind: Equatable, Sendable { case logNotEmpty(UInt64), sequenceMismatch, resumeMismatch(String) }
    let kind: Kind
    static func logNotEmpty(events: UInt64) -> SimulationError { SimulationError(kind: .logNotEmpty(events)) }
    static let sequenceMismatch = SimulationError(kind: .sequenceMismatch)
    static func resumeMismatch(_ why: String) -> SimulationError { SimulationError(kind: .resumeMismatch(why)) }
    public var description: String {
        switch kind {
        case .logNotEmpty(let n): "the database already holds \(n) events; run a scenario into a new directory"
        case .sequenceMismatch: "the log assigned sequence numbers the simulation did not expect (another writer?)"
        case .resumeMismatch(let why): "cannot resume: \(why); nothing was appended"
        }
    }
}
