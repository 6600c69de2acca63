import AccessLabEvents
import AccessLabProjections

/// The nearest-rank percentile `p` (0...1) of sorted values: the smallest value with at least a share p
/// of the values at or below it. Nil for no values. Every percentile AccessLab prints uses this rule.
public func nearestRank<T>(_ sorted: [T], _ p: Double) -> T? {
    guard !sorted.isEmpty else { return nil }
    return sorted[min(max(Int((p * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)]
}

/// Summary statistics of a set of durations, in seconds (nearest-rank percentiles).
public struct LatencyStats: Codable, Sendable, Equatable {
    public var count: Int
    public var p50_s: Double
    public var p90_s: Double
    public var p99_s: Double
    public var max_s: Double
    public var mean_s: Double
    /// With fewer than 10 (100) values the nearest-rank p90 (p99) is the maximum: said, not hidden.
    public var p90_is_max: Bool
    public var p99_is_max: Bool

    public init(_ values_ms: [Int64]) {
        let v = values_ms.sorted()
        count = v.count
        func rank(_ p: Double) -> Double { Double(nearestRank(v, p) ?? 0) / 1000 }
        p50_s = rank(0.5); p90_s = rank(0.9); p99_s = rank(0.99)
        max_s = Double(v.last ?? 0) / 1000
        mean_s = v.isEmpty ? 0 : (Double(v.reduce(0, +)) / Double(v.count) / 1000 * 1000).rounded() / 1000
        p90_is_max = count > 0 && count < 10
        p99_is_max = count > 0 && count < 100
    }
}

/// One leaver's latency split at the moments access could have ended: the IdP recording the
/// deactivation, Identity Center cutting the user (disable, delete, or the last entitlement gone), the
/// last credential minted after that cut, and the last credential's end. Each stage counts only time
/// during which access still lived, so the four add up to the latency; the last is never longer than
/// the longest permission-set session.
public struct LeaverStages: Codable, Sendable, Equatable {
    public var hr_to_idp_s: Double
    public var idp_to_identity_center_s: Double
    public var signin_cache_s: Double
    public var credential_lifetime_s: Double

    public init(hr_to_idp_s: Double, idp_to_identity_center_s: Double, signin_cache_s: Double, credential_lifetime_s: Double) {
        self.hr_to_idp_s = hr_to_idp_s; self.idp_to_identity_center_s = idp_to_identity_center_s
        self.signin_cache_s = signin_cache_s; self.credential_lifetime_s = credential_lifetime_s
    }
}

/// Where leavers' latency went, stage by stage (see `LeaverStages`).
public struct StageStats: Codable, Sendable, Equatable {
    public var hr_to_idp: LatencyStats
    public var idp_to_identity_center: LatencyStats
    public var signin_cache: LatencyStats
    public var credential_lifetime: LatencyStats
}

/// One user's figure, for `explain` and `timeline` to take up.
public struct WorstCase: Codable, Sendable, Equatable {
    public var user: String
    public var at: String
    public var latency_s: Double
    public var account: String?
    /// The account's name in the organization, when known.
    public var account_name: String? = nil
}

public struct LeaverLatency: Codable, Sendable, Equatable {
    /// Leavers whose access still lived when the run ended: counted here, left out of every figure.
    public var censored: Int
    public var latency: LatencyStats
    /// Every leaver's latency in seconds, sorted: what sweeps pool across seeds for exact percentiles.
    public var samples_s: [Double]
    public var stages: StageStats
    public var exposure_credential_hours_total: Double
    public var exposure_credential_hours_mean: Double
    /// Credential-hours after termination that fell in each simulated day (day 0 starts with the run).
    public var exposure_by_day_h: [Double]
    public var worst: [WorstCase]
}

/// The worst leaver's access around their termination: what `report` draws as a timeline.
/// Offsets are seconds from the termination; negative before it.
public struct LeaverTimeline: Codable, Sendable, Equatable {
    public struct Mark: Codable, Sendable, Equatable {
        /// termination, idp_deactivated, sign_in_lost (Identity Center disabled or deleted the user), no_entitlements,
        /// last_mint (the last credential issued after the cut), last_access, deny_effective (a deny on the user took hold)
        public var name: String
        public var offset_s: Double
    }
    public struct Credential: Codable, Sendable, Equatable {
        public var issued_s: Double
        /// When it stopped working: expiry, or a deny taking effect.
        public var ends_s: Double
        public var after_termination: Bool
    }
    public struct Lane: Codable, Sendable, Equatable {
        public var account: String
        /// The account's name in the organization (nil in reports written before AccessLab 0.4.1).
        public var account_name: String?
        public var permission_set: String
        public var permission_set_name: String
        /// Entitled at termination (a provisioned assignment reaches the user, whatever the user's status);
        /// until when (nil: still entitled when the run ended).
        public var entitled: Bool
        public var entitled_until_s: Double?
        public var credentials: [Credential]
    }
    public var user: String
    /// The user name at termination (nil in reports written before AccessLab 0.4.1).
    public var user_name: String? = nil
    /// Which figure it is the worst of: persisting or benign.
    public var behaviour: String
    public var terminated_at: String
    public var latency_s: Double
    public var marks: [Mark]
    public var lanes: [Lane]
}

/// One leaver's figures, as `run --json` lists them for scripts and the independent checker.
public struct LeaverFigure: Codable, Sendable, Equatable {
    public var user: String
    public var terminated_at: String
    /// Nil when the scenario's leavers are benign.
    public var persisting_s: Double?
    public var benign_s: Double
    /// Access still lived when the run ended, so the figure is a lower bound (left out of the statistics).
    public var persisting_censored: Bool?
    public var benign_censored: Bool
    /// The headline variant's stages (persisting when measured).
    public var stages: LeaverStages
    /// The account of the credential that lasted longest (headline variant).
    public var account: String?
}

public struct LeaverSection: Codable, Sendable, Equatable {
    public var count: Int
    /// Leavers of the headline variant (persisting when measured) whose access still lived at the end.
    public var censored: Int
    public var behaviour: String
    /// From the credentials live at termination: what a leaver who stops at once keeps.
    public var benign: LeaverLatency
    /// Everything a persisting leaver minted; nil when the scenario's leavers are benign.
    public var persisting: LeaverLatency?
    /// The leaver with the longest latency (persisting when measured, else benign).
    public var worst_timeline: LeaverTimeline?
    /// Every leaver, by termination time then user.
    public var people: [LeaverFigure]
}

/// One move's figures. `outcome`: `measured` (the old group went in Identity Center), `censored` (it had
/// not when the run ended), `left` (the person was terminated first; the leaver figures cover them).
public struct MoverFigure: Codable, Sendable, Equatable {
    public var user: String
    public var moved_at: String
    public var from_team: String
    public var to_team: String
    public var outcome: String
    /// Until the last moment the old access worked; nil unless measured and something was lost.
    public var latency_s: Double?
    public var abac_old_tag_s: Double?
}

/// One joiner's figures; nil where the run ended first.
public struct JoinerFigure: Codable, Sendable, Equatable {
    public var user: String
    public var hired_at: String
    public var team: String
    public var first_access_s: Double?
    public var full_access_s: Double?
}

public struct MoverSection: Codable, Sendable, Equatable {
    /// Moves (a person who moves twice counts twice).
    public var count: Int
    /// The old group was still there when the run ended.
    public var censored: Int
    /// Terminated before the old group went.
    public var left: Int
    /// Measured and lost some access (the rest kept everything through the new team).
    public var lost_access: Int
    /// From the move to the last moment the old group's access worked (removal or credential expiry).
    public var latency: LatencyStats
    /// From the move to the last moment a credential with the old ABAC tag reached a resource tagged with it.
    public var abac_old_tag: LatencyStats
    public var worst: [WorstCase]
    public var people: [MoverFigure]
}

public struct JoinerSection: Codable, Sendable, Equatable {
    public var count: Int
    /// Joiners without access to all their team's accounts when the run ended.
    public var censored: Int
    /// Joiners who never got access to any account.
    public var no_access: Int
    public var time_to_first_access: LatencyStats
    public var time_to_full_access: LatencyStats
    /// Every joiner's time to a first account and to all team accounts, in seconds, sorted.
    public var first_access_samples_s: [Double]
    public var full_access_samples_s: [Double]
    public var worst: [WorstCase]
    public var people: [JoinerFigure]
}

/// Requests Identity Center refused (each is an event in the log; none is dropped silently).
public struct ProvisioningSection: Codable, Sendable, Equatable {
    public var failed_requests: Int
    /// By operation, sorted by name.
    public var failed_by_operation: [String: Int]
}

/// The measured outcome of a run.
public struct RevocationReport: Codable, Sendable, Equatable {
    public var leavers: LeaverSection
    public var movers: MoverSection
    public var joiners: JoinerSection
    public var provisioning: ProvisioningSection
}

/// The deterministic part of a `run --json` report, as sweeps keep it and `report` draws it: the same
/// keys as the report, so either can be decoded from the other.
public struct RunFigures: Codable, Sendable, Equatable {
    public var accesslab_version: String
    public var scenario: String
    public var seed: UInt64
    public var digest: String
    public var events: UInt64
    public var simulated_start: String
    public var simulated_end: String
    public var simulated_days: Double
    public var leavers: LeaverSection
    public var movers: MoverSection
    public var joiners: JoinerSection
    public var provisioning: ProvisioningSection?
    /// Set when the run was interrupted: the virtual time it stopped at (figures cover the period up to it).
    public var stopped_at: String?

    public init(accesslab_version: String, scenario: String, seed: UInt64, digest: String, events: UInt64, start: Instant, end: Instant,
                report: RevocationReport) {
        self.accesslab_version = accesslab_version; self.scenario = scenario; self.seed = seed; self.digest = digest; self.events = events
        simulated_start = start.description
        simulated_end = end.description
        simulated_days = Double((end.ms - start.ms) / 36_000) / 2400
        leavers = report.leavers; movers = report.movers; joiners = report.joiners
        provisioning = report.provisioning
    }
}
