import AccessLabCheck
@testable import AccessLabCLI
import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabSimulation
import Foundation
import Testing

/// The scenarios in scenarios/checks/: one or two people, one account, every delay fixed, so each answer
/// follows from arithmetic (written beside it, and in the scenario file). Each run must also pass the
/// independent checker, as `run` requires.
@Suite struct ClosedFormScenarioTests {
    static let checks = (try? FileManager.default.contentsOfDirectory(atPath: scenarioPath("checks")))?
        .filter { $0.hasSuffix(".yaml") }.sorted() ?? []

    /// Runs scenarios/checks/NAME and asserts the independent checker agrees with its report.
    func run(_ name: String) throws -> RevocationReport {
        let (_, summary, log) = try simulate(try loadScenario("checks/\(name)"))
        #expect(summary.invariantViolations.isEmpty, "\(summary.invariantViolations)")
        let checked = try log.read { try IndependentCheck.run($0) }
        #expect(firstDisagreement(claimed: RunCheck.claimed(summary.report), checked: checked) == nil)
        #expect(checked.invariantViolations.isEmpty, "\(checked.invariantViolations)")
        return summary.report
    }

    func person(_ report: RevocationReport, _ user: String) throws -> AccessLabSimulation.LeaverFigure {
        try #require(report.leavers.people.first { $0.user == user })
    }

    static func h(_ hours: Double, _ minutes: Double = 0, _ seconds: Double = 0) -> Double { hours * 3600 + minutes * 60 + seconds }

    @Test func thereIsOneTestPerCheckScenario() {
        #expect(Self.checks == ["abac-mover.yaml", "admin-joiner.yaml", "early-leaver.yaml", "entra-cycle.yaml", "okta-push.yaml",
                                "portal-edge.yaml", "push-joiner.yaml", "runbook-deny.yaml"])
    }

    @Test func entraCycle() throws {
        let u = try person(try run("entra-cycle.yaml"), "u00001")
        // Terminated 10:05; IdP 10:15; the 10:40 cycle disables; last credential at 11:40 + 12 h = 23:40.
        #expect(u.persisting_s == Self.h(13, 35))
        #expect(u.stages == LeaverStages(hr_to_idp_s: Self.h(0, 10), idp_to_identity_center_s: Self.h(0, 25), signin_cache_s: Self.h(1),
                                         credential_lifetime_s: Self.h(12)))
        // Benign: the credential taken at the 08:00 sign-in (first_use 0s), 12 h, until 20:00.
        #expect(u.benign_s == Self.h(9, 55))
        #expect(u.persisting_censored == false && u.benign_censored == false)
    }

    @Test func thePortalSessionEndingInsideTheSigninCacheIsTheLastChance() throws {
        let u = try person(try run("portal-edge.yaml"), "u00001")
        // Session 08:00-11:00; disabled 10:40: the last credential is minted at 11:00 (not 11:40), until 23:00.
        #expect(u.persisting_s == Self.h(12, 55))
        #expect(u.stages.signin_cache_s == Self.h(0, 20))
        #expect(u.stages.credential_lifetime_s == Self.h(12))
    }

    @Test func oktaPush() throws {
        let u = try person(try run("okta-push.yaml"), "u00001")
        // 10:05 + 10 m HR lag + 30 s push = 10:15:30 disabled; + 1 h cache; + 12 h.
        #expect(u.persisting_s == Self.h(13, 10, 30))
        #expect(u.stages == LeaverStages(hr_to_idp_s: Self.h(0, 10), idp_to_identity_center_s: 30, signin_cache_s: Self.h(1),
                                         credential_lifetime_s: Self.h(12)))
    }

    @Test func theRunbooksDenyCutsEveryCredential() throws {
        let u = try person(try run("runbook-deny.yaml"), "u00001")
        // SCP deny 10 m after termination, in force 4 s later.
        #expect(u.persisting_s == Self.h(0, 10, 4))
        #expect(u.benign_s == Self.h(0, 10, 4))
    }

    @Test func aLeaverIdentityCenterDoesNotHoldYetStillTakesEveryChance() throws {
        let report = try run("early-leaver.yaml")
        let u = try person(report, "u00003")
        // Terminated 09:05 before the 09:10:30 creation; signs in then; disabled 09:15:30; last credential
        // 10:15:30 + 12 h = 22:15:30, 13 h 10 m 30 s after the termination.
        #expect(u.persisting_s == Self.h(13, 10, 30))
        #expect(u.benign_s == 0)
    }

    @Test func aMoverHeldByAFrozenSessionTag() throws {
        let movers = try run("abac-mover.yaml").movers
        let m = try #require(movers.people.first)
        // Both teams hold ReadOnly in the shared account: nothing is lost, but the 08:00 credential carries
        // team=a until 20:00, 9 h 55 m after the 10:05 move.
        #expect(m.outcome == "measured" && m.latency_s == nil)
        #expect(m.abac_old_tag_s == Self.h(9, 55))
        #expect(movers.lost_access == 0)
    }

    @Test func aPushJoinersMembershipWaitsForTheUser() throws {
        let report = try run("push-joiner.yaml")
        let j = try #require(report.joiners.people.first)
        // Hired 09:00, IdP 09:10, user pushed after 2 m; the membership (5 s) waits for it: 12 m.
        #expect(j.first_access_s == Self.h(0, 12) && j.full_access_s == Self.h(0, 12))
        #expect(report.provisioning.failed_requests == 0)
    }

    @Test func aMembershipBeforeItsUserIsRefusedAndRetried() throws {
        let report = try run("admin-joiner.yaml")
        let j = try #require(report.joiners.people.first)
        // Refused at 09:40, 10:10, 10:40, 11:10, 11:40; the 12:00 sync creates the user; 12:10 succeeds.
        #expect(j.first_access_s == Self.h(3, 10))
        #expect(report.provisioning.failed_requests == 5)
        #expect(report.provisioning.failed_by_operation == ["CreateGroupMembership": 5])
        #expect(report.joiners.no_access == 0)
    }
}
