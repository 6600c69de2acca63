import ArgumentParser

/// The `accesslab` command: the root of every subcommand.
public struct AccessLabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "accesslab",
        abstract: "Simulate AWS IAM Identity Center across an organization, event by event.",
        discussion: """
        Every admin, IdP, HR and runtime action is an event in an append-only LMDB log. Times are \
        written as ISO-8601 UTC (2026-03-02T09:00:00Z), an offset from the log's first event \
        (+90m, +36h, +3d) or a sequence number (@12345).

        Examples:
          accesslab run scenarios/org-120-jml.yaml --db /tmp/org
          accesslab access --db /tmp/org --at 2026-01-09T20:00:00Z --user u00755
          accesslab explain --db /tmp/org --at 2026-01-09T20:00:00Z --user u00755 --account shared-services --action s3:GetObject
          accesslab timeline --db /tmp/org --user u00755
          accesslab log --db /tmp/org --user u00755 --type HRTermination
          accesslab report --db /tmp/org --out /tmp/org.html
          accesslab verify --db /tmp/org
        """,
        version: AccessLabVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, AccessCommand.self, ExplainCommand.self, TimelineCommand.self, DiffCommand.self, SnapshotCommand.self, WhatIfCommand.self, PolicyCommand.self, BenchCommand.self, SweepCommand.self, MergeCommand.self, ReportCommand.self, DemoCommand.self, ImportCommand.self, LogCommand.self, VerifyCommand.self, DigestCommand.self,
                      AppendStressCommand.self]
    )
    public init() {}
}

/// The version printed by `--version` and written into reports.
public enum AccessLabVersion {
    public static let current = "0.4.0"
}
