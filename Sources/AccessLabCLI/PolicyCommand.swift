import AccessLabPolicy
import ArgumentParser
import Foundation

/// `accesslab policy`: the IAM policy evaluator on its own.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate IAM policies: identity, SCP and RCP levels, permissions boundaries and a resource policy.",
        subcommands: [PolicyEvalCommand.self]
    )
}

struct PolicyEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Decide one case, or a JSON array of cases (printed as JSON Lines).",
        discussion: """
        A case: {"request": {"action": "s3:GetObject", "resource": {"resource": ARN, "accountId": ID}, \
        "principal": ARN, "context": {"aws:PrincipalTag/team": "payments"}}, "identityPolicies": [...], \
        "serviceControlPolicies": [{"orgIdentifier": "r-root", "policies": [...]}], \
        "resourceControlPolicies": [{"orgIdentifier": "r-root", "policies": [...]}], \
        "permissionBoundaries": [...], "resourcePolicy": {...}, "managementAccountId": ID}. \
        Every field but request may be absent. Output per case: \
        {"response": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied", "statements": [...], "reason": ...}; \
        a service guard (an AWS managed policy, alias/aws/, sts:GetCallerIdentity, an AWSReservedSSO role) is named in reason. \
        An invalid policy is an error naming its path, and nothing is evaluated.

        Examples:
          accesslab policy eval case.json
          cat cases.json | accesslab policy eval -
        """
    )

    @Argument(help: ArgumentHelp("A JSON file with one case or an array of cases; - for standard input.", valueName: "file"))
    var file: String

    func run() throws {
        let text = try readInput(file)
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw CLIError("\(file): \(error.description)") }
        var cases: [EvaluationCase] = []
        do {
            if case .array(let items) = json {
                for (i, item) in items.enumerated() { cases.append(try EvaluationCase.parse(item, path: "[\(i)]")) }
            } else {
                cases.append(try EvaluationCase.parse(json))
            }
        } catch {
            throw CLIError("\(file): \(error.description)")
        }
        for c in cases { Console.out(try JSONOutput.encode(Evaluator.evaluate(c), pretty: false)) }
    }
}
