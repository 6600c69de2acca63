import ArgumentParser

/// The `accesslab` command: the root of every subcommand.
public struct AccessLabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "accesslab",
        abstract: "Simulate AWS IAM Identity Center across an organization, event by event.",
        discussion: """
        Every admin, IdP, HR and runtime action is an event in an append-only LMDB log. Times are \
        written as the AWS CLI takes them (2026-03-02T09:00:00Z, 2026-03-02T10:00+01:00, 2026-03-02), \
        relative to the run (+90m, +3d4h after its first event; end, end-6h) or as a sequence number \
        (@12345). Users are named by id, user name or email; accounts by id or name.

        Examples:
          accesslab run scenarios/org-120-jml.yaml --db /tmp/org
          accesslab access --db /tmp/org --at 2026-01-09T20:00:00Z --user u00755@example.com
          accesslab access --db /tmp/org --at end --by team
          accesslab explain --db /tmp/org --at 2026-01-09T20:00:00Z --user u00755 --account shared-services --action s3:GetObject
          accesslab timeline --db /tmp/org --user u00755
          accesslab log --db /tmp/org --user u00755 --type HRTermination
          accesslab report --db /tmp/org --out /tmp/org.html
          accesslab verify --db /tmp/org
        """,
        version: AccessLabVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, AccessCommand.self, ExplainCommand.self, TimelineCommand.self, DiffCommand.self, SnapshotCommand.self, WhatIfCommand.self, PolicyCommand.self, BenchCommand.self, SweepCommand.self, MergeCommand.self, ReportCommand.self, DemoCommand.self, ImportCommand.self, ServeCommand.self, LogCommand.self, VerifyCommand.self, DigestCommand.self,
                      AppendStressCommand.self]
    )
    public init() {}
}

/// The version printed by `--version` and written into reports.
public enum AccessLabVersion {
    public static let current = "0.10.0"
}
